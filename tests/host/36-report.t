#!/usr/bin/env bash
# make report from real runs (tests/host/data/runs) arranged as two nights, a
# baseline and a standalone 6.12 map-cost run, rendered in headless
# Chromium: the verdict and every chart must be on the page and drawn. Then
# a third night doctored 20 % slower must turn the verdict to fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/runs.sh
source tests/lib/runs.sh
# shellcheck source=tests/lib/webdriver.sh
source tests/lib/webdriver.sh
# shellcheck source=tests/lib/report-check.sh
source tests/lib/report-check.sh

command -v gnuplot >/dev/null || tap_skip_all "gnuplot not installed (harness/setup-host.sh installs gnuplot-nox)"
wd_available || tap_skip_all "chromium or chromium-driver not installed (harness/setup-host.sh installs them)"
tap_plan 19

runs=tests/host/data/runs
work=$(mktemp -d)
trap 'wd_stop; rm -rf "$work"' EXIT
export P2PRIG_RESULTS=$work/results
night1=$P2PRIG_RESULTS/nights/20261101T010000Z
night2=$P2PRIG_RESULTS/nights/20261102T010000Z
mkdir -p "$night1" "$night2"
cp -r "$runs/map-cost-1" "$runs/rdma-dmabuf-1" "$night1/"
cp -r "$runs/map-cost-2" "$runs/rdma-dmabuf-2" "$night2/"
cp -r "$runs/map-cost-6.12" "$P2PRIG_RESULTS/"
harness/baseline.sh night~1 >/dev/null
harness/compare.sh baseline last-night --json "$night2/compare.json" >"$night2/compare.txt"

rc=0
harness/report.sh >"$work/report.log" 2>&1 || rc=$?
sed 's/^/# /' "$work/report.log"
html=$P2PRIG_RESULTS/report/index.html
tap_is "make report exits 0" "$rc" 0
tap_ok "index.html written" test -s "$html"
tap_is "no script in the page (self-contained, static)" "$(grep -c '<script' "$html")" 0
tap_is "no http(s) reference outside the SVG namespaces" \
	"$(grep -oE "(src|href)=[\"'][a-z]+://" "$html" | grep -vc '^$')" 0

wd_start 1280 2400 || tap_skip_all "the browser would not start here"
facts=$(report_facts "$html" "$work/report.png") || facts='{}'
printf '# %s\n' "$(jq -c . <<<"$facts")"
# rdma-dmabuf skips its dma-buf step on rxe, with the reason: the night is a skip.
tap_is "Chromium shows the verdict: skip" "$(jq -r .verdict <<<"$facts")" skip
tap_is "... as the heading, in a box with height" \
	"$(jq -r '"\(.heading) \(.verdict_height > 20)"' <<<"$facts")" "Verdict: SKIP true"
for chart in bandwidth-rdma-dmabuf history-map-cost history-rdma-dmabuf cost-map cost-unmap; do
	tap_ok "chart $chart is on the page with its data drawn" report_chart_drawn "$facts" "$chart"
done
tap_is "the cost charts have a bar per kernel and entry (15 on 7.3.4, 3 ram on 6.12, plus 2 key samples)" \
	"$(jq '.charts[] | select(.name == "cost-map") | .data' <<<"$facts")" 20
tap_is "each scenario links its raw serial log" "$(jq .links <<<"$facts")" 2
tap_is "the screenshot is a 1280 x 2400 PNG" "$(png_size "$work/report.png")" "1280 2400"
tap_ok "... not a blank page (more than 50 KB)" test "$(stat -c %s "$work/report.png")" -gt 50000

# A night 20 % slower than the baseline: the report must say fail.
night3=$P2PRIG_RESULTS/nights/20261103T010000Z
doctor_run "$runs/map-cost-2" "$night3/map-cost" 1.2
cp -r "$runs/rdma-dmabuf-2" "$night3/"
crc=0
harness/compare.sh baseline last-night --json "$night3/compare.json" >"$night3/compare.txt" || crc=$?
tap_is "compare finds the doctored night regressed (exit 1)" "$crc" 1
harness/report.sh >"$work/report.log" 2>&1
facts=$(report_facts "$html" "$work/report-fail.png") || facts='{}'
tap_is "Chromium shows the verdict: fail" "$(jq -r .verdict <<<"$facts")" fail
tap_ok "the verdict names the 30 regressions" grep -q 'Against the baseline: 30 regressions' "$html"
tap_ok "the history now spans 3 nights" grep -q 'map-cost: key figures by night (3 nights)' "$html"

tap_done
