#!/usr/bin/env bash
# Unit tests of the runner (cmocka): provider kind bar, offset= and `expect oracle` in scenario files. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_scenario_oracle
