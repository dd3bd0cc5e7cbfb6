# shellcheck shell=bash
# Runs and run sets, as make compare / baseline / report / nightly name them.
#
# A run is one results folder (result.json in it, or server/ and client/
# each with one for a two-node run). A run set is a folder of runs (real
# folders or symlinks to them): results/baseline, one night under
# results/nights/. A spec names either:
#   PATH                  a run or a run set
#   NAME                  results/NAME (a run's folder name, or a set's)
#   baseline              results/baseline
#   last-night            the newest night under results/nights/
#   night~N               the night N before the newest
#
# Sourced after common.sh.

results_root() { printf '%s\n' "${P2PRIG_RESULTS:-$P2PRIG_TOP/results}"; }

# is_run DIR: DIR holds one run.
is_run() { [[ -f $1/result.json || -f $1/server/result.json || -f $1/client/result.json ]]; }

# A night's folder name: the UTC time nightly.sh started it (date -u +%Y%m%dT%H%M%SZ).
NIGHT_NAME_REGEX='[0-9]{8}T[0-9]{6}Z'

# nights: the night folders, oldest first; nothing else under nights/ is one.
nights() {
	local root
	root=$(results_root)
	[[ -d $root/nights ]] || return 0
	find "$root/nights" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
		-regex ".*/$NIGHT_NAME_REGEX" | LC_ALL=C sort
}

# run_set_path SPEC: the folder SPEC names; dies naming SPEC when there is none.
run_set_path() {
	local spec=$1 root back=0 all
	root=$(results_root)
	case $spec in
	baseline) spec=$root/baseline ;;
	last-night | night~*)
		[[ $spec == night~* ]] && back=${spec#night~}
		[[ $back =~ ^[0-9]+$ ]] || die "$spec: expected night~N, N a number of nights back"
		mapfile -t all < <(nights)
		((${#all[@]} > back)) || die "$spec: there are ${#all[@]} nights under $root/nights"
		spec=${all[${#all[@]} - 1 - back]}
		;;
	esac
	[[ -d $spec || ! -d $root/$spec ]] || spec=$root/$spec
	[[ -d $spec ]] || die "$spec: no such run or run set (a results folder, a folder of them, baseline or last-night)"
	printf '%s\n' "$spec"
}

# run_dirs FOLDER: the runs FOLDER holds, oldest first (itself when it is one).
run_dirs() {
	local dir=$1 sub
	if is_run "$dir"; then
		printf '%s\n' "$dir"
		return
	fi
	for sub in "$dir"/*/; do
		sub=${sub%/}
		! is_run "$sub" || printf '%s\n' "$sub"
	done
}

# result_files RUN: its result.json files (a two-node run has two).
result_files() {
	local f
	for f in "$1/result.json" "$1/server/result.json" "$1/client/result.json"; do
		[[ ! -f $f ]] || printf '%s\n' "$f"
	done
}

# run_metrics_json RUN...: one JSON object per result.json: where it came
# from, what ran, how it ended, and its metrics (harness/lib/metrics.jq).
run_metrics_json() {
	local run f
	for run in "$@"; do
		while IFS= read -r f; do
			jq -c -L "$P2PRIG_TOP/harness/lib" --arg run "$run" 'include "metrics";
				{ run: $run, file: input_filename, scenario, config, kernel, node,
				  started, complete, verdict: (.host.verdict // null),
				  summary, steps: [.steps[]? | {name, action, result, reason}], metrics: run_metrics }' "$f" ||
				die "$f: not a result.json jq can read"
		done < <(result_files "$run")
	done
}
