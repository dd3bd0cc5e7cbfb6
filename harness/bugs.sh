#!/usr/bin/env bash
# The bug corpus (bugs/README.md): put each bug back into the kernel, run
# the check that must catch it, run the same check on the kernel without
# the bug, and say which were caught and by what.
#
#   harness/bugs.sh [--list] [ID...]   every entry under bugs/, or these;
#                                      --list reads and checks them, runs nothing
#
# Every entry is read and checked before anything is built. A buggy run
# boots BUG_KERNEL with the entry's reintroduce.patch as its series (the
# build reuses the cached tree: the touched files are rebuilt, not the
# kernel); the unmodified run, once per distinct kernel and check, boots
# the same kernel without it. The corpus lands in results/TIME-bugs-WHAT/
# as a run (result.json, a step per entry; ktap.txt, junit.xml) with each
# run's log and a link to its results folder under runs/.
# Exit 0 when every observable entry was caught and passed unmodified.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/host-record.sh
source "$P2PRIG_TOP/harness/lib/host-record.sh"
# shellcheck source=harness/lib/bugfile.sh
source "$P2PRIG_TOP/harness/lib/bugfile.sh"

corpus=${P2PRIG_BUGS:-$P2PRIG_TOP/bugs} # another corpus: P2PRIG_BUGS=DIR
list_only=no
if [[ ${1:-} == --list ]]; then
	list_only=yes
	shift
fi
ids=("$@")
if [[ ${#ids[@]} == 0 ]]; then
	mapfile -t ids < <(find "$corpus" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
	[[ ${#ids[@]} -gt 0 ]] || die "no entries under $corpus"
fi
for id in "${ids[@]}"; do
	[[ -d $corpus/$id && $id != */* ]] ||
		die "no bug '$id' (known: $(find "$corpus" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort | paste -sd ' '))"
done

# Every entry first: a wrong line stops the corpus before any build.
bad=0
for id in "${ids[@]}"; do
	bug_parse "$corpus/$id" || bad=1
done
((bad == 0)) || die "bug corpus rejected (above); nothing was built"
if [[ $list_only == yes ]]; then
	printf '%-20s %-13s %-10s %s\n' id "upstream fix" version check
	for id in "${ids[@]}"; do
		bug_parse "$corpus/$id"
		printf '%-20s %-13s %-10s %s\n' "$id" "$BUG_FIX_HASH" "$BUG_FIX_VERSION" \
			"${BUG_NOT_OBSERVABLE:+not observable}${BUG_CHECK_KIND:+$BUG_CHECK_KIND ${BUG_CHECK_WHAT#"$P2PRIG_TOP"/}${BUG_CHECK_ARGS:+ $BUG_CHECK_ARGS} on $BUG_KERNEL${BUG_CONFIG:+, config $BUG_CONFIG}}"
	done
	exit 0
fi

make -s -C "$P2PRIG_TOP" runner
t_start=$(now_s)
what=all
[[ $# == 0 ]] || what=${ids[0]}
[[ $# -le 1 ]] || what=$#-entries
out="${P2PRIG_RESULTS:-$P2PRIG_TOP/results}/$(date -u +%Y%m%dT%H%M%SZ)-bugs-$what"
mkdir -p "$out/runs" "$out/logs"
log "bug corpus: ${#ids[@]} entries; results in $out"

# run_check LABEL KERNEL SERIES: the entry's check on KERNEL (with SERIES,
# or none); sets RUN_RC, RUN_DIR (empty when no results folder was made)
# and RUN_S. The front door's output goes to logs/LABEL.log.
run_check() {
	local label=$1 kernel=$2 series=$3 t0 cmd
	case $BUG_CHECK_KIND in
	scenario) cmd=("$P2PRIG_TOP/harness/run-scenario.sh" "$BUG_CHECK_WHAT") ;;
	guest-test)
		cmd=("$P2PRIG_TOP/harness/run-guest-test.sh" "$BUG_CHECK_WHAT")
		[[ -z $BUG_CHECK_ARGS ]] || cmd+=(--test-args "$BUG_CHECK_ARGS")
		;;
	esac
	cmd+=(--kernel "$kernel")
	[[ -z $BUG_CONFIG ]] || cmd+=(--config "$BUG_CONFIG")
	[[ -z $series ]] || cmd+=(--series "$series")
	log "$label: ${cmd[*]#"$P2PRIG_TOP"/}"
	t0=$(now_s)
	RUN_RC=0
	"${cmd[@]}" </dev/null >"$out/logs/$label.log" 2>&1 || RUN_RC=$?
	RUN_S=$(elapsed "$t0")
	RUN_DIR=$(sed -n 's/^results: \(\/.*\)$/\1/p' "$out/logs/$label.log" | tail -n 1)
	[[ -z $RUN_DIR || ! -d $RUN_DIR ]] || ln -sfn "$RUN_DIR" "$out/runs/$label"
	log "$label: exit $RUN_RC in $RUN_S s${RUN_DIR:+ ($RUN_DIR)}"
}

# evidence DIR REGEX: the first line of the run that matches, looked for
# where a failure is said first: the failed steps' reasons and
# expectations, the health watch, the host's checks, the test's KTAP,
# then the kernel log and the serial console.
evidence() {
	local dir=$1 re=$2 f
	{
		jq -r '(.steps[]? | select(.result == "fail")
			| "\(.name): \(.reason // "")", (.expectations[]? | select(.met == false) | .detail // empty)),
		       (.health.findings[]?.line),
		       (.host.checks[]? | select(.result == "fail") | (.reason // ""), (.details[]? | tostring))' \
			"$dir/result.json" 2>/dev/null || true
		for f in "$dir"/*.ktap "$dir/dmesg.txt" "$dir/serial.log"; do
			[[ ! -f $f ]] || cat "$f"
		done
	} | grep -m 1 -E -- "$re" | tr -d '\r' |
		sed -E 's/^[[:space:]]*//; s/^(<[0-9]+>)?\[ *[0-9]+\.[0-9]+\] (\[ *[A-Z]?[0-9]+\] )?//' || true
}

# first_failure DIR LOGFILE: what a run failed on, when not the evidence.
first_failure() {
	local line=""
	[[ -z $1 ]] || line=$(jq -r '[(.steps[]? | select(.result == "fail") | "\(.name): \(.reason // "failed")"),
		(.host.checks[]? | select(.result == "fail") | "\(.name): \(.reason // "failed")")] | first // empty' \
		"$1/result.json" 2>/dev/null || true)
	[[ -n $line ]] || line=$(grep -m 1 -E 'error|rejected|does not apply|fail' "$2" 2>/dev/null || true)
	printf '%s\n' "${line:-no reason recorded}"
}

declare -A clean_rc=() clean_dir=() clean_s=()
rows=$out/entries.jsonl
: >"$rows"
corpus_rc=0
for id in "${ids[@]}"; do
	bug_parse "$corpus/$id"
	caught="" by="" clean="" buggy_dir="" buggy_rc=null buggy_s=null key=""
	if [[ -n $BUG_NOT_OBSERVABLE ]]; then
		caught="not observable" by=$BUG_NOT_OBSERVABLE clean="-"
		log "$id: not observable here"
	else
		run_check "$id-buggy" "$BUG_KERNEL" "$BUG_PATCH"
		buggy_dir=$RUN_DIR buggy_rc=$RUN_RC buggy_s=$RUN_S
		if [[ $RUN_RC == 1 && -n $RUN_DIR ]] && by=$(evidence "$RUN_DIR" "$BUG_CATCH") && [[ -n $by ]]; then
			caught=yes
		elif [[ $RUN_RC == 0 ]]; then
			caught=no by="the check passed on the buggy kernel"
		elif [[ $RUN_RC == 4 ]]; then
			caught=no by="skipped: $(first_failure "$RUN_DIR" "$out/logs/$id-buggy.log")"
		elif [[ -z $RUN_DIR ]]; then
			caught=error by="no run: $(tail -n 1 "$out/logs/$id-buggy.log")"
		else
			caught=no by="failed otherwise: $(first_failure "$RUN_DIR" "$out/logs/$id-buggy.log")"
		fi
		key="$BUG_KERNEL $BUG_CONFIG $BUG_CHECK_KIND $BUG_CHECK_WHAT $BUG_CHECK_ARGS"
		if [[ -z ${clean_rc[$key]+set} ]]; then
			run_check "unmodified-$id" "$BUG_KERNEL" ""
			clean_rc[$key]=$RUN_RC clean_dir[$key]=$RUN_DIR clean_s[$key]=$RUN_S
		fi
		case ${clean_rc[$key]} in
		0) clean=pass ;;
		4) clean=skip ;;
		*) clean=fail ;;
		esac
	fi
	[[ ($caught == yes && $clean == pass) || $caught == "not observable" ]] || corpus_rc=1
	[[ $caught == "not observable" ]] || log "$id: caught $caught${by:+ by: $by}; unmodified: $clean"
	clean_run="" clean_secs=null
	if [[ -n $key ]]; then
		clean_run=${clean_dir[$key]} clean_secs=${clean_s[$key]}
	fi
	jq -nc --arg id "$id" --arg describe "$BUG_DESCRIBE" --arg hash "$BUG_FIX_HASH" \
		--arg version "$BUG_FIX_VERSION" --arg subject "$BUG_FIX_SUBJECT" --arg kernel "$BUG_KERNEL" \
		--arg check "${BUG_CHECK_KIND:+$BUG_CHECK_KIND ${BUG_CHECK_WHAT#"$P2PRIG_TOP"/}${BUG_CHECK_ARGS:+ $BUG_CHECK_ARGS}}" \
		--arg catch_re "$BUG_CATCH" --arg caught "$caught" --arg by "$by" --arg clean "$clean" \
		--arg buggy_dir "$buggy_dir" --argjson buggy_rc "$buggy_rc" --argjson buggy_s "$buggy_s" \
		--arg clean_dir "$clean_run" --arg clean_s "$clean_secs" '
		def nul: if . == "" then null else . end;
		{ id: $id, describe: $describe,
		  fixed_by: { commit: $hash, version: ($version | if . == "-" then null else . end), subject: $subject },
		  kernel: $kernel, check: ($check | nul), "catch": ($catch_re | nul), caught: $caught,
		  evidence: (if $caught == "not observable" then null else ($by | nul) end),
		  not_observable: (if $caught == "not observable" then $by else null end),
		  buggy: { run: ($buggy_dir | nul), exit_code: $buggy_rc, seconds: $buggy_s },
		  unmodified: { verdict: $clean, run: ($clean_dir | nul), seconds: ($clean_s | fromjson) } }' >>"$rows"
done

# The corpus as a run: a step per entry, passed when caught with no false
# alarm, skipped (with the reason) when not observable here.
jq -s --arg total "$(elapsed "$t_start")" '
	map(. + { name: .id, action: "bug",
		  result: (if .caught == "not observable" then "skip"
			   elif .caught == "yes" and .unmodified.verdict == "pass" then "pass" else "fail" end),
		  reason: (if .caught == "not observable" then "not observable here: \(.not_observable)"
			   elif .caught != "yes" then "not caught: \(.evidence // .caught)"
			   elif .unmodified.verdict != "pass" then "false alarm: the unmodified kernel did not pass (\(.unmodified.verdict))"
			   else "caught by: \(.evidence)" end) }) as $steps
	| { format: 2, scenario: "bugs", description: "the bug corpus (bugs/): each bug put back, caught, and absent without it",
	    rig: "vlab", topology: null, config: null, node: null, kernel: ($steps | map(.kernel) | unique | join(" ")),
	    complete: true, error: null, steps: $steps, seconds: ($total | tonumber),
	    health: { clean: null, watched: false, findings: [], reason: "each run judged its own kernel log" },
	    summary: { passed: ($steps | map(select(.result == "pass")) | length),
		       failed: ($steps | map(select(.result == "fail")) | length),
		       skipped: ($steps | map(select(.result == "skip")) | length) } }' "$rows" >"$out/result.json"
host_record "$out" "done" "$corpus_rc" || corpus_rc=1

printf '\n%-20s %-13s %-15s %-74s %s\n' id "upstream fix" caught "by what" unmodified
jq -r '[.id, .fixed_by.commit, .caught, ((.evidence // .not_observable // "") | .[0:72]), .unmodified.verdict] | @tsv' "$rows" |
	while IFS=$'\t' read -r id hash caught by clean; do
		printf '%-20s %-13s %-15s %-74s %s\n' "$id" "$hash" "$caught" "$by" "$clean"
	done
echo
echo "results: $out"
log "bug corpus: $(paint_verdict "$([[ $corpus_rc == 0 ]] && echo pass || echo fail)") in $(elapsed "$t_start") s"
exit "$corpus_rc"
