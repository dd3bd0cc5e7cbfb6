#!/usr/bin/env bash
# make nightly in the virtual lab, twice, as a lab's nightly job would run
# it: each night leaves KTAP and JUnit per run; the first becomes the
# baseline; the second, an honest repeat, compares as noise and also runs
# a topology matrix of one boot inside the night; a copy of it doctored
# 20 % slower is caught by make compare; the report built from the nights
# renders in headless Chromium with its verdict, charts and the matrix.
# The lists are tests/vlab/data/nightly-ci{,-matrix}, not configs/nightly:
# its full matrix takes half an hour.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
# shellcheck source=tests/lib/runs.sh
source "$TOP/tests/lib/runs.sh"
# shellcheck source=tests/lib/webdriver.sh
source "$TOP/tests/lib/webdriver.sh"
# shellcheck source=tests/lib/report-check.sh
source "$TOP/tests/lib/report-check.sh"

vlab_requires
command -v gnuplot >/dev/null || tap_skip_all "gnuplot not installed (harness/setup-host.sh installs gnuplot-nox)"
wd_available || tap_skip_all "chromium or chromium-driver not installed (harness/setup-host.sh installs them)"
tap_plan 31

work=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-nightly.XXXXXX")
trap wd_stop EXIT
export P2PRIG_RESULTS=$work/results
echo "# results: $P2PRIG_RESULTS"
list1=tests/vlab/data/nightly-ci
list2=tests/vlab/data/nightly-ci-matrix
scenarios=$(grep -cvE '^[[:space:]]*(#|$)' "$TOP/$list1")

# make_in_top TARGET [VAR=VALUE...]: sets MAKE_RC; the output is kept in $work.
make_in_top() {
	MAKE_RC=0
	make -s -C "$TOP" "$@" >"$work/$1.log" 2>&1 || MAKE_RC=$?
	sed 's/^/# /' "$work/$1.log"
}

make_in_top nightly nightly="$list1"
tap_is "night 1: make nightly exits 0 (every scenario passed or skipped with its reason)" "$MAKE_RC" 0
night1=$(find "$P2PRIG_RESULTS/nights" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)
mapfile -t runs < <(find "$night1" -mindepth 2 -maxdepth 2 -name result.json | sort)
tap_is "night 1 holds a run per scenario of $list1" "${#runs[@]}" "$scenarios"
tap_is "night.json: exit 0, no baseline compared" \
	"$(jq -r '"\(.exit_code) \(.compare_exit_code) \(.runs | length)"' "$night1/night.json")" "0 null $scenarios"

# Every run: the host's verdict in result.json, and KTAP and JUnit made from it.
bad=()
for f in "${runs[@]}"; do
	dir=$(dirname "$f")
	verdict=$(jq -r '.host.verdict' "$f")
	planned=$(sed -n 's/^1\.\.//p' "$dir/ktap.txt")
	results=$(grep -cE '^(not )?ok [0-9]+ ' "$dir/ktap.txt")
	junit_tests=$(grep -o '<testsuites [^>]*tests="[0-9]*"' "$dir/junit.xml" | grep -o '[0-9]*"$' | tr -d '"')
	cases=$(grep -c '<testcase ' "$dir/junit.xml")
	[[ $verdict == pass || $verdict == skip ]] || bad+=("${dir##*/}: host verdict $verdict")
	[[ $planned == "$results" ]] || bad+=("${dir##*/}: KTAP plans $planned, has $results")
	[[ $junit_tests == "$cases" ]] || bad+=("${dir##*/}: JUnit says $junit_tests tests, has $cases")
	jq -e '.metrics | length > 0' "$f" >/dev/null || bad+=("${dir##*/}: no metrics")
done
tap_is "each run: host verdict pass/skip, KTAP plan = results, JUnit count = testcases, metrics" \
	"${bad[*]-}" ""
skips=$(grep -h '# SKIP' "$night1"/*/ktap.txt | grep -vc 'SKIP *$')
tap_ok "every KTAP skip carries a reason (rxe's dma-buf steps: $skips)" test "$skips" -ge 1
tap_is "JUnit carries each skip with its message" \
	"$(cat "$night1"/*/junit.xml | grep -c '<skipped message="[^"]')" "$skips"

make_in_top baseline
tap_is "make baseline exits 0" "$MAKE_RC" 0
tap_is "the baseline holds night 1's runs" \
	"$(find "$P2PRIG_RESULTS/baseline" -mindepth 2 -maxdepth 2 -name result.json | wc -l)" "$scenarios"

make_in_top nightly nightly="$list2"
tap_is "night 2 (an honest repeat, and a matrix): make nightly exits 0" "$MAKE_RC" 0
night2=$(find "$P2PRIG_RESULTS/nights" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
tap_is "night 2 holds a run per scenario; the matrix's boot is no run of the night's" \
	"$(find "$night2" -mindepth 2 -maxdepth 2 -name result.json | wc -l) $(find "$night2/topology-matrix" -mindepth 3 -maxdepth 3 -name result.json | wc -l)" "$scenarios 1"
tap_is "night.json: the matrix's exit 0, its folder, 2 rows: 1 verified, 1 refused, no mismatch" \
	"$(jq -c '.topology_matrix | [.exit_code, .folder, .counts.rows, .counts.verified, .counts.refused, .counts.mismatches, .counts.failed]' "$night2/night.json")" \
	'[0,"topology-matrix",2,1,1,0,0]'
tap_ok "... its table: every row as predicted" grep -q '^matrix: every row as predicted$' "$night2/topology-matrix/matrix.txt"
tap_ok "night 2 compared itself with the baseline" test -s "$night2/compare.json"
tap_is "night.json: compare exit 0" "$(jq .compare_exit_code "$night2/night.json")" 0

make_in_top compare
tap_is "make compare (baseline vs last night): exit 0" "$MAKE_RC" 0
tap_ok "... its verdict: pass" grep -q '^verdict: pass' "$work/compare.log"
tap_is "... no regression among the judged figures" \
	"$(jq '[.[] | select(.verdict == "regression")] | length' "$night2/compare.json")" 0
tap_ok "... virtual-time figures were judged (map-cost's 30, rdma-dmabuf's 12)" \
	test "$(jq '[.[] | select(.verdict == "noise" or .verdict == "improvement")] | length' "$night2/compare.json")" -ge 40

# The seeded regression: night 2's runs, every time 20 % longer.
for f in "$night2"/*/result.json; do
	dir=$(dirname "$f")
	doctor_run "$dir" "$work/doctored/${dir##*/}" 1.2
done
make_in_top compare base=baseline new="$work/doctored"
rc=0
"$TOP/harness/compare.sh" baseline "$work/doctored" >/dev/null 2>&1 || rc=$?
# make turns any failed recipe into its own 2; the script says 1, a regression.
tap_is "a night doctored 20 % slower: make compare fails (2), harness/compare.sh exits 1" "$MAKE_RC $rc" "2 1"
tap_ok "... REGRESSION on map-cost's mmio 4K map" grep -qE 'REGRESSION +map-cost/cost/mmio/4K/map_ns$' "$work/compare.log"
regressions=$(grep -c ' REGRESSION ' "$work/compare.log")
tap_ok "... and on at least 40 figures ($regressions)" test "$regressions" -ge 40
# The two tables into the CI log (stderr shows through prove): honest, then doctored.
{
	echo "=== make compare: baseline (night 1) vs night 2, an honest repeat ==="
	cat "$night2/compare.txt"
	echo "=== make compare: baseline vs night 2 doctored 20 % slower ==="
	cat "$work/compare.log"
} >&2

# The report of both nights, as a reader's browser shows it.
html=$P2PRIG_RESULTS/report/index.html
wd_start 1280 2400 || tap_skip_all "the browser would not start here"
facts=$(report_facts "$html" "$P2PRIG_RESULTS/report/screenshot.png") || facts='{}'
printf '# %s\n' "$(jq -c 'del(.charts)' <<<"$facts")"
tap_is "the report's verdict: skip (the nights' rxe dma-buf steps), shown" \
	"$(jq -r '"\(.verdict) \(.heading)"' <<<"$facts")" "skip Verdict: SKIP"
for chart in bandwidth-nvme-p2p-copy bandwidth-rdma-dmabuf history-map-cost cost-map; do
	tap_ok "chart $chart drawn" report_chart_drawn "$facts" "$chart"
done
tap_ok "the history charts span 2 nights" grep -q 'map-cost: key figures by night (2 nights)' "$html"
section=$(sed -n '/<section id="topology-matrix"/,/<\/section>/p' "$html")
tap_ok "the report draws night 2's matrix: 2 rows, no mismatch, pass" \
	grep -q 'data-verdict="pass" data-rows="2" data-mismatches="0" data-failed="0"' <<<"$section"
tap_ok "... edu0 beside the CMB: BUS_ADDR, its bytes verified" \
	grep -qE '<td>edu0</td><td>same-switch</td>.*>BUS_ADDR &middot; bar<br><small>[0-9]+ bytes verified both ways' <<<"$section"
tap_ok "... edu1 across root ports: NOT_SUPPORTED, refused" \
	grep -qE '<td>edu1</td><td>root-ports</td>.*>NOT_SUPPORTED &middot; refused<br><small>refused: ' <<<"$section"
tap_ok "... linking its matrix.txt" test -f "$P2PRIG_RESULTS/report/$(grep -oE 'href="[^"]*/matrix\.txt"' <<<"$section" | sed 's/^href="//; s/"$//')"
echo "# screenshot: $P2PRIG_RESULTS/report/screenshot.png ($(png_size "$P2PRIG_RESULTS/report/screenshot.png"))"
tap_done
