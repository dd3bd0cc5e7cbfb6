#!/usr/bin/env bash
# The front door: run one scenario in the virtual lab.
#
#   harness/run-scenario.sh NAME|FILE [--kernel SPEC] [--series FILE|DIR] [--config NAME|FILE]
#
# Picks the rig config (--config, else the scenario's `config NAME` line,
# else .config, else configs/vlab-switch-iommu_defconfig) and checks it and
# the scenario before anything boots, makes sure the cache holds the pinned
# kernel and the build root, builds the module and the runner, boots the
# lab as the config describes, and prints a verdict table and the results
# folder. Exit 0 only if every step passed, the kernel stayed healthy, the
# guest finished and it saw the machine the config asked for; 4 when nothing
# failed but a step was skipped (with its reason); 1 otherwise.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"
# shellcheck source=harness/lib/host-record.sh
source "$P2PRIG_TOP/harness/lib/host-record.sh"

vlab_front_door_args "usage: $0 NAME|FILE [--kernel SPEC] [--series FILE|DIR] [--config NAME|FILE]" "$@"
scenario_arg=$FRONT_DOOR_NAME

# A scenario is a name under scenarios/ or a path to a file.
if [[ $scenario_arg == */* ]]; then
	[[ -f $scenario_arg ]] || die "no scenario file '$scenario_arg'"
	scenario_file=$(realpath "$scenario_arg")
else
	scenario_file="$P2PRIG_TOP/scenarios/$scenario_arg"
	if [[ ! -f $scenario_file || $scenario_arg == README.md ]]; then
		known=$(find "$P2PRIG_TOP/scenarios" -maxdepth 1 -type f ! -name '*.md' -printf '%f ' | sort)
		die "unknown scenario '$scenario_arg' (known: ${known% })"
	fi
fi
scenario=$(basename "$scenario_file")
# scenario_host_ready: once the runner is built for the host, before the
# guest builds: bad input is rejected here, and a results folder that cannot
# keep the run is refused, before the guest boots.
# shellcheck disable=SC2317 # called by vlab_front_door, named in VLAB_HOST_READY
scenario_host_ready() {
	"$P2PRIG_TOP/build/host/p2prig" check "$scenario_file" ||
		die "scenario $scenario rejected; nothing was run"
	out=$(vlab_results_dir "$scenario")
}
VLAB_HOST_READY=scenario_host_ready
vlab_front_door "$config" "$scenario_file" \
	": scenarios run in the virtual lab only so far (make doctor config=CONFIG checks the lab machine)"

# The host oracle (`expect oracle`, scenarios/README.md): ivshmem's backing
# file holds this seed's pattern, addressed by file offset, when the guest
# boots (the guest gets the seed in run.env), and the oracle steps of
# result.json are judged against the file after the guest ends, before
# vlab_boot removes it; oracle.txt keeps what the host found. Test knob
# (tests/vlab): P2PRIG_ORACLE_CHECK_SEED has the host check every oracle
# step against that seed's pattern instead, so the oracle is seen to fail.
# nvme-copy steps with `expect oracle` are judged against the NVMe images in
# the same scratch folder (nvmeCnN.img): the destination's copied ranges must
# equal the source's, and a BAR buffer's regions the source bytes they carried.
oracle_seed=${P2PRIG_ORACLE_SEED:-0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
# shellcheck disable=SC2317 # called by vlab_boot, named in VLAB_SCRATCH_READY
oracle_fill() { "$P2PRIG_TOP/build/host/p2prig" oracle-fill "$1/ivshmem" "$oracle_seed"; }
# shellcheck disable=SC2317 # called by vlab_boot, named in VLAB_GUEST_ENDED
oracle_check() {
	local scratch=$1 dir=$2 rc=0
	[[ -s $dir/result.json ]] || return 0
	"$P2PRIG_TOP/build/host/p2prig" oracle-check "$dir/result.json" "$scratch/ivshmem" --images "$scratch" \
		${P2PRIG_ORACLE_CHECK_SEED:+--seed "$P2PRIG_ORACLE_CHECK_SEED"} >"$dir/oracle.txt" 2>&1 || rc=$?
	# 1 is a verdict (result.json says which step); 2 is the check itself failing.
	[[ $rc -lt 2 ]] || { cat "$dir/oracle.txt" >&2; return 1; }
	[[ -s $dir/oracle.txt ]] || rm -f "$dir/oracle.txt" # no oracle step
}
VLAB_SCRATCH_READY=oracle_fill
VLAB_GUEST_ENDED=oracle_check

# prepare_guest DIR [NODE SELF_ADDR PEER_ADDR]: what one guest is to run.
prepare_guest() {
	local dir=$1
	mkdir -p "$dir"
	cp "$scenario_file" "$dir/$scenario"
	vlab_keep_config "$dir" "$kernel"
	{
		printf 'P2PRIG_SCENARIO=%q\n' "$scenario"
		printf 'P2PRIG_ORACLE_SEED=%q\n' "$oracle_seed"
		vlab_run_env
		# Test knob (tests/vlab): panic, hang or early-panic on purpose.
		printf 'P2PRIG_INJECT=%q\n' "${P2PRIG_INJECT:-}"
		printf 'P2PRIG_KMOD_PARAMS=%q\n' "${P2PRIG_KMOD_PARAMS:-}" # and insmod's (inject_dma_debug=size)
		# Test knob (tests/vlab/ops/92, 90): someone else's trace in the global instance.
		printf 'P2PRIG_TRACE_WITNESS=%q\n' "${P2PRIG_TRACE_WITNESS:-}"
		[[ $# -lt 4 ]] || printf 'P2PRIG_NODE=%q\nP2PRIG_NODE_ADDR=%q\nP2PRIG_PEER_ADDR=%q\nP2PRIG_LINK_MAC=%q\n' \
			"$2" "$3" "$4" "$(vlab_link_mac "$2")"
	} >"$dir/run.env"
}

# verdict: 0 every step passed, 4 nothing failed but a step was skipped
# (kselftest's skip), 1 anything failed. A worse finding never gets better.
verdict=0
worse() { [[ $verdict == 1 || ($verdict == 4 && $1 == 0) ]] || verdict=$1; }

# judge_guest DIR: the verdict table of one guest's results and everything
# the host holds against them: how it ended, the machine it saw, its kernel
# log (unload included, by the runner's rules) and its runner's exit. Each
# is a check in result.json's `host`, with this guest's own verdict.
judge_guest() {
	local dir=$1 rc=0
	HOST_VERDICT=0
	VLAB_OUTCOME=$(cat "$dir/outcome" 2>/dev/null || echo "$VLAB_OUTCOME")
	# A guest that died before the runner wrote anything still leaves a record.
	if [[ ! -s $dir/result.json ]]; then
		jq -n --arg scenario "$scenario" --arg kernel "$PIN_UNAME" --arg config "$RIG_CONFIG_NAME" \
			--arg why "$VLAB_OUTCOME before the runner started" '
			{ format: 2, scenario: $scenario, rig: "vlab", config: $config, kernel: $kernel,
			  complete: false, error: $why, steps: [],
			  health: { clean: null, watched: false, reason: $why, findings: [] },
			  summary: { passed: 0, failed: 0, skipped: 0 } }' >"$dir/result.json"
		printf 'KTAP version 1\n1..1\nnot ok 1 vlab-boot # %s before the runner started\n' \
			"$VLAB_OUTCOME" >"$dir/ktap.txt"
	fi
	rm -f "$dir/host-checks.jsonl"
	echo
	"$P2PRIG_TOP/build/host/p2prig" summary "$dir/result.json" || rc=$?
	[[ $rc == 0 || $rc == 4 ]] || rc=1
	host_raise "$rc"
	host_judge_guest "$dir" "$scenario_file"
	worse "$HOST_VERDICT"
	vlab_record_kernel_build "$dir"
	host_record "$dir" "$VLAB_OUTCOME" "$HOST_VERDICT" || {
		worse 1
		echo "results: $dir/result.json could not be completed; see the warning above"
	}
}

# A two-node scenario (`nodes 2`) runs in two guests joined by a link; each
# keeps a results folder of its own under the run's.
nodes=$(awk '$1 == "nodes" { print $2; exit }' "$scenario_file")
if [[ ${nodes:-1} == 2 ]]; then
	prepare_guest "$out/server" server 10.77.0.1 10.77.0.2
	prepare_guest "$out/client" client 10.77.0.2 10.77.0.1
	vlab_boot_pair "$PIN_UNAME" "$out/server" "$out/client"
	vlab_results_room "$out"
	for node in server client; do
		printf '\n%s:' "$node"
		judge_guest "$out/$node"
	done
	# One JUnit document for the run, a suite per guest.
	"$P2PRIG_TOP/build/host/p2prig" junit "$out/server/result.json" "$out/client/result.json" \
		>"$out/junit.xml" || { worse 1; echo "results: could not write $out/junit.xml"; }
else
	prepare_guest "$out"
	vlab_boot "$PIN_UNAME" "$out"
	vlab_results_room "$out"
	phase_begin judge
	judge_guest "$out"
	phase_end
fi
echo
echo "results: $out"
case $verdict in
0) word=pass ;;
4) word="skip (nothing failed, not everything ran)" ;;
*) word=fail ;;
esac
phase_report
log "scenario $scenario: $(paint_verdict "$word") in $(elapsed "$t_start") s"
exit "$verdict"
