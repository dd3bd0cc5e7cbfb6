#!/usr/bin/env bash
# make report: results/report/index.html from every run kept under results/
# (single runs, the nights under results/nights/, the baseline): a verdict
# at the top (the newest night, and its comparison with the baseline), then
# per scenario its steps with the reasons of skips and failures, charts
# drawn by gnuplot as inline SVG — bandwidth by message size per method,
# map/unmap cost per method per kernel, the key figures night by night —
# and links to the raw files, then the newest night's topology matrix (a
# row per edu, a column per method: lib/report-matrix.jq) with its counts
# and a link to its matrix.txt, then an index of all runs by scenario,
# config and kernel. One self-contained file: no script, no network, opens from
# the file system.
#
#   harness/report.sh [--out DIR]
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/runsets.sh
source "$P2PRIG_TOP/harness/lib/runsets.sh"

root=$(results_root)
out=$root/report
while [[ $# -gt 0 ]]; do
	case $1 in
	--out) out=${2:?usage: $0 [--out DIR]} && shift ;;
	*) echo "usage: $0 [--out DIR]" >&2 && exit 2 ;;
	esac
	shift
done
command -v gnuplot >/dev/null || die "gnuplot not found (harness/setup-host.sh installs gnuplot-nox)"
mkdir -p "$out/charts" || die "$out: cannot create the report folder"
rm -f "$out"/charts/*

# index_runs: every run under the results root as one JSON line, with its
# folder relative to the report and the set it belongs to.
index_runs() {
	local run set night
	while IFS=$'\t' read -r run set night; do
		run_metrics_json "$run" | jq -c --arg rel "$(realpath -m --relative-to="$out" "$run")" \
			--arg set "$set" --arg night "$night" \
			'. + { rel: $rel, set: $set, night: (if $night == "" then null else $night end) }'
	done < <(
		for run in "$root"/*/; do
			run=${run%/}
			case ${run##*/} in nights | baseline | report) continue ;; esac
			! is_run "$run" || printf '%s\trun\t\n' "$run"
		done
		while IFS= read -r night; do
			while IFS= read -r run; do printf '%s\tnight %s\t%s\n' "$run" "${night##*/}" "${night##*/}"; done \
				< <(run_dirs "$night")
		done < <(nights)
		if [[ -d $root/baseline ]]; then
			while IFS= read -r run; do printf '%s\tbaseline\t\n' "$run"; done < <(run_dirs "$root/baseline")
		fi
	)
}
index=$(index_runs | jq -s .)
# The newest night that ran the topology matrix (nightly.sh's
# NIGHT/topology-matrix/): a night of only the matrix has no run.
matrix_night=
while IFS= read -r n; do [[ ! -d $n/topology-matrix ]] || matrix_night=$n; done < <(nights)
[[ $(jq length <<<"$index") -gt 0 || -n $matrix_night ]] || die "no runs under $root: nothing to report"
printf '%s\n' "$index" >"$out/index.json"

q() { jq -r -L "$P2PRIG_TOP/harness/lib" "include \"report\"; $1" <<<"$index"; }

# inline_svg FILE NAME: the chart gnuplot wrote, without its XML prolog,
# marked so a reader (and the browser test) can find it.
inline_svg() {
	sed -n '/<svg/,$p' "$1" | sed "0,/<svg/s//<svg class=\"chart\" data-chart=\"$2\"/"
}

# plot NAME TITLE XLABEL YLABEL SCRIPT: an SVG chart from a gnuplot plot command.
plot() {
	local name=$1 svg=$out/charts/$1.svg
	gnuplot <<-EOF >"$out/charts/$name.log" 2>&1 || { warn "chart $name: gnuplot failed, see $out/charts/$name.log"; return 1; }
		set terminal svg size 760,380 dynamic font 'sans,11' background '#ffffff'
		set output '$svg'
		set title '$2'
		set xlabel '$3'
		set ylabel '$4'
		set key outside right top
		set grid
		set datafile separator '\t'
		set datafile missing '-'
		$5
	EOF
	inline_svg "$svg" "$name"
}

# bandwidth_chart SCENARIO: MiB/s by message size, a line per series.
bandwidth_chart() {
	local data=$out/charts/bandwidth-$1.tsv series=() cmd=() s i=0
	q "bandwidth_rows(\"$1\")" | sort -t$'\t' -k1,1 -k2,2n >"$data"
	[[ -s $data ]] || return 0
	mapfile -t series < <(cut -f1 "$data" | uniq)
	for s in "${series[@]}"; do
		awk -F'\t' -v s="$s" '$1 == s { print $2 "\t" $3 }' "$data" >"$data.$i"
		cmd+=("'$data.$i' using 1:2 with linespoints lw 2 title '$s'")
		i=$((i + 1))
	done
	plot "bandwidth-$1" "$1: bandwidth by message size" "message size (bytes)" "MiB/s" \
		"set logscale x 2; set format x '%.0b%B'; plot $(IFS=,; echo "${cmd[*]}")"
}

# cost_chart DIR: map or unmap cost per method and granule, a bar per kernel.
cost_chart() {
	local data=$out/charts/cost-$1.tsv kernels
	q "cost_rows(\"$1\")" >"$data"
	[[ $(wc -l <"$data") -gt 1 ]] || return 0
	kernels=$(head -1 "$data" | awk -F'\t' '{ print NF - 1 }')
	plot "cost-$1" "dma $1 cost per method and granule, per kernel" "" "ns per call (log)" \
		"set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1
		 set logscale y; set xtics rotate by -40 scale 0; set yrange [100:*]
		 plot for [k=2:$((kernels + 1))] '$data' using k:xtic(1) title columnheader(k)"
}

# kbench_table: the kernel's own dma_map_benchmark beside map-cost's ram
# method (kernel-bench=), from each kernel's newest map-cost run that asked
# for it: per granule ours (mean, p50), the kernel's (mean ± stddev of its
# runs) and the ratio, or why the kernel's is not there.
kbench_table() {
	local files
	mapfile -t files < <(q '[.[] | select(any(.steps[]?; .action == "map-cost"))]
		| group_by(.kernel) | map(max_by(.started)) | .[].file')
	[[ ${#files[@]} -gt 0 ]] || return 0
	jq -rs -L "$P2PRIG_TOP/harness/lib" 'include "metrics";
		def ns: if . == null then "-" else (. | round | tostring) end;
		def two: (. * 100 | round) as $c | "\($c / 100 | floor).\($c % 100 | tostring | if length == 1 then "0" + . else . end)";
		def ratio: if .ratio == null then "-" else "\(.ratio | two) (&ge; \(.ratio_min | two))" end;
		def side: "<td>\(.ours_mean_ns | ns) (\(.ours_p50_ns | ns))</td><td>\(.kernel.mean_ns | ns) &plusmn; \(.kernel.stddev_ns | ns)</td><td>\(ratio)</td>";
		[.[] | .kernel as $k | .steps[]? | select(.map_cost.kernel_bench != null)
		 | { kernel: $k, step: .name, kb: .map_cost.kernel_bench }] as $rows
		| select($rows | length > 0)
		| "<h3>The kernel&apos;s dma_map_benchmark beside the ram method</h3>",
		  "<p>ns per call: ours is map-cost&apos;s ram method, mean (p50) of its repeats; the kernel&apos;s is the mean &plusmn; stddev of its runs; ratio = ours / the kernel&apos;s mean (&ge; had its 100 ns flooring lost the most). \($rows[0].kb.differs | @html)</p>",
		  "<table class=\"kbench\"><tr><th>kernel</th><th>step</th><th>granule</th><th>ours map</th><th>kernel map</th><th>map ratio</th><th>ours unmap</th><th>kernel unmap</th><th>unmap ratio</th></tr>",
		  ($rows[] | . as $r
		   | if $r.kb.result == "measured" then
			($r.kb.granules[] | "<tr><td>\($r.kernel | @html)</td><td>\($r.step | @html)</td><td>\(.granule_bytes | size_name)</td>\(.map | side)\(.unmap | side)</tr>")
		     else
			"<tr><td>\($r.kernel | @html)</td><td>\($r.step | @html)</td><td colspan=\"7\">\($r.kb.result): \($r.kb.reason // "no reason given" | @html)</td></tr>"
		     end),
		  "</table>"' "${files[@]}"
}

# history_chart SCENARIO: each key figure night by night, as % of its first night.
history_chart() {
	local data=$out/charts/history-$1.tsv keys=() cmd=() k i=0 nights
	q "history_rows(\"$1\")" >"$data"
	[[ -s $data ]] || return 0
	nights=$(cut -f2 "$data" | sort -u | wc -l)
	mapfile -t keys < <(cut -f1 "$data" | sort -u)
	for k in "${keys[@]}"; do
		# x: the night's number, its date as the tic label.
		sort -t$'\t' -k2,2 "$data" | awk -F'\t' -v k="$k" '
			{ if (!($2 in n)) n[$2] = ++c }
			$1 == k { print n[$2] "\t" $3 "\t" substr($2, 5, 2) "-" substr($2, 7, 2) " " substr($2, 10, 2) ":" substr($2, 12, 2) }' \
			>"$data.$i"
		cmd+=("'$data.$i' using 1:2:xtic(3) with linespoints lw 2 title '${k//_/\\_}'")
		i=$((i + 1))
	done
	plot "history-$1" "$1: key figures by night ($nights nights)" "night" "% of the first night" \
		"set xrange [0.5:$nights.5]; set yrange [*<98:102<*]; set format y '%g'
		 set key outside bottom center horizontal; set size ratio 0.45
		 plot $(IFS=,; echo "${cmd[*]}")"
}

# The newest night's comparison with the baseline, if it made one.
compare=null
night=$(nights | tail -1)
if [[ -n $night && -s $night/compare.json ]]; then
	compare=$(jq -c --arg rel "$(realpath -m --relative-to="$out" "$night/compare.txt")" '
		{ regressions: map(select(.verdict == "regression")) | length,
		  improvements: map(select(.verdict == "improvement")) | length,
		  noise: map(select(.verdict == "noise")) | length, rel: $rel }' "$night/compare.json")
fi

# The matrix's exit code, and the summary the verdict shows when it is the
# newest night's.
matrix_exit=null
if [[ -n $matrix_night && -s $matrix_night/night.json ]]; then
	matrix_exit=$(jq '.topology_matrix.exit_code // null' "$matrix_night/night.json") ||
		die "$matrix_night/night.json: jq cannot read it"
fi
matrix=null
if [[ -n $matrix_night && $matrix_night == "$night" ]]; then
	if [[ -s $night/topology-matrix/matrix.json ]]; then
		matrix=$(jq -c -L "$P2PRIG_TOP/harness/lib" --argjson exit "$matrix_exit" 'include "night-matrix";
			matrix_counts | { verdict: (if .ok and ($exit // 0) == 0 then "pass" else "fail" end),
			rows, failed, mismatches }' "$night/topology-matrix/matrix.json") ||
			die "$night/topology-matrix/matrix.json: jq cannot read it"
	else
		matrix='{"verdict": "fail"}'
	fi
fi

# matrix_section: the HTML of that night's matrix (lib/report-matrix.jq),
# or why there is none to draw.
matrix_section() {
	local dir=$matrix_night/topology-matrix rel
	[[ -n $matrix_night ]] || return 0
	rel=$(realpath -m --relative-to="$out" "$dir")
	if [[ ! -s $dir/matrix.json ]]; then
		echo "<section id=\"topology-matrix\" class=\"matrix\" data-verdict=\"fail\"><h2>Topology matrix</h2>"
		echo "<p><span class=\"badge fail\">fail</span> Night ${matrix_night##*/}: the matrix wrote no matrix.json (topology-matrix exit $matrix_exit); its boots&apos; logs are in <a href=\"$rel\">its folder</a>.</p></section>"
		return 0
	fi
	jq -r -L "$P2PRIG_TOP/harness/lib" --arg night "${matrix_night##*/}" --arg abs "$(realpath "$dir")" \
		--arg rel "$rel" --argjson exit "$matrix_exit" 'include "report-matrix"; matrix_section' "$dir/matrix.json" ||
		die "$dir/matrix.json: the matrix section could not be drawn"
}

chart_failed=0
mapfile -t scenarios < <(q 'map(.scenario) | unique | .[]')
{
	cat <<-EOF
		<!DOCTYPE html>
		<html lang="en"><head><meta charset="utf-8">
		<title>p2prig report</title>
		<style>
		body { font: 14px/1.4 sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; }
		h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ccc; }
		table { border-collapse: collapse; margin: .5em 0 1em; }
		td, th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
		.verdict { padding: .2em 1em; border-radius: 6px; }
		.verdict.pass { background: #e6f4ea; } .verdict.skip { background: #fef7e0; }
		.verdict.fail { background: #fce8e6; }
		.badge { padding: 0 6px; border-radius: 4px; color: #fff; font-size: 12px; }
		.badge.pass { background: #188038; } .badge.skip { background: #b06000; }
		.badge.fail { background: #c5221f; }
		svg.chart { display: block; max-width: 100%; height: auto; margin: .5em 0; }
		table.matrix-grid td.row.pass { background: #f3faf5; } table.matrix-grid td.row.fail { background: #fce8e6; }
		table.matrix-grid td { font-size: 12px; } table.boots td:first-child { white-space: nowrap; }
		small { color: #666; }
		</style></head><body>
		<h1>p2prig report</h1>
		<p><small>Built $(date -u +%FT%TZ) from $(jq length <<<"$index") runs under ${root/#"$P2PRIG_TOP"\//}/. Figures from the virtual lab are TCG figures: comparable between runs of one rig, not hardware figures.</small></p>
	EOF
	q "verdict_section($compare; $matrix)"
	for scenario in "${scenarios[@]}"; do
		echo "<section class=\"scenario\" id=\"scenario-$scenario\"><h2>$scenario</h2>"
		q "steps_table(\"$scenario\")"
		bandwidth_chart "$scenario" || chart_failed=1
		history_chart "$scenario" || chart_failed=1
		echo "</section>"
	done
	echo '<section id="map-cost"><h2>Map and unmap cost per method, per kernel</h2>'
	echo '<p>The newest map-cost figures of each kernel: mean of the repeat means, virtual ns.</p>'
	cost_chart map || chart_failed=1
	cost_chart unmap || chart_failed=1
	kbench_table
	echo '</section>'
	matrix_section
	echo '<section id="index"><h2>All runs</h2>'
	q history_table
	echo '</section></body></html>'
} >"$out/index.html.tmp"
mv "$out/index.html.tmp" "$out/index.html"
log "report: $out/index.html ($(grep -c '<svg class="chart"' "$out/index.html") charts, ${#scenarios[@]} scenarios)"
[[ $chart_failed == 0 ]] || die "a chart could not be drawn (see the warnings above); the report lacks it"
