#!/bin/bash
# Runs inside the guest, chrooted into the build root: load the drivers and
# the module, run the scenario, keep the kernel log, unload the module.
# /results/run.env (written by the host) says what to run.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# shellcheck source=/dev/null
source /results/run.env
: "${P2PRIG_SCENARIO:?} ${P2PRIG_RIG:?} ${P2PRIG_TOPOLOGY:?}"

say() { echo "p2prig: $*"; }
keep_logs() {
	dmesg >/results/dmesg.txt 2>&1 || true
	[[ -r /sys/kernel/tracing/trace ]] && cp /sys/kernel/tracing/trace /results/trace.txt
	sync
}
trap keep_logs EXIT

say "guest up: kernel $(uname -r), $(nproc) cpu"
ip link set lo up

# The nvme driver publishes its CMB as p2pmem while it probes.
modprobe nvme
for _ in $(seq 50); do
	compgen -G '/sys/bus/pci/devices/*/p2pmem/published' >/dev/null && break
	sleep 0.1
done

insmod /rig/kmod/p2prig.ko
say "module loaded: $(cat /sys/module/p2prig/taint 2>/dev/null || true) $(ls -l /dev/p2prig)"

rc=0
/rig/build/guest/p2prig run "/results/$P2PRIG_SCENARIO" --out /results \
	--rig "$P2PRIG_RIG" --topology "$P2PRIG_TOPOLOGY" || rc=$?

# A clean unload is part of the verdict: the module must release everything.
if ! rmmod p2prig; then
	say "rmmod p2prig failed"
	[[ $rc -ne 0 ]] || rc=1
fi
echo "$rc" >/results/guest-exit
say "guest done: runner exit $rc"
