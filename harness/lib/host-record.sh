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
