#!/usr/bin/env bash
# The module's provider "bar" (tests/kmod/bar.c, on the kernel's kselftest
# harness) inside the virtual lab: ivshmem's 64 MiB BAR2 handed to
# p2prig_bar with driver_override, on two rigs: the default (switch,
# intel-iommu translating: mmio and resource move bytes through IOVAs;
# p2p-page and phys-vec hand out the bus address, which QEMU would fault
# on, so they are mapped and checked but move nothing) and the same switch
# with the IOMMU in passthrough (where every method moves bytes).
# Each run's KTAP results pass through to prove, named with the rig,
# followed by two more tests per rig: the guest finished, the module
# unloaded and the kernel log stayed clean; and the rmmod unbound the
# ivshmem that the tests left bound to p2prig_bar (every "published as
# p2pmem" has its "unpublished, unbinding", the last one after the tests).
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

for config in vlab-switch-iommu vlab-switch-iommu-pt; do
	kmod_run kmod-bar "$config"

	# The kernel log is kept after rmmod: the tests leave ivshmem bound, so
	# its last unbinding is the module's.
	dmesg=${KMOD_RUN_DIR:+$KMOD_RUN_DIR/dmesg.txt}
	bound=0 unbound=0 last=""
	if [[ -n $dmesg && -s $dmesg ]]; then
		bound=$(grep -c 'p2prig_bar: BAR[0-9].* published as p2pmem' "$dmesg" || true)
		unbound=$(grep -c 'p2prig_bar: BAR[0-9].* unpublished, unbinding' "$dmesg" || true)
		last=$(grep 'p2prig_bar: BAR[0-9]' "$dmesg" | tail -n 1 || true)
	fi
	if [[ $KMOD_RC -eq 0 && $bound -gt 0 && $bound -eq $unbound && $last == *"unpublished, unbinding"* ]]; then
		kmod_add 0 "rmmod unbound ivshmem from p2prig_bar ($bound bindings, all undone) [$config]"
	else
		kmod_add 1 "rmmod unbound ivshmem from p2prig_bar [$config] (bound $bound, unbound $unbound, last: ${last:-none})"
	fi
done
kmod_print
