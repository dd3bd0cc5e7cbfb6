# shellcheck shell=bash
# Shared by the topology tests (tests/vlab/topology/*.t): run one topology scenario
# under the rig configuration it names, and check every step's verdict, the
# kernel's map type, that the doctor predicted the same, and where the DMA
# address pointed.

# shellcheck source=tests/lib/vlab.sh
source "$(dirname "${BASH_SOURCE[0]}")/vlab.sh"

# topology_test SCENARIO CONFIG STEP_SPEC...: each STEP_SPEC is
# NAME:RESULT:MAP_TYPE:WHERE:ROUTE with WHERE one of bar, iova, bounced,
# refused or - (the step moved nothing), and ROUTE the route the mapping
# took (result.json's route: BUS_ADDR, HOST_BRIDGE, or null: none). An
# optional sixth field, MAPS, is how many DMA-layer maps other than the
# p2pdma probe's scatterlist the step's trace shows (0: the bus address by
# the kernel's rule, no dma_map_phys or dma_map_resource at all).
topology_test() {
	local scenario=$1 config=$2 spec name result map_type where route maps step checks=6
	shift 2
	vlab_requires
	for spec in "$@"; do
		IFS=: read -r name result map_type where route maps <<<"$spec"
		checks=$((checks + 5))
		[[ -z $maps ]] || checks=$((checks + 1))
	done
	tap_plan "$checks"
	run_scenario "$scenario"
	tap_ok "a results folder was written" test -s "$RUN_DIR/result.json"
	tap_is "result.json names the config" "$(jq_result .config)" "$config"
	tap_is "the run used the scenario's config" \
		"$(sed -n 's/^P2PRIG_CONFIG=//p' "$RUN_DIR/run.env" | tr -d "'\"")" "$config"
	tap_is "the guest finished and the module unloaded" \
		"$(cat "$RUN_DIR/outcome") $(cat "$RUN_DIR/guest-exit" 2>/dev/null)" "done 0"
	tap_is "the run is complete" "$(jq_result .complete)" true
	tap_is "kernel health clean" "$(jq_result .health.clean)" true
	for spec in "$@"; do
		IFS=: read -r name result map_type where route maps <<<"$spec"
		step=".steps[] | select(.name == \"$name\")"
		tap_is "$name: $result" "$(jq_result "$step | .result")" "$result"
		tap_is "$name: the kernel's p2pdma decided $map_type" \
			"$(jq_result "$step | .map_type")" "$map_type"
		tap_is "$name: the doctor predicted the same" \
			"$(jq_result "$step | .predicted_map_type")" "$map_type"
		tap_is "$name: DMA address is $where" "$(jq_result "$step | $(where_filter)")" "$where"
		tap_is "$name: the mapping took route $route" "$(jq_result "$step | .route")" "$route"
		if [[ -n $maps ]]; then
			tap_is "$name: $maps DMA-layer maps in the trace beside the probe's" \
				"$(jq_result "$step | .trace | .maps - .sg_maps")" "$maps"
		fi
	done
	tap_done
}

# A jq filter naming where a step's DMA address pointed, in WHERE's words.
where_filter() {
	printf '%s' 'if .refused then "refused" elif .dma_address == null then "-"
		elif .dma_in_bar then "bar" elif (.dma_direct | not) then "iova"
		elif .dma_bounced then "bounced" else "ram" end'
}
