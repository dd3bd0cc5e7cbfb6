#!/usr/bin/env bash
# Unit tests of the runner (cmocka): a QP's first PSN is random per process, its hop limit crosses routers. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_rdma_qp
