#!/usr/bin/env bash
# Bad input is refused before the guest boots, with file:line and what was
# expected; nothing is written under results/.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/lib/tap.sh"
TOP=$(cd "$(dirname "$0")/.." && pwd)

tap_plan 7
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" no-such-scenario 2>&1) || rc=$?
tap_ok "unknown scenario: non-zero exit" test "$rc" -ne 0
tap_ok "unknown scenario: named, with the known ones" \
	grep -q "unknown scenario 'no-such-scenario' (known: .*nvme-cmb" <<<"$out"

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" "$TOP/tests/vlab/data/malformed" 2>&1) || rc=$?
tap_ok "malformed scenario: non-zero exit" test "$rc" -ne 0
tap_ok "malformed scenario: file:line: what was expected" \
	grep -qE "tests/vlab/data/malformed:4: .*'mmo'.*mmio" <<<"$out"
tap_ok "malformed scenario: rejected before any boot" bash -c "! grep -q 'boot:' <<<\"\$1\"" _ "$out"
tap_is "nothing written under results" "$(find "$results" -mindepth 1 | wc -l)" 0

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" nvme-cmb --kernel 9.9 2>&1) || rc=$?
tap_ok "unknown kernel: named, with the known ones" grep -q "unknown guest kernel '9.9' (known: .*7.3.4" <<<"$out"
tap_done
