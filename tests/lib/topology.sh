# shellcheck shell=bash
# Shared by the topology tests (tests/vlab/6*.t): run one topology scenario
# under the rig configuration it names, and check every step's verdict, the
# kernel's map type, that the doctor predicted the same, and where the DMA
# address pointed.

# shellcheck source=tests/lib/vlab.sh
source "$(dirname "${BASH_SOURCE[0]}")/vlab.sh"

# topology_test SCENARIO CONFIG STEP_SPEC...: each STEP_SPEC is
# NAME:RESULT:MAP_TYPE:WHERE:ROUTE with WHERE one of bar, iova, bounced,
# refused or - (the step moved nothing), and ROUTE the route the mapping
# took (result.json's route: BUS_ADDR, HOST_BRIDGE, or null: none).
topology_test() {
	local scenario=$1 config=$2 spec name result map_type where route step
	shift 2
	vlab_requires
	tap_plan $((6 + 5 * $#))
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
		IFS=: read -r name result map_type where route <<<"$spec"
		step=".steps[] | select(.name == \"$name\")"
		tap_is "$name: $result" "$(jq_result "$step | .result")" "$result"
		tap_is "$name: the kernel's p2pdma decided $map_type" \
			"$(jq_result "$step | .map_type")" "$map_type"
		tap_is "$name: the doctor predicted the same" \
			"$(jq_result "$step | .predicted_map_type")" "$map_type"
		tap_is "$name: DMA address is $where" "$(jq_result "$step | $(where_filter)")" "$where"
		tap_is "$name: the mapping took route $route" "$(jq_result "$step | .route")" "$route"
	done
	tap_done
}

# A jq filter naming where a step's DMA address pointed, in WHERE's words.
where_filter() {
	printf '%s' 'if .refused then "refused" elif .dma_address == null then "-"
		elif .dma_in_bar then "bar" elif (.dma_direct | not) then "iova"
		elif .dma_bounced then "bounced" else "ram" end'
}
