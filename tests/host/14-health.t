#!/usr/bin/env bash
# Unit tests of the runner (cmocka): kernel log health matching. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_health
