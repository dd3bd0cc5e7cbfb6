#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the host oracle of nvme-copy steps (namespace images compared range by range, a BAR buffer's regions against the source, failures when a byte differs or the images are not the virtual lab's). Run from the repo root.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_oracle_copy
