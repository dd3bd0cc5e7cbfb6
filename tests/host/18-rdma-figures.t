#!/usr/bin/env bash
# Unit tests of the runner (cmocka): rdma bandwidth figures and their JSON. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_rdma_figures
