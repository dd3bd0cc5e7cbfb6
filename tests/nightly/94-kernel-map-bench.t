#!/usr/bin/env bash
# The kernel's own dma_map_benchmark beside map-cost's ram method
# (kernel-bench=, harness/vlab/guest-dma-bench.sh). map-cost's step, as
# scenarios/map-cost has it, then a transfer step through the same edu: on a
# kernel the rig built from source (src:7.3.4, CONFIG_DMA_MAP_BENCHMARK=y and
# the program in the build root) the kernel's figure is there for every
# granule, positive, with the ratio to ours computed from the two, and the
# device is given back to p2prig_edu (the transfer moves and checks its
# bytes, the module unloads). On Debian's pinned kernel, built without the
# benchmark, the same step is a skip of kernel_bench with that reason and a
# note, never a figure, and the step's own verdict stands. Figures are never
# asserted, only their presence and the ratio's arithmetic.
#
# The first run on a machine builds the kernel (minutes: README.md, "The
# kernel under test"); later runs take it from the cache. A second kernel
# build (the debug one is make test's) would put make test over its hour on
# a fresh machine, so this runs in make test-debug, the nightly's.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires

tap_plan 21
spec=${P2PRIG_TEST_BUILT_KERNEL:-src:7.3.4}
work=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-94.XXXXXX")
trap 'rm -rf "$work"' EXIT
# map-cost's own file and step, and a transfer through the same initiator after it.
scenario=$work/map-cost-then-transfer
{
	cat "$TOP/scenarios/map-cost"
	echo "step  after  transfer  provider=cmb initiator=edu method=resource size=64K piece=4K seed=0x94"
	echo "expect verified"
} >"$scenario"
kb='.steps[0].map_cost.kernel_bench'

# 1. A kernel built from source: the kernel's figure, and ours beside it.
RUN_KERNEL=$spec run_scenario "$scenario"
tap_is "$spec: exit 0, both steps passed" \
	"$RUN_RC $(jq_result '[.steps[] | "\(.name) \(.result)"] | join(",")')" "0 cost pass,after pass"
tap_ok "the guest ran the built kernel ($(jq_result .kernel))" grep -qE '^7\.3\.4-p2prig' <<<"$(jq_result .kernel)"
tap_is "kernel_bench measured, no reason" "$(jq_result "$kb | \"\(.result) \(.reason)\"")" "measured null"
tap_ok "the program is the one built from the kernel's source" \
	grep -qE '^/usr/lib/modules/7\.3\.4-p2prig[^/]*/p2prig-tools/dma_map_benchmark$' <<<"$(jq_result "$kb.path")"
tap_is "on the step's initiator, taken from p2prig_edu, with the mask it had set" \
	"$(jq_result "\"\($kb.device == .steps[0].map_cost.initiator_pci) \($kb.driver) \($kb.dma_bits >= 20 and $kb.dma_bits <= 64)\"")" \
	"true p2prig_edu true"
tap_is "the step's granules, threads and repeats" \
	"$(jq_result "\"\([$kb.granules[].granule_bytes] | join(\",\")) \($kb.threads) \($kb.repeats)\"")" \
	"4096,65536,2097152 1 5"
tap_is "each granule: the program ran repeats times, each run printed both figures" \
	"$(jq_result "$kb.repeats as \$r | [$kb.granules[] | (.runs | length) == \$r and .pages * 4096 == .granule_bytes] | all")" true
tap_is "the kernel's figure is positive for map and unmap at every granule" \
	"$(jq_result "[$kb.granules[] | .map, .unmap | .kernel.repeats == 5 and .kernel.mean_ns > 0] | all")" true
tap_is "ours beside it: the ram entry's mean at the same granule" \
	"$(jq_result "[.steps[0].map_cost.entries[] | select(.method == \"ram\")] as \$ram
		| [$kb.granules[] | . as \$g | (\$ram[] | select(.granule_bytes == \$g.granule_bytes)) as \$e
		   | (\$g.map.ours_mean_ns - \$e.map.mean_ns | fabs) < 0.1 and (\$g.unmap.ours_mean_ns - \$e.unmap.mean_ns | fabs) < 0.1
		   and \$g.map.ours_p50_ns > 0] | length == 3 and all")" true
tap_is "ratio = ours / the kernel's mean, ratio_min below it, no note" \
	"$(jq_result "[$kb.granules[] | .note == null and (.map, .unmap | .ratio > 0 and ((.ratio - .ours_mean_ns / .kernel.mean_ns) | fabs) < 0.001
		and .ratio_min < .ratio and ((.ratio_min - .ours_mean_ns / (.kernel.mean_ns + 199)) | fabs) < 0.001)] | all")" true
tap_ok "the script's output is kept: the program's lines, measured" \
	bash -c "[[ \$(grep -c '^average map latency(us):' '$RUN_DIR/kbench-cost.txt') -eq 15 ]] && grep -qx 'result=measured' '$RUN_DIR/kbench-cost.txt'"
tap_ok "the device went back to p2prig_edu" grep -q 'given back to p2prig_edu' "$RUN_DIR/kbench-cost.txt"
# shellcheck disable=SC2016 # $edu is jq's
tap_is "the transfer after it moved and checked its bytes through the same edu" \
	"$(jq_result '.steps[0].initiator.pci as $edu | .steps[1] | "\(.initiator.pci == $edu) \(.verified) \(.to_peer.bytes) \(.from_peer.bytes) \(.to_peer.mismatched_bytes + .from_peer.mismatched_bytes)"')" \
	"true true 65536 65536 0"
tap_is "no note on the step" "$(jq_result '.steps[0].notes | length')" 0
tap_ok "the summary prints the kernel's figure per granule beside ours, and what differs" \
	bash -c "'$TOP/build/host/p2prig' summary '$RUN_DIR/result.json' >'$work/summary' &&
		grep -q \"kernel's dma_map_benchmark on \" '$work/summary' &&
		[[ \$(grep -cE '^ +(4K|64K|2M) +[0-9]+ \\([0-9]+\\) +[0-9]+ ± [0-9]+ +[0-9.]+ \\(>= [0-9.]+\\)' '$work/summary') -eq 3 ]] &&
		grep -q '^  what differs: Both time dma_map_page_attrs()' '$work/summary'"

# 2. Debian's kernel: the same step, kernel_bench a skip with the reason.
RUN_KERNEL="" run_scenario "$scenario"
tap_is "Debian's kernel: exit 0, both steps passed" \
	"$RUN_RC $(jq_result '[.steps[] | "\(.name) \(.result)"] | join(",")')" "0 cost pass,after pass"
tap_ok "it ran Debian's kernel ($(jq_result .kernel))" grep -qE '\+deb[0-9]+-amd64$' <<<"$(jq_result .kernel)"
tap_is "kernel_bench skipped, no figure" \
	"$(jq_result "\"\($kb.result) \($kb.granules | length)\"")" "skipped 0"
tap_ok "the reason names the missing option ($(jq_result "$kb.reason"))" \
	grep -q 'has no dma_map_benchmark (built without CONFIG_DMA_MAP_BENCHMARK' <<<"$(jq_result "$kb.reason")"
tap_is "the step carries it as a note" \
	"$(jq_result ".steps[0].notes | map(select(startswith(\"kernel-bench: dma_map_benchmark skipped: \"))) | length")" 1
tap_ok "the summary says skipped, with the reason" \
	bash -c "'$TOP/build/host/p2prig' summary '$RUN_DIR/result.json' |
		grep -q \"kernel's dma_map_benchmark beside ram: skipped: kernel .* has no dma_map_benchmark\""
tap_done
