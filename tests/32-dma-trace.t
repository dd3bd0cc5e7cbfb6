#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the dma trace read back (traces captured in the virtual lab), the events a kernel offers. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/unit/cmocka-tap.sh" test_dma_trace
