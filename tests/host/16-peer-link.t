#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the two-node side channel, over real loopback TCP.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_peer_link
