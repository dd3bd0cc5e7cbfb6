#!/usr/bin/env bash
# The host's last look at a run's kernel log: suspect lines after the
# runner's marker fail the run, lines before it do not, and allow-dmesg
# excuses what a scenario expects.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/lib/tap.sh"
TOP=$(cd "$(dirname "$0")/.." && pwd)
p2prig=${P2PRIG_BUILD:-$TOP/build/host}/p2prig
[[ -x $p2prig ]] || tap_skip_all "$p2prig not built (make runner)"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/dmesg.txt" <<'LOG'
[    0.100000] WARNING: CPU: 0 PID: 1 at early boot, before the run
[    5.000000] p2prig: begin scenario nvme-cmb
[    6.000000] nvme nvme0: 1/0/0 default/read/poll queues
[    7.000000] DMAR: [DMA Read NO_PASID] Request device [03:00.0] fault addr 0xfe000000
[    8.000000] WARNING: CPU: 0 PID: 99 at kmod/main.c:10 p2prig_release+0x1/0x2 [p2prig]
LOG
cat >"$dir/allowing" <<'SCN'
describe a scenario that expects an IOMMU fault
allow-dmesg DMAR: \[DMA Read
provider cmb nvme-cmb id=1b36:0010 size=64K
initiator edu edu id=1234:11e8
step s transfer provider=cmb initiator=edu method=mmio size=64K piece=4K seed=1
SCN

tap_plan 6
rc=0
out=$("$p2prig" scan-log "$dir/dmesg.txt" "$TOP/scenarios/nvme-cmb") || rc=$?
tap_is "suspect lines after the marker fail" "$rc" 1
tap_is "both are quoted, the one before the marker is not" "$(wc -l <<<"$out")" 2
rc=0
out=$("$p2prig" scan-log "$dir/dmesg.txt" "$dir/allowing") || rc=$?
tap_is "allow-dmesg excuses the fault, the WARNING still fails" "$out" \
	"WARNING: CPU: 0 PID: 99 at kmod/main.c:10 p2prig_release+0x1/0x2 [p2prig]"
grep -v WARNING "$dir/dmesg.txt" >"$dir/clean.txt"
rc=0
"$p2prig" scan-log "$dir/clean.txt" "$dir/allowing" >/dev/null || rc=$?
tap_is "a log with only allowed lines passes" "$rc" 0
rc=0
"$p2prig" scan-log /dev/null "$TOP/scenarios/nvme-cmb" 2>/dev/null || rc=$?
tap_is "a log without the marker fails (the runner never started)" "$rc" 1
rc=0
out=$("$p2prig" scan-log "$dir/dmesg.txt") || rc=$?
tap_is "without a scenario the whole log counts: all three lines" "$rc $(wc -l <<<"$out")" "1 3"
tap_done
