#!/usr/bin/env bash
# On 7.3.4 dma_map_resource() is dma_map_phys(DMA_ATTR_MMIO): nvme-cmb's mmio
# and resource steps (methods mmio-host and resource-host) map the same CMB
# by the same code, so their steady map and unmap floors (the fastest of
# the 32 steady calls) must agree within 3 %, whichever step runs first.
# The p50s are printed, not judged: under DMA-FQ a fresh page-table page
# comes every other map in phases that follow the flush queue's timer,
# and CI's run caught the first step's 32 in one (p50 11040 against 8299
# ns, floors 0.4 % apart). nvme-cmb runs as shipped and with its two
# steps swapped.
# Every check is a figure of one run against another of the same run
# (virtual ns under -icount), never the host's clock.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

# How far apart two figures are, the larger over the smaller, in %.
PERCENT='def apart(a; b): (if a > b then a - b else b - a end) * 100 / ([a, b] | min);'

# swap_steps FILE: FILE's header, then its second step block, then its first.
swap_steps() {
	awk 'BEGIN { block = 0 } /^step /{ block++ } { text[block] = text[block] $0 "\n" }
	     END { printf "%s%s%s", text[0], text[2], text[1] }' "$1"
}

# check_order ORDER: the checks on the run in RUN_DIR, whose steps ran in ORDER ("mmio,resource").
check_order() {
	local order=$1 figures
	tap_is "$order: exits 0" "$RUN_RC" 0
	tap_is "$order: both steps passed, in that order" \
		"$(jq_result '[.steps[] | "\(.name):\(.result)"] | join(",")')" \
		"$(sed 's/,/:pass,/; s/$/:pass/' <<<"$order")"
	# shellcheck disable=SC2016 # $t is jq's
	figures=$(jq_result "$PERCENT"'
		[.steps[] | { (.name): .timings }] | add as $t
		| [("map", "unmap") as $call | ("min", "p50") as $stat
		   | "\($call) \($stat) mmio \($t.mmio[$call + "_ns"][$stat]) " +
		     "resource \($t.resource[$call + "_ns"][$stat]) " +
		     "(\(apart($t.mmio[$call + "_ns"][$stat]; $t.resource[$call + "_ns"][$stat])
			 * 100 | round / 100) %)"] | join(", ")')
	echo "# $order: $figures"
	for call in map unmap; do
		tap_is "$order: mmio and resource steady $call floors within 3 %" \
			"$(jq_result "$PERCENT"'[.steps[] | { (.name): .timings.'"$call"'_ns.min }] | add
				| apart(.mmio; .resource) <= 3')" true
	done
	tap_is "$order: the resource step's expect methods-agree met" \
		"$(jq_result '.steps[] | select(.name == "resource") | .expectations[]
			| select(.expect == "methods-agree") | .met')" true
	# The doctor's note on the -host route through q35's host bridge is not one.
	tap_is "$order: no step carries a methods-agree note" \
		"$(jq_result '[.steps[].notes[] | select(test("host bridge") | not)] | length')" 0
	tap_is "$order: cold figures of their own: warm-up pairs, the transfer's own mapping" \
		"$(jq_result '[.steps[].timings.cold | .warmup > 0 and .map_ns.n == .warmup and
			.unmap_ns.n == .warmup and .map_ns.p50 != null and .own_map_ns != null] | join(",")')" \
		"true,true"
	tap_is "$order: steady figures are the 32 map-repeat pairs alone" \
		"$(jq_result '[.steps[].timings | "\(.map_ns.n) \(.unmap_ns.n)"] | join(",")')" "32 32,32 32"
	tap_is "$order: every map call kept in order, the transfer's own first" \
		"$(jq_result '[.steps[].timings.cold | .first_map_calls_ns[0] == .own_map_ns and
			(.first_map_calls_ns | length) == ([1 + .warmup + 32, 512] | min)] | join(",")')" \
		"true,true"
	# The first step maps fresh IOVA space: a new page-table page every other map
	# (~13470 against ~8255 virtual ns) until the flush queue first fills.
	tap_is "$order: the first step's warm-up took the cold start (cold map p99 >= 1.4 x steady floor)" \
		"$(jq_result '.steps[0].timings | .cold.map_ns.p99 >= 1.4 * .map_ns.min')" true

	tap_is "$order: the trace saw the transfer's own mapping and was off while timing" \
		"$(jq_result '[.steps[].trace | "\(.off_while_timing) \(.maps - .sg_maps)"] | join(",")')" \
		"true 1,true 1"
}

tap_plan 22
run_scenario nvme-cmb
check_order mmio,resource

work=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-56.XXXXXX")
trap 'rm -rf "$work"' EXIT
swap_steps "$TOP/scenarios/nvme-cmb" >"$work/nvme-cmb-swapped"
run_scenario "$work/nvme-cmb-swapped"
check_order resource,mmio
tap_done
