#!/usr/bin/env bash
# Run one of the module's own tests (tests/kmod, built as build/guest/tests/NAME)
# inside the virtual lab, with nvme and p2prig.ko loaded, and print its KTAP.
#
#   harness/run-guest-test.sh NAME [--kernel SPEC] [--series FILE|DIR] [--config NAME|FILE]
#                              [--seed N] [--calls N] [--test-args "ARG..."]
#
# The rig config comes from --config, else .config, else the default.
# Exit 0 only if the test passed, the guest finished, the module unloaded
# and the kernel log stayed clean.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"
# shellcheck source=harness/lib/host-record.sh
source "$P2PRIG_TOP/harness/lib/host-record.sh"

usage="usage: $0 NAME [--kernel SPEC] [--series FILE|DIR] [--config NAME|FILE] [--seed N] [--calls N] [--test-args \"ARG...\"]"
# --seed and --calls replay a fuzzer run (kmod-fuzz prints both); the rest
# is every front door's.
fuzz_seed="" fuzz_calls="" test_args=""
door_args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--test-args)
		# The kselftest harness's own filters (-t TEST, -f FIXTURE, -r F.V.T).
		test_args=${2?--test-args needs the kselftest harness arguments}
		[[ $test_args =~ ^[A-Za-z0-9_.:\ -]*$ ]] ||
			{ echo "--test-args: only letters, digits, _ . : - and blanks, not '$test_args'" >&2; exit 2; }
		shift 2
		;;
	--seed | --calls)
		if ! [[ ${2:-} =~ ^[0-9]+$ ]]; then
			echo "$1 needs a decimal number, not '${2:-}'" >&2
			echo "$usage" >&2
			exit 2
		fi
		if [[ $1 == --seed ]]; then fuzz_seed=$2; else fuzz_calls=$2; fi
		shift 2
		;;
	*) door_args+=("$1"); shift ;;
	esac
done
vlab_front_door_args "$usage" "${door_args[@]}"
name=$FRONT_DOOR_NAME
[[ $name =~ ^[a-z0-9-]+$ ]] || die "bad guest test name '$name'"
[[ -z $fuzz_seed$fuzz_calls || $name == kmod-fuzz ]] ||
	die "--seed and --calls are the fuzzer's (kmod-fuzz), not $name's"
vlab_front_door "$config" "" "; the module's tests run in the virtual lab" tests
[[ -x $P2PRIG_TOP/build/guest/tests/$name ]] ||
	die "no guest test '$name' (built: $(find "$P2PRIG_TOP/build/guest/tests" -maxdepth 1 -type f -executable -printf '%f ' 2>/dev/null))"

out=$(vlab_results_dir "$name")
vlab_keep_config "$out" "$kernel"
{
	printf 'P2PRIG_GUEST_TEST=%q\n' "$name"
	[[ -z $fuzz_seed ]] || printf 'P2PRIG_FUZZ_SEED=%q\n' "$fuzz_seed"
	[[ -z $fuzz_calls ]] || printf 'P2PRIG_FUZZ_CALLS=%q\n' "$fuzz_calls"
	[[ -z $test_args ]] || printf 'P2PRIG_GUEST_TEST_ARGS=%q\n' "$test_args"
	vlab_run_env
} >"$out/run.env"
vlab_boot "$PIN_UNAME" "$out"

# guest_test_result: result.json for a guest test, as for a scenario: a step
# per test of the program's KTAP (its top-level results), the run's facts,
# and, from the fuzzer, its call count and error histogram (fuzz.json) as
# `fuzz`. The kernel log is the host's to judge (host.checks kernel-log).
guest_test_result() {
	local ktap=$out/$name.ktap
	[[ -s $ktap ]] || : >"$ktap"
	jq -Rn --arg scenario "$name" --arg config "$RIG_CONFIG_NAME" --arg kernel "$PIN_UNAME" \
		--arg topology "$(rig_topology_text)" --arg outcome "$VLAB_OUTCOME" \
		--slurpfile fuzz <(cat "$out/fuzz.json" 2>/dev/null) '
		[inputs | capture("^(?<not>not )?ok (?<n>[0-9]+) (?<name>[^#]*[^# ])( # (?<dir>[A-Za-z]+) ?(?<why>.*))?$")
		 | { name, action: "kselftest",
		     result: (if .not then "fail" elif (.dir // "" | ascii_upcase) == "SKIP" then "skip" else "pass" end),
		     reason: (if (.why // "") == "" then null else .why end) }] as $steps
		| { format: 2, scenario: $scenario, description: "the module\u0027s own test \($scenario) (tests/kmod)",
		    rig: "vlab", topology: $topology, config: $config, node: null, kernel: $kernel,
		    complete: ($outcome == "done" and ($steps | length) > 0), error: null, steps: $steps,
		    health: { clean: null, watched: false, findings: [],
			      reason: "the host judges the whole kernel log (host check kernel-log)" },
		    summary: { passed: ($steps | map(select(.result == "pass")) | length),
			       failed: ($steps | map(select(.result == "fail")) | length),
			       skipped: ($steps | map(select(.result == "skip")) | length) },
		    fuzz: ($fuzz[0] // null) }' <"$ktap" >"$out/result.json"
}

HOST_VERDICT=0
if [[ -s $out/$name.ktap ]]; then
	cat "$out/$name.ktap"
else
	echo "no output from $name"
	host_raise 1
fi
guest_test_result || { host_raise 1; echo "results: could not write $out/result.json"; }
[[ $(jq '.summary.failed' "$out/result.json" 2>/dev/null || echo 1) == 0 ]] || host_raise 1
host_judge_guest "$out"
vlab_record_kernel_build "$out"
host_record "$out" "$VLAB_OUTCOME" "$HOST_VERDICT" || host_raise 1
echo "results: $out"
log "guest test $name: $(paint_verdict "$([[ $HOST_VERDICT == 0 ]] && echo pass || echo fail)") in $(elapsed "$t_start") s"
# 0 only when all is well; a skip inside the program is its own KTAP's to say.
[[ $HOST_VERDICT == 1 ]] && exit 1
exit 0
