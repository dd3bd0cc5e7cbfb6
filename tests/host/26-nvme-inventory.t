#!/usr/bin/env bash
# Unit tests of the runner (cmocka): the NVMe inventory's decoders, register
# reader, lookups and JSON.
set -euo pipefail
exec "$(dirname "$0")/../unit/cmocka-tap.sh" test_nvme_inventory
