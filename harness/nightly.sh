#!/usr/bin/env bash
# make nightly: run the night's scenarios (configs/nightly), keep them as one
# run set under results/nights/<UTC time>/, compare the night with the
# baseline when there is one, and build results/report/index.html.
#
#   harness/nightly.sh [--list FILE] [--keep N] [--no-report] [--check]
#
# A list line is a scenario (SCENARIO [config=NAME] [kernel=SPEC]) or the
# topology matrix (topology-matrix [list=FILE] [methods=M,M...]): at most
# one a night, run by harness/topology-matrix.sh into the night's
# topology-matrix/ folder, which holds no run of its own (make compare and
# make baseline see only the scenarios' runs); night.json carries its exit
# code and row counts, and a failed matrix fails the night. --check only
# reads the list (and N) and says what the night would run.
#
# After the comparison, the nights beyond the newest N are removed
# (harness/prune-nights.sh; N: --keep, else $P2PRIG_NIGHTS_KEEP, else 60),
# before the report is built so that it indexes only the nights kept.
#
# Exit 0 when every scenario passed (skips with their reasons allowed), the
# matrix passed and nothing regressed against the baseline; 1 when a
# scenario or the matrix failed or a metric regressed; 2 when the list or N
# is wrong (nothing is run then). A night that could not be pruned is
# warned about; it does not change the exit.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/runsets.sh
source "$P2PRIG_TOP/harness/lib/runsets.sh"

usage="usage: $0 [--list FILE] [--keep N] [--no-report] [--check]"
list=$P2PRIG_TOP/configs/nightly
report=1 check=0
keep_args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--list) list=${2:?$usage} && shift ;;
	--keep)
		[[ $# -ge 2 ]] || { echo "$usage" >&2 && exit 2; }
		keep_args=(--keep "$2") && shift
		;;
	--no-report) report=0 ;;
	--check) check=1 ;;
	*) echo "$usage" >&2 && exit 2 ;;
	esac
	shift
done

# matrix_line FILE:LINE WORDS...: a topology-matrix line's "matrix LIST
# METHODS" (read_list).
matrix_line() {
	local at=$1 word mlist=configs/topology-matrix methods='' bad=0
	shift 2
	for word in "$@"; do
		case $word in
		list=?*) mlist=${word#list=} ;;
		methods=?*)
			methods=${word#methods=}
			if [[ ! $methods =~ ^[a-z0-9-]+(,[a-z0-9-]+)*$ ]]; then
				echo "$at: expected methods=METHOD,METHOD... (e.g. methods=mmio,p2p-page), got \"$word\"" >&2
				bad=1
			fi
			;;
		*)
			echo "$at: expected list=FILE or methods=M,M... after topology-matrix, got \"$word\"" >&2
			bad=1
			;;
		esac
	done
	[[ $mlist == /* ]] || mlist=$P2PRIG_TOP/$mlist
	if [[ ! -f $mlist || ! -r $mlist ]]; then
		echo "$at: no topology matrix list \"${mlist#"$P2PRIG_TOP"/}\" (a file under the rig's top folder, or an absolute path)" >&2
		bad=1
	# Its trees and methods are checked now, not when the night reaches the
	# matrix after its scenarios: the matrix's own errors, then where the
	# night named it.
	elif ! "$P2PRIG_TOP/harness/topology-matrix.sh" --list "$mlist" \
		${methods:+--methods "${methods//,/ }"} --check >/dev/null; then
		echo "$at: the topology matrix of \"${mlist#"$P2PRIG_TOP"/}\"${methods:+ with methods=$methods} is wrong (above)" >&2
		bad=1
	fi
	printf 'matrix\x1f%s\x1f%s\x1f\n' "$mlist" "${methods//,/ }"
	return "$bad"
}

# read_list FILE: "scenario SCENARIO CONFIG KERNEL" or "matrix LIST METHODS"
# per line, fields split by US (0x1f: empty fields survive `read`, which
# joins runs of tabs), every line checked before anything runs; FILE:LINE:
# what was expected.
read_list() {
	local file=$1 n=0 line words word scenario config kernel bad=0 matrix_at=0
	[[ -r $file ]] || { echo "$file: cannot read the nightly list" >&2; return 2; }
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		line=${line%%#*}
		read -ra words <<<"$line"
		[[ ${#words[@]} -gt 0 ]] || continue
		if [[ ${words[0]} == topology-matrix ]]; then
			if [[ $matrix_at != 0 ]]; then
				echo "$file:$n: a second topology-matrix line (line $matrix_at has one; a night has one matrix folder)" >&2
				bad=1
			fi
			matrix_at=$n
			matrix_line "$file:$n" "${words[@]}" || bad=1
			continue
		fi
		scenario=${words[0]} config='' kernel=''
		for word in "${words[@]:1}"; do
			case $word in
			config=?*) config=${word#config=} ;;
			kernel=?*) kernel=${word#kernel=} ;;
			*)
				echo "$file:$n: expected config=NAME or kernel=SPEC after the scenario, got \"$word\"" >&2
				bad=1
				;;
			esac
		done
		if [[ ! -f $P2PRIG_TOP/scenarios/$scenario ]]; then
			echo "$file:$n: no scenario \"$scenario\" in scenarios/ (nor topology-matrix)" >&2
			bad=1
		fi
		if [[ -n $config && ! -f $P2PRIG_TOP/configs/${config}_defconfig ]]; then
			echo "$file:$n: no config \"$config\" (configs/${config}_defconfig)" >&2
			bad=1
		fi
		printf 'scenario\x1f%s\x1f%s\x1f%s\n' "$scenario" "$config" "$kernel"
	done <"$file"
	[[ $n -gt 0 && $bad == 0 ]] || { [[ $bad == 1 ]] || echo "$file: empty nightly list" >&2; return 2; }
}

entries=$(read_list "$list") || exit 2
[[ -n $entries ]] || { echo "$list: no scenario in the nightly list" >&2; exit 2; }
# N (--keep or P2PRIG_NIGHTS_KEEP) is checked now, not after hours of runs:
# a dry run validates it and removes nothing.
"$P2PRIG_TOP/harness/prune-nights.sh" "${keep_args[@]}" --dry-run >/dev/null || exit 2
scenario_count=$(awk -F'\x1f' '$1 == "scenario"' <<<"$entries" | wc -l)
matrix_entry=$(awk -F'\x1f' '$1 == "matrix"' <<<"$entries")
plan="$scenario_count scenario$([[ $scenario_count == 1 ]] || echo s)${matrix_entry:+ and the topology matrix}"
if [[ $check == 1 ]]; then
	echo "nightly: ${list#"$P2PRIG_TOP"/}: $plan"
	while IFS=$'\x1f' read -r kind scenario config kernel; do
		if [[ $kind == matrix ]]; then
			echo "  topology-matrix list=${scenario#"$P2PRIG_TOP"/}${config:+ methods=${config// /,}}"
		else
			echo "  $scenario${config:+ config=$config}${kernel:+ kernel=$kernel}"
		fi
	done <<<"$entries"
	exit 0
fi

root=$(results_root)
night=$root/nights/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$night" || die "$night: cannot create the night's folder"
t_start=$(date +%s)
log "nightly: $plan from ${list#"$P2PRIG_TOP"/} into $night"

# run_matrix LIST METHODS: harness/topology-matrix.sh into the night's
# topology-matrix/ folder; sets matrix_json, night.json's record of it.
run_matrix() {
	local dir=$night/topology-matrix args=(--list "$1" --out "$night/topology-matrix") rc=0 t0 counts=null
	[[ -z $2 ]] || args+=(--methods "$2")
	t0=$(date +%s)
	"$P2PRIG_TOP/harness/topology-matrix.sh" "${args[@]}" </dev/null || rc=$?
	if [[ -s $dir/matrix.json ]]; then
		counts=$(jq -c -L "$P2PRIG_TOP/harness/lib" 'include "night-matrix"; matrix_counts' "$dir/matrix.json") ||
			{ warn "nightly: $dir/matrix.json: jq cannot read it"; counts=null; }
	fi
	[[ $rc == 0 ]] || verdict=1
	matrix_json=$(jq -nc --arg list "${1#"$P2PRIG_TOP"/}" --arg methods "$2" --argjson rc "$rc" \
		--argjson seconds "$(($(date +%s) - t0))" --argjson counts "$counts" \
		'{ list: $list, methods: (if $methods == "" then null else $methods end),
		   folder: "topology-matrix", exit_code: $rc, seconds: $seconds, counts: $counts }')
}

verdict=0
runs_json=()
matrix_json=null
while IFS=$'\x1f' read -r kind scenario config kernel; do
	if [[ $kind == matrix ]]; then
		run_matrix "$scenario" "$config"
		continue
	fi
	rc=0
	args=("$scenario")
	[[ -z $config ]] || args+=(--config "$config")
	[[ -z $kernel ]] || args+=(--kernel "$kernel")
	# The night's runs live in its folder: one run set, nothing to sort out later.
	P2PRIG_RESULTS=$night "$P2PRIG_TOP/harness/run-scenario.sh" "${args[@]}" </dev/null || rc=$?
	case $rc in
	0 | 4) ;;
	*) verdict=1 ;;
	esac
	runs_json+=("$(jq -nc --arg s "$scenario" --arg c "$config" --arg k "$kernel" --argjson rc "$rc" \
		'{ scenario: $s, config: (if $c == "" then null else $c end),
		   kernel: (if $k == "" then null else $k end), exit_code: $rc }')")
done <<<"$entries"

# The comparison with the baseline, kept with the night.
compare_rc=
if [[ $scenario_count == 0 ]]; then
	log "nightly: no scenario ran; nothing to compare with a baseline"
elif [[ -d $root/baseline ]] && [[ -n $(run_dirs "$root/baseline") ]]; then
	compare_rc=0
	"$P2PRIG_TOP/harness/compare.sh" "$root/baseline" "$night" --json "$night/compare.json" \
		>"$night/compare.txt" 2>&1 || compare_rc=$?
	cat "$night/compare.txt"
	[[ $compare_rc == 0 ]] || verdict=1
else
	log "nightly: no baseline (make baseline from=last-night makes one); nothing compared"
fi

printf '%s\n' "${runs_json[@]}" | jq -s --argjson matrix "$matrix_json" --arg started "$(date -u -d "@$t_start" +%FT%TZ)" \
	--arg finished "$(date -u +%FT%TZ)" --argjson verdict "$verdict" \
	--arg compare "${compare_rc}" --arg list "${list#"$P2PRIG_TOP"/}" \
	'{ list: $list, started: $started, finished: $finished, runs: .,
	   compare_exit_code: (if $compare == "" then null else ($compare | tonumber) end),
	   topology_matrix: $matrix, exit_code: $verdict }' >"$night/night.json" || die "$night/night.json: cannot write"

# The night is finished and compared: keep the newest N nights. The night
# just run is the newest, so N >= 1 keeps it; --must-keep asserts that (a
# later-named night or a clock set back would break it) before anything
# goes. Pruning comes before the report so the report links only what is kept.
"$P2PRIG_TOP/harness/prune-nights.sh" "${keep_args[@]}" --must-keep "$night" ||
	warn "nightly: pruning the old nights failed (see above); $night itself is complete"
[[ -f $night/night.json ]] || die "$night: the night just run is gone after pruning"

if [[ $report == 1 ]]; then
	"$P2PRIG_TOP/harness/report.sh" || die "the report could not be built"
fi
log "nightly: $(paint_verdict "$([[ $verdict == 0 ]] && echo pass || echo fail)") in $(($(date +%s) - t_start)) s: $night"
exit "$verdict"
