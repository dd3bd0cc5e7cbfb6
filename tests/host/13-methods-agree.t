#!/usr/bin/env bash
# Unit tests of the runner (cmocka): `expect methods-agree`, its parsing and
# the decision after the last step. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_methods_agree
