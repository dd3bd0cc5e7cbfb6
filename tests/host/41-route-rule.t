#!/usr/bin/env bash
# Unit tests of the module's route rule and address checks (cmocka on the
# header the module compiles): the paths the virtual lab cannot reach.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_route_rule
