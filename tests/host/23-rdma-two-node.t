#!/usr/bin/env bash
# Unit tests of the runner (cmocka): rdma steps in a two-node run, over a real loopback TCP link.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_rdma_two_node
