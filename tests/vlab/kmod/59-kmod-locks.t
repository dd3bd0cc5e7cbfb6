#!/usr/bin/env bash
# The module and the rest of the machine (tests/kmod/locks.c, on the
# kernel's kselftest harness) inside the virtual lab, on the switch without
# an IOMMU: during a 30 s MAP_BENCH, which holds the module's lock, an
# unbind of the guest's virtio NIC (nothing of the module's) takes a small
# part of the run, and an ioctl caller stuck behind the run dies at once
# when killed; edu_timeout_ms takes 1..10000 ms only; a CHUNK_ALLOC that
# cannot write its answer back keeps no memory. Its KTAP results pass
# through to prove, named with the rig, followed by: the guest finished,
# the module unloaded and the kernel log stayed clean; and the kernel log
# names the refused timeouts.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

config=vlab-switch-noiommu
kmod_run kmod-locks "$config"

dmesg=${KMOD_RUN_DIR:+$KMOD_RUN_DIR/dmesg.txt}
refused=0
if [[ -n $dmesg && -s $dmesg ]]; then
	refused=$(grep -cE 'p2prig: edu_timeout_ms=[0-9]+ refused: it takes 1\.\.10000 ms' "$dmesg" || true)
fi
# locks.c writes 0, 10001 and 4294967295 (-1 and x are not numbers).
if [[ $refused -eq 3 ]]; then
	kmod_add 0 "kernel log: 3 timeouts refused with the range named [$config]"
else
	kmod_add 1 "kernel log: 3 timeouts refused with the range named [$config] (seen $refused)"
fi
kmod_print
