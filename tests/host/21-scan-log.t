#!/usr/bin/env bash
# The host's last look at a run's kernel log: suspect lines after the
# runner's marker fail the run, lines before it do not, and allow-dmesg
# excuses what a scenario expects. The kernel's debug checkers are named,
# their own notes are not suspect, kmemleak's summary of the rig's own scan
# is left to the debug-checkers check, and --checkers quotes each report.
# A log saved with its priorities (dmesg -r, p2prig kmsg) is judged by them
# too; `p2prig kmsg` cuts the log by sequence number and names what was lost.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
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

tap_plan 22
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

data=$TOP/tests/host/data/debug-checkers
rc=0
out=$("$p2prig" scan-log "$data/dmesg-dma-debug.txt") || rc=$?
tap_is "dma-debug's report is named; its boot notes and the rig's kmemleak scan are not flagged" \
	"$rc $(wc -l <<<"$out") $(head -c 31 <<<"$out")" "1 3 [dma-debug] DMA-API: p2prig_edu"
# The debug kernel prints its caller after the time ("[   T81]"): an
# anchored allow-dmesg still sees the message first.
sed 's/^allow-dmesg .*/allow-dmesg ^DMA-API: p2prig_edu/' "$dir/allowing" >"$dir/allow-dma-api"
tap_is "a PRINTK_CALLER line is matched from its message: ^DMA-API: excuses it" \
	"$("$p2prig" scan-log "$data/dmesg-dma-debug.txt" "$dir/allow-dma-api" | head -c 20)" "WARNING: kernel/dma/"
sed '/kmemleak scan begins/d' "$data/dmesg-dma-debug.txt" >"$dir/leak-outside.txt"
tap_ok "kmemleak's summary outside the rig's scan is a finding, named" \
	grep -qx '\[kmemleak\] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)' \
	<<<"$("$p2prig" scan-log "$dir/leak-outside.txt" || true)"
rc=0
out=$("$p2prig" scan-log --checkers "$data/dmesg-dma-debug.txt" "$TOP/scenarios/nvme-cmb") || rc=$?
tap_is "--checkers: one report, its first line named" "$rc $(grep -c '^\[' <<<"$out")" "1 1"
tap_is "--checkers: the report's call trace and where the mapping was made are quoted" \
	"$(grep -cxF -e "  p2prig_page_unmap+0x1ad/0x270 [p2prig]" -e "  p2prig_page_map+0x126/0x1e0 [p2prig]" <<<"$out")" 2
tap_is "--checkers: no register dump, no cut-here, no unreliable frames" \
	"$(grep -cE "RAX:|cut here|\? __warn|Hardware name" <<<"$out")" 0
rc=0
out=$("$p2prig" scan-log --checkers "$dir/dmesg.txt") || rc=$?
tap_is "--checkers: a log with only plain WARNINGs and faults has no checker report" "$rc:$out" "0:"
rc=0
out=$("$p2prig" scan-log --checkers "$data/dmesg-lockdep.txt") || rc=$?
tap_is "--checkers: lockdep's report, named, with the locks it names" \
	"$rc $(head -n 1 <<<"$out") $(grep -c 'engine_lock\|p2prig_lock' <<<"$out")" \
	"1 [lockdep] WARNING: possible circular locking dependency detected 2"
# Priorities kept (dmesg -r): an IOMMU driver's error is a finding without
# a marker, another driver's error (an RCU stall on a slow host) is not,
# nor the same IOMMU line at warning.
cat >"$dir/raw.txt" <<'LOG'
<6>[    1.000000] virtio_iommu virtio0: input address: 64 bits
<12>[    5.000000] p2prig: begin scenario nvme-cmb
<3>[    6.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
<4>[    6.500000] virtio_iommu virtio0: unknown resv mem subtype 0x3
<3>[    7.000000] virtio_iommu virtio0: could not add event buffer
<3>[    8.000000] virtio_iommu virtio0: page fault from EP 1024 at 0xf4010000 []
LOG
rc=0
out=$("$p2prig" scan-log "$dir/raw.txt" "$TOP/scenarios/nvme-cmb") || rc=$?
tap_is "dmesg -r: the IOMMU driver's error and its fault are findings, nothing else" "$rc:$out" \
	"1:virtio_iommu virtio0: could not add event buffer
virtio_iommu virtio0: page fault from EP 1024 at 0xf4010000 []"

# p2prig kmsg on a file of /dev/kmsg records (numbers 5 to 9).
cat >"$dir/kmsg" <<'REC'
6,5,1000000,-;virtio_iommu virtio0: input address: 64 bits
 SUBSYSTEM=virtio
12,6,5000000,-;p2prig: begin scenario nvme-cmb
3,7,8000000,-,caller=T81;virtio_iommu virtio0: page fault from EP 1024 at 0xf4010000 []
6,8,9000000,c;nvme nvme0: 1/0/0 default/read/poll queues
4,9,9500000,-;WARNING: CPU: 0 PID: 1 at somewhere
REC
tap_is "kmsg --next: the number after the last record's" "$("$p2prig" kmsg --next --path "$dir/kmsg")" 10
rc=0
out=$("$p2prig" kmsg --since 6 --path "$dir/kmsg") || rc=$?
tap_is "kmsg --since 6: records 6 to 9 as dmesg -r prints them, none lost" "$rc $(wc -l <<<"$out") $(head -n 2 <<<"$out" | tail -n 1)" \
	"0 4 <3>[    8.000000] virtio_iommu virtio0: page fault from EP 1024 at 0xf4010000 []"
tap_is "... judged by scan-log: the fault and the WARNING" \
	"$("$p2prig" scan-log /dev/stdin "$TOP/scenarios/nvme-cmb" <<<"$out" | wc -l)" 2
rc=0
out=$("$p2prig" kmsg --since 2 --path "$dir/kmsg") || rc=$?
tap_is "kmsg --since 2, when the log starts at 5: exit 3, the loss named first" "$rc $(head -n 1 <<<"$out")" \
	"3 p2prig: the kernel log overwrote 3 records (numbers 2 to 4) before they were read: what they said is unknown (a larger log_buf_len keeps them)"
rc=0
findings=$("$p2prig" scan-log /dev/stdin "$TOP/scenarios/nvme-cmb" <<<"$out") || rc=$?
tap_is "... scan-log fails on the loss, though allow-dmesg could not excuse it and the marker may be gone" \
	"$rc $(grep -c 'overwrote 3 records' <<<"$findings")" "1 1"
sed '/begin scenario/d' <<<"$out" >"$dir/lost-marker.txt"
tap_is "... with the marker lost too, the lines after the loss still count" \
	"$("$p2prig" scan-log "$dir/lost-marker.txt" "$TOP/scenarios/nvme-cmb" | wc -l)" 3
rc=0
"$p2prig" kmsg --since x --path "$dir/kmsg" 2>/dev/null || rc=$?
tap_is "kmsg --since x: a usage error" "$rc" 2
tap_done
