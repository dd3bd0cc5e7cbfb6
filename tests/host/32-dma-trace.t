#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the dma trace read back typed (the events' formats recorded in the virtual lab, raw records laid out by them), the pairing and verdicts, the events a kernel offers. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_dma_trace
