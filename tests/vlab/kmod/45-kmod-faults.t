#!/usr/bin/env bash
# The module under faults (tests/kmod/faults.c, on the kernel's kselftest
# harness) inside the virtual lab, on two rigs: the switch without an IOMMU,
# where a mapping's DMA address is the CMB's own, and the same switch with
# the intel IOMMU translating. Faults: an edu DMA that never completes
# (-ETIMEDOUT, the function reset, the next transfer right; no reset
# method: retired with -EIO until a sysfs reset), a DMA mask narrower than
# the CMB's address (-EIO where untranslated, an IOVA below the mask
# otherwise), a RAM chunk beyond a 16 MiB mask (-EIO where untranslated
# without swiotlb, no WARN), a mask no bounce buffer fits under (refused,
# the old mask kept), and rmmod while a file and a dma-buf are open (refused, then
# accepted with the CMB's p2pmem all back, the module loaded again).
# Each run's KTAP results pass through to prove, named with the rig,
# followed per rig by: the guest finished, the module unloaded and the
# kernel log stayed clean (no WARN: the timeouts and refusals log plain
# lines); and the kernel log says what the faults did.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

# count PATTERN FILE: lines of FILE matching the extended regex PATTERN.
count() { grep -cE "$1" "$2" || true; }

for config in vlab-switch-noiommu vlab-switch-iommu; do
	kmod_run kmod-faults "$config"

	dmesg=${KMOD_RUN_DIR:+$KMOD_RUN_DIR/dmesg.txt}
	timeouts=0 resets=0 retired=0 refused=0
	if [[ -n $dmesg && -s $dmesg ]]; then
		timeouts=$(count 'p2prig_edu .*: DMA of [0-9]+ bytes timed out after [0-9]+ ms; resetting the function' "$dmesg")
		resets=$(count 'p2prig_edu .*: function reset, engine idle and mastering again after [0-9]+ ms' "$dmesg")
		retired=$(count 'p2prig_edu .*: function not reset \(-25\); engine retired until reset or rebind' "$dmesg")
		refused=$(count 'p2prig: DMA range 0x[0-9a-f]+-0x[0-9a-f]+ lies beyond the DMA mask 0x[0-9a-f]+; refused' "$dmesg")
		grep -E 'p2prig_edu .*(timed out|function reset|retired)|DMA mask .*; refused' "$dmesg" | sed "s/^/# $config: dmesg: /" || true
	fi
	# uapi.c aside, faults.c times out four times: the lost interrupt, two
	# DMAs in flight, and once with no reset method (retired).
	if [[ $timeouts -eq 4 && $resets -eq 3 && $retired -eq 1 ]]; then
		kmod_add 0 "kernel log: 4 timeouts, 3 resets, 1 engine retired [$config]"
	else
		kmod_add 1 "kernel log: 4 timeouts, 3 resets, 1 engine retired [$config] (seen $timeouts, $resets, $retired)"
	fi
	if [[ $refused -ge 1 ]]; then
		kmod_add 0 "kernel log: the narrow mask's refusals named ($refused) [$config]"
	else
		kmod_add 1 "kernel log: the narrow mask's refusals named [$config] (seen $refused)"
	fi
done
kmod_print
