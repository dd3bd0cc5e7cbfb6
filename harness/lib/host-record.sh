# shellcheck shell=bash
# What the host holds against a run, written into its results folder: each
# check the host made after the guest ended (how it ended, the machine it
# saw, its kernel log, the runner's exit), the run's verdict, its metrics,
# and the KTAP and JUnit made from the finished result.json.
#
#   host_check DIR NAME pass|fail|skip REASON [DETAIL...]
#   host_record DIR OUTCOME EXIT_CODE
#
# Sourced after common.sh.

# host_check DIR NAME RESULT REASON [DETAIL...]: one check, kept until host_record.
host_check() {
	local dir=$1 name=$2 result=$3 reason=$4
	shift 4
	jq -nc --arg name "$name" --arg result "$result" --arg reason "$reason" \
		'{ name: $name, result: $result, reason: (if $reason == "" then null else $reason end),
		   details: $ARGS.positional }' --args "$@" >>"$dir/host-checks.jsonl"
}

# host_record DIR OUTCOME EXIT_CODE: result.json gains `host` and `metrics`
# (results/README.md); ktap.txt and junit.xml are made from it, the guest's
# own KTAP kept as guest-ktap.txt. A result.json that cannot be rewritten is
# an error, never a silent loss: the exit code says so.
host_record() {
	local dir=$1 outcome=$2 code=$3 verdict tmp
	case $code in
	0) verdict=pass ;;
	4) verdict=skip ;;
	*) verdict=fail ;;
	esac
	tmp=$(mktemp "$dir/.result.json.XXXXXX") || return 1
	chmod 0644 "$tmp" # mktemp's 0600 would hide the record from other readers
	if ! jq -L "$P2PRIG_TOP/harness/lib" --arg outcome "$outcome" --argjson code "$code" \
		--arg verdict "$verdict" --slurpfile checks <(cat "$dir/host-checks.jsonl" 2>/dev/null) \
		'include "metrics";
		 .host = { outcome: $outcome, exit_code: $code, verdict: $verdict, checks: $checks }
		 | .metrics = run_metrics' "$dir/result.json" >"$tmp"; then
		rm -f "$tmp"
		warn "$dir/result.json: could not add the host's verdict"
		return 1
	fi
	mv "$tmp" "$dir/result.json" && rm -f "$dir/host-checks.jsonl" || return 1
	[[ ! -f $dir/ktap.txt || -f $dir/guest-ktap.txt ]] || mv "$dir/ktap.txt" "$dir/guest-ktap.txt"
	if ! "$P2PRIG_TOP/build/host/p2prig" ktap "$dir/result.json" >"$dir/ktap.txt" ||
		! "$P2PRIG_TOP/build/host/p2prig" junit "$dir/result.json" >"$dir/junit.xml"; then
		warn "$dir: could not write ktap.txt and junit.xml"
		return 1
	fi
}

# The run's verdict as the host sees it: 0 pass, 4 nothing failed but
# something was skipped, 1 anything failed. host_raise never lowers it.
HOST_VERDICT=0
host_raise() { [[ $HOST_VERDICT == 1 || ($HOST_VERDICT == 4 && $1 == 0) ]] || HOST_VERDICT=$1; }

# host_judge_guest DIR [SCENARIO_FILE]: what the host holds against one
# guest's run, each a check for host_record: how the guest ended, the
# machine it saw (the one the config describes), its kernel log and the
# runner's exit. A failed check is printed and raises HOST_VERDICT.
host_judge_guest() {
	local dir=$1 scenario_file=${2:-} said lines=()
	if said=$(vlab_verdict_outcome "$dir"); then
		host_check "$dir" guest-outcome pass "" "$VLAB_OUTCOME"
	else
		host_raise 1
		printf '%s\n' "$said"
		mapfile -t lines <<<"$said"
		said=${lines[0]#guest: }
		host_check "$dir" guest-outcome fail "${said%:}" "${lines[@]:1}"
	fi
	if [[ ! -r $dir/guest-facts.env ]]; then
		host_check "$dir" guest-machine skip "the guest stopped before it reported its machine"
	elif said=$(vlab_check_guest_facts "$dir"); then
		host_check "$dir" guest-machine pass ""
	else
		host_raise 1
		printf '%s\n' "$said"
		mapfile -t lines <<<"$said"
		host_check "$dir" guest-machine fail "not the machine the config describes" "${lines[@]}"
	fi
	host_judge_kernel_log "$dir" "$scenario_file"
	host_judge_runner_exit "$dir" "$VLAB_OUTCOME" "the runner or the module unload"
}

# host_judge_kernel_log DIR [SCENARIO_FILE]: the run's kernel log
# (dmesg.txt) by the runner's rules, the scenario's allow-dmesg lines
# included; a check for host_record. A virtual-lab guest and a lab run alike.
host_judge_kernel_log() {
	local dir=$1 scenario_file=${2:-} findings scan_rc=0 lines=()
	if [[ ! -s $dir/dmesg.txt ]]; then
		host_check "$dir" kernel-log skip "no dmesg.txt: the kernel log was never saved or could not be read"
		return
	fi
	findings=$("$P2PRIG_TOP/build/host/p2prig" scan-log "$dir/dmesg.txt" ${scenario_file:+"$scenario_file"} 2>&1) ||
		scan_rc=$?
	if [[ $scan_rc -ne 0 ]]; then
		host_raise 1
		echo "kernel log: unexpected lines after the run started:"
		while IFS= read -r line; do printf "  | %s\n" "$line"; done <<<"$findings"
		mapfile -t lines <<<"$findings"
		host_check "$dir" kernel-log fail "unexpected lines after the run started" "${lines[@]}"
	else
		host_check "$dir" kernel-log pass ""
	fi
}

# host_judge_runner_exit DIR OUTCOME WHAT: the exit code in DIR/guest-exit
# of WHAT (the runner, and in a guest its module unload too), judged only
# when the run got to its end (OUTCOME done); a check for host_record.
host_judge_runner_exit() {
	local dir=$1 outcome=$2 what=$3 code
	code=$(cat "$dir/guest-exit" 2>/dev/null || echo none)
	if [[ $outcome == "done" && $code != 0 && $code != 4 ]]; then
		host_raise 1
		echo "$what failed (exit $code)"
		host_check "$dir" runner-exit fail "$what failed (exit $code)"
	elif [[ $code == none ]]; then
		host_check "$dir" runner-exit skip "the runner never finished"
	else
		host_check "$dir" runner-exit pass "" "exit $code"
	fi
}
