#!/usr/bin/env bash
# Provider hot-unplug from the QEMU monitor (tests/kmod/unplug.c): the NVMe
# controller whose CMB is mapped, exported and imported, then ivshmem lent
# to p2prig_bar the same way, are removed with device_del while the guest
# runs; every user stops with -ENODEV, the exporter revokes, everything is
# released, the kernel log stays clean. Then what the host did: its agent
# sent each device_del, QEMU accepted it and reported the device deleted
# once the guest had let go.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

# has FILE REGEX: 0 when a line of FILE matches.
has() { grep -qE "$2" "$1" 2>/dev/null && echo 0 || echo 1; }

kmod_run kmod-unplug vlab-switch-iommu
agent_log=$KMOD_RUN_DIR/host-agent.log
dmesg=$KMOD_RUN_DIR/dmesg.txt
for id in nvme-cmb ivshmem0; do
	kmod_add "$(has "$agent_log" "^device_del $id\$")" "host: the agent sent device_del $id to QEMU's monitor"
	kmod_add "$(has "$agent_log" "\"event\": \"DEVICE_DELETED\".*\"device\": \"$id\"")" \
		"host: QEMU deleted $id once the guest let it go"
done
# One QMP session for the boot: capabilities, then each device_del.
kmod_add "$([[ $(grep -c '^{"return": {}}' "$agent_log" 2>/dev/null) == 3 ]] &&
	! grep -q '"error"' "$agent_log" && echo 0 || echo 1)" \
	"host: QEMU accepted both, no monitor error"
kmod_add "$([[ $(grep -c 'p2prig: revoked 1 chunk(s)' "$dmesg" 2>/dev/null) == 2 ]] && echo 0 || echo 1)" \
	"guest kernel log: the module revoked each provider's chunk as its driver unbound"
kmod_add "$(has "$dmesg" 'p2prig_bar: BAR2 .* unpublished, unbinding')" \
	"guest kernel log: p2prig_bar unpublished ivshmem's BAR as it went"
sed 's/^/# agent: /' "$agent_log" 2>/dev/null | head -n 20
kmod_print
