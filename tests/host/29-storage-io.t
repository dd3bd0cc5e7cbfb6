#!/usr/bin/env bash
# Unit tests of the runner (cmocka): fio 3.39's JSON read back, fio's command line, the O_DIRECT copy loop and BAR regions. Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_storage_io
