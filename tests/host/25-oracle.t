#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the host oracle (backing file fill, region check, result.json and ktap.txt judged in place). Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_oracle
