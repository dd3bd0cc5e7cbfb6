#!/usr/bin/env bash
# nvme-p2p-copy end to end in the virtual lab (vlab-nvme-p2p: a CMB
# controller and a plain one with two namespaces behind one switch, the
# IOMMU in passthrough, the host's clock): libnvme's inventory with the CMB
# decoded lands in result.json; fio reads and writes a namespace through
# the CMB's p2pmem and through RAM, every block verified; the runner's copy
# moves 80 MiB namespace -> CMB -> namespace over five sizes and two queue
# depths, checked in the guest and then by the host comparing the two
# namespaces' image files; health clean, module unloaded.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 22
run_scenario nvme-p2p-copy
tap_is "exits 0: every step passed" "$RUN_RC" 0
tap_is "the guest finished, the run is complete" "$(cat "$RUN_DIR/outcome") $(jq_result .complete)" "done true"
tap_is "four steps, all passed" "$(jq_result '[.steps[].result] | join(",")')" "pass,pass,pass,pass"

ctrl='.doctor.nvme.controllers[]'
tap_is "libnvme found both controllers by serial" \
	"$(jq_result "[$ctrl | .serial] | sort | join(\",\")")" "p2prig0,p2prig1"
tap_is "p2prig0's CMB decoded: 64 MiB in 1 MiB units in BAR 2, RDS and WDS" \
	"$(jq_result "$ctrl | select(.serial == \"p2prig0\") | .cmb | \"\(.present) \(.size_bytes) \(.size_unit_bytes) \(.bar) \(.rds) \(.wds)\"")" \
	"true 67108864 1048576 2 true true"
tap_is "p2prig1 has no CMB and two 128 MiB namespaces" \
	"$(jq_result "$ctrl | select(.serial == \"p2prig1\") | \"\(.cmb.present) \([.namespaces[] | \"\(.nsid):\(.size_bytes)\"] | sort | join(\",\"))\"")" \
	"false 1:134217728,2:134217728"

fio='.steps[] | select(.fio != null)'
tap_is "fio on the CMB's p2pmem and on RAM, through libaio" \
	"$(jq_result "[$fio | \"\(.fio.buffer.kind) \(.fio.engine)\"] | join(\",\")")" "ram libaio,p2pmem libaio"
tap_ok "fio's own version and command line are recorded" \
	bash -c "[[ \$(jq -r '[$fio | .fio.fio_version] | unique | join(\",\")' '$RUN_DIR/result.json') == fio-3.* ]] && jq -e '[$fio | .fio.command | test(\"--iomem=mmapshared:/sys/bus/pci/devices/0000:03:00.0/p2pmem/allocate\")] | any' '$RUN_DIR/result.json' >/dev/null"
tap_is "each fio step: 3 sizes x 2 queue depths, a write and a verifying read each" \
	"$(jq_result "[$fio | (.fio.jobs | length)] | join(\",\")")" "12,12"
tap_is "every fio read verified, no fio error" \
	"$(jq_result "[$fio | .fio.jobs[] | (.error == 0) and (.rw == \"write\" or .verified == true)] | all")" true
tap_is "every fio job has bandwidth, iops and clat p50/p99" \
	"$(jq_result "[$fio | .fio.jobs[] | .bw_mibps > 0 and .iops > 0 and .clat_p50_ns > 0 and .clat_p99_ns >= .clat_p50_ns] | all")" true
tap_ok "fio's JSON is kept in the results folder" test -s "$RUN_DIR/fio-fio-cmb.json"

cmb='.steps[] | select(.name == "copy-cmb") | .copy'
tap_is "the copy went through the CMB's p2pmem, nsid 1 to nsid 2 of p2prig1" \
	"$(jq_result "$cmb | \"\(.buffer.kind) \(.buffer.pci) \(.from.serial):\(.from.nsid) \(.to.serial):\(.to.nsid)\"")" \
	"p2pmem 0000:03:00.0 p2prig1:1 p2prig1:2"
tap_is "ten combinations: 4K..1M x qd 1 and 16" \
	"$(jq_result "[$cmb | .combinations[] | \"\(.bs)/\(.iodepth)\"] | join(\",\")")" \
	"4096/1,4096/16,16384/1,16384/16,65536/1,65536/16,262144/1,262144/16,1048576/1,1048576/16"
tap_is "80 MiB copied, every combination verified with 0 bad bytes and the source still its pattern" \
	"$(jq_result "\"\\([$cmb | .combinations[] | .verified and .mismatched_bytes == 0 and .seed_mismatched_bytes == 0] | all) \\([$cmb | .combinations[].bytes] | add)\"")" \
	"true 83886080"

oracle='.steps[] | select(.copy != null)'
tap_is "both copies judged by the host and verified" \
	"$(jq_result "[$oracle | \"\(.oracle) \(.oracle_verified)\"] | join(\",\")")" "host true,host true"
tap_is "the host compared all 80 MiB of the CMB copy, 0 mismatched bytes" \
	"$(jq_result ".steps[] | select(.name == \"copy-cmb\") | \"\(.oracle_bytes) \(.oracle_mismatched_bytes)\"")" "83886080 0"
tap_ok "oracle.txt: two steps verified by the host" \
	grep -q '2 oracle steps, 2 verified by the host' "$RUN_DIR/oracle.txt"
# Which controller the kernel calls nvme1 changes from boot to boot: the
# namespaces are p2prig1's nsid 1 and 2 whatever their names, and the
# summary names the devices result.json says the copy resolved.
tap_is "the copy's ends are the namespaces libnvme lists for p2prig1 nsid 1 and 2" \
	"$(copy_ends copy-cmb p2prig1 1 2)" "src p2prig1:1 listed,dst p2prig1:2 listed"
tap_ok "the summary shows the copy's oracle, with the devices it resolved" \
	grep -qF "copy-cmb: 80M copied src ($(jq_result "$cmb | .from.device")) -> dst ($(jq_result "$cmb | .to.device")): verified" "$RUN_LOG"
tap_is "kernel health clean" "$(jq_result .health.clean)" true
tap_ok "module unloaded cleanly" test "$(cat "$RUN_DIR/guest-exit")" = 0
tap_done
