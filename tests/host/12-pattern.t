#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the seeded data pattern. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_pattern
