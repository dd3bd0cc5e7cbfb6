#!/usr/bin/env bash
# Unit tests of the runner (cmocka): map-cost steps, their figures across repeats and their JSON. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/unit/cmocka-tap.sh" test_map_cost
