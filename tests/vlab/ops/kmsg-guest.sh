#!/usr/bin/env bash
# Inside a virtual-lab guest (tests/vlab/ops/97): `p2prig kmsg` on the real
# /dev/kmsg. A record written after --next is found by --since; a log
# flooded past its buffer's size loses the run's first records, and
# --since says so (exit 3) instead of starting wherever the buffer now
# starts. What user space writes at err is not the kernel's. Each
# check's result goes to /results/kmsg.env, the logs under /results.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
p2prig=/rig/build/guest/p2prig
env=/results/kmsg.env
: >"$env"

# record NAME COMMAND...: COMMAND's exit code into kmsg.env as NAME.
record() {
	local name=$1 rc=0
	shift
	"$@" || rc=$?
	echo "$name=$rc" >>"$env"
}

# Not wrapped: the marker and a user-space "<3>" line (facility user, as
# the kernel files every line from user space), nothing lost.
start=$("$p2prig" kmsg --next)
echo "p2prig: begin scenario kmsg-check" >/dev/kmsg
echo "<3>virtio_iommu virtio0: a line user space wrote at err" >/dev/kmsg
record since_rc "$p2prig" kmsg --since "$start" >/results/kmsg-since.txt
record since_scan_rc "$p2prig" scan-log /results/kmsg-since.txt >/results/kmsg-since-scan.txt

# Wrapped: user space may log without the kernel's rate limit here, and
# writes until the marker's record is gone (at most 200000 lines of 200
# bytes, 40 MB: more than any log_buf_len this kernel was given).
echo on >/proc/sys/kernel/printk_devkmsg
start=$("$p2prig" kmsg --next)
echo "p2prig: begin scenario kmsg-wrap" >/dev/kmsg
filler=$(printf '%0180d' 0)
exec 3>/dev/kmsg
written=0
while ((written < 200000)); do
	for _ in $(seq 1000); do
		printf 'p2prig: filler %s\n' "$filler" >&3
	done
	written=$((written + 1000))
	rc=0
	"$p2prig" kmsg --since "$start" >/dev/null 2>&1 || rc=$?
	((rc != 3)) || break
done
exec 3>&-
echo "written=$written" >>"$env"
echo "after_wrap" >/dev/kmsg
record wrapped_rc "$p2prig" kmsg --since "$start" >/results/kmsg-wrapped.txt
record wrapped_scan_rc "$p2prig" scan-log /results/kmsg-wrapped.txt >/results/kmsg-wrapped-scan.txt
echo "p2prig-kmsg: done"
