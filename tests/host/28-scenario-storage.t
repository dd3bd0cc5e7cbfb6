#!/usr/bin/env bash
# Unit tests of the runner (cmocka): storage lines, fio and nvme-copy steps in scenario files. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_scenario_storage
