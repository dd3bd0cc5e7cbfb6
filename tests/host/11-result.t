#!/usr/bin/env bash
# Unit tests of the runner (cmocka): result.json and ktap.txt writers. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_result
