#!/usr/bin/env bash
# Provider hot-unplug from the QEMU monitor (tests/kmod/unplug.c): the NVMe
# controller whose CMB is mapped, exported and imported is removed with
# device_del while the guest runs; every user stops with -ENODEV, the
# exporter revokes, everything is released, the kernel log stays clean.
# Then what the host did: its agent sent device_del, QEMU accepted it and
# reported the device deleted once the guest had let go.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../lib/kmod.sh"
vlab_requires

# has FILE REGEX: 0 when a line of FILE matches.
has() { grep -qE "$2" "$1" 2>/dev/null && echo 0 || echo 1; }

kmod_run kmod-unplug vlab-switch-iommu
agent_log=$KMOD_RUN_DIR/host-agent.log
kmod_add "$(has "$agent_log" '^device_del nvme-cmb$')" "host: the agent sent device_del nvme-cmb to QEMU's monitor"
kmod_add "$(has "$agent_log" '^\{"return": \{\}\}')" "host: QEMU accepted it"
kmod_add "$(has "$agent_log" '"event": "DEVICE_DELETED".*"device": "nvme-cmb"')" \
	"host: QEMU deleted the device once the guest let it go"
kmod_add "$(has "$KMOD_RUN_DIR/dmesg.txt" 'p2prig: revoked 1 chunk\(s\)')" \
	"guest kernel log: the module revoked the chunk as the driver unbound"
sed 's/^/# agent: /' "$agent_log" 2>/dev/null | head -n 20
kmod_print
