#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the topology doctor, predictor first.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_doctor
