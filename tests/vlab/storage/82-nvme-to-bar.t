#!/usr/bin/env bash
# nvme-to-bar end to end in the virtual lab: ivshmem's BAR, handed to
# p2prig_bar and published as p2pmem, is the buffer an NVMe namespace is
# read into and written out of by fio (RAM beside it), then the runner
# copies namespace -> BAR -> namespace; the host compares the two
# namespaces' images and finds, in the BAR's backing file at the offsets
# the guest read from /proc/self/pagemap, the source bytes the copy slots
# carried last. Health clean, module unloaded.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 15
run_scenario nvme-to-bar
tap_is "exits 0: every step passed" "$RUN_RC" 0
tap_is "the guest finished, the run is complete" "$(cat "$RUN_DIR/outcome") $(jq_result .complete)" "done true"
tap_is "three steps, all passed" "$(jq_result '[.steps[].result] | join(",")')" "pass,pass,pass"
tap_ok "the guest handed ivshmem to p2prig_bar, which published its BAR" \
	grep -q 'bar provider: .* bound to p2prig_bar, its BAR published as p2pmem' "$RUN_DIR/serial.log"

vram='.steps[] | select(.name == "fio-vram") | .fio'
tap_is "fio's buffer is the BAR's p2pmem" \
	"$(jq_result "$vram | \"\(.buffer.kind) \(.buffer.path)\"")" \
	"p2pmem /sys/bus/pci/devices/$(jq_result "$vram | .buffer.pci")/p2pmem/allocate"
tap_is "every fio read into the BAR verified, no fio error" \
	"$(jq_result "[$vram | .jobs[] | (.error == 0) and (.rw == \"write\" or .verified == true)] | (length == 12 and all)")" true

copy='.steps[] | select(.name == "copy-vram")'
tap_is "six combinations copied through the BAR, 24 MiB, all verified in the guest" \
	"$(jq_result "\"\\([$copy | .copy.combinations[] | .verified and .mismatched_bytes == 0] | (length == 6 and all)) \\([$copy | .copy.combinations[].bytes] | add)\"")" \
	"true 25165824"
inside=yes
while read -r offset bytes; do
	((offset + bytes <= 64 << 20)) || inside=no
done < <(jq_result "$copy | .copy.bar_regions.regions[] | \"\(.bar_offset) \(.bytes)\"")
tap_is "the guest found where the slots are: regions of BAR 2, inside its 64 MiB" \
	"$(jq_result "$copy | .copy.bar_regions | \"\(.bar) \(.regions | length > 0)\"") $inside" "2 true yes"
tap_is "the host judged the copy and found every byte: images and BAR" \
	"$(jq_result "$copy | \"\(.oracle) \(.oracle_verified) \(.oracle_mismatched_bytes) \(.oracle_bytes)\"")" \
	"host true 0 25165824"
tap_ok "the host checked the BAR's regions too, as much as the guest reported" \
	test "$(jq_result "$copy | .oracle_bar_bytes")" = "$(jq_result "[$copy | .copy.bar_regions.regions[].bytes] | add")"
tap_ok "oracle.txt: one step verified by the host" \
	grep -q '1 oracle step, 1 verified by the host' "$RUN_DIR/oracle.txt"
# Which controller the kernel calls nvme1 changes from boot to boot: the
# namespaces are p2prig1's nsid 1 and 2 whatever their names, and the
# summary names the devices result.json says the copy resolved.
tap_is "the copy's ends are the namespaces libnvme lists for p2prig1 nsid 1 and 2" \
	"$(copy_ends copy-vram p2prig1 1 2)" "src p2prig1:1 listed,dst p2prig1:2 listed"
from_dev=$(jq_result "$copy | .copy.from.device")
to_dev=$(jq_result "$copy | .copy.to.device") # /dev/nvmeXnY, checked just above
tap_ok "the summary shows the copy, with the devices it resolved, and the BAR bytes the host checked" \
	grep -qE "copy-vram: 24M copied src \\($from_dev\\) -> dst \\($to_dev\\) and [0-9]+[KM] in the BAR: verified" "$RUN_LOG"
tap_is "kernel health clean" "$(jq_result .health.clean)" true
tap_ok "module unloaded cleanly" test "$(cat "$RUN_DIR/guest-exit")" = 0
tap_done
