#!/usr/bin/env bash
# Unit tests of the runner (cmocka): timing statistics. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_stats
