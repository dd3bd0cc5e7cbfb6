#!/usr/bin/env bash
# A night holding a kept topology matrix, as make nightly leaves it: the
# scenarios' runs and NIGHT/topology-matrix/, whose matrix.json the real
# judge (harness/topology-matrix.sh --from) makes from two kept boots'
# result.json (tests/host/data/night-matrix: wide-off-max and wide-pt-epyc
# of configs/topology-matrix, their mmio and p2p-page steps, trimmed). make baseline and
# make compare must see only the scenarios' runs; make report must draw
# the matrix (a row per edu, a column per method) with its counts and a
# link to matrix.txt. Then a night whose boot predicted one pair wrong:
# the judge fails it, the report shows that row failing, one mismatch, and
# the verdict turns to fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh

command -v gnuplot >/dev/null || tap_skip_all "gnuplot not installed (harness/setup-host.sh installs gnuplot-nox)"
[[ -x build/host/p2prig ]] || tap_skip_all "no host runner in build/host (make runner): the matrix's judge needs its topology-tree"
tap_plan 18

runs=tests/host/data/runs
data=tests/host/data/night-matrix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export P2PRIG_RESULTS=$work/results
html=$P2PRIG_RESULTS/report/index.html

# kept_matrix NIGHT [BOOT JQ]: NIGHT/topology-matrix from the kept boots,
# BOOT's result.json passed through JQ, judged; night.json as nightly
# writes it.
# Sets rc, the judge's exit.
kept_matrix() {
	local dir=$1/topology-matrix boot name
	mkdir -p "$dir"
	: >"$dir/boots.jsonl"
	while IFS= read -r boot; do
		name=$(jq -r .name <<<"$boot")
		mkdir -p "$dir/$name/run"
		jq "$([[ $name != "${2-}" ]] && echo . || echo "$3")" "$data/$name/result.json" >"$dir/$name/run/result.json"
		jq -c --arg r "$(realpath "$dir/$name/run/result.json")" '. + {result_json: $r}' <<<"$boot" >>"$dir/boots.jsonl"
	done <"$data/boots.jsonl"
	rc=0
	harness/topology-matrix.sh --from "$dir" >"$work/judge.log" 2>&1 || rc=$?
	sed 's/^/# /' "$work/judge.log"
	jq -n --argjson rc "$rc" --slurpfile m "$dir/matrix.json" -L harness/lib 'include "night-matrix";
		{ list: "configs/nightly", runs: [], compare_exit_code: null,
		  topology_matrix: { list: "configs/topology-matrix", folder: "topology-matrix", exit_code: $rc,
		                     counts: ($m[0] | matrix_counts) },
		  exit_code: (if $rc == 0 then 0 else 1 end) }' >"$1/night.json"
}

night1=$P2PRIG_RESULTS/nights/20261101T010000Z
night2=$P2PRIG_RESULTS/nights/20261102T010000Z
mkdir -p "$night1" "$night2"
cp -r "$runs/map-cost-1" "$runs/rdma-dmabuf-1" "$night1/"
cp -r "$runs/map-cost-2" "$runs/rdma-dmabuf-2" "$night2/"
kept_matrix "$night2"
tap_is "the kept boots judged: exit 0, 28 rows (2 x 7 edus x mmio, p2p-page), all as predicted" \
	"$rc $(jq '"\(.rows | length) \(.ok)"' "$night2/topology-matrix/matrix.json")" '0 "28 true"'

# Run sets: the matrix's folder is no run of the night's.
brc=0
harness/baseline.sh last-night >/dev/null 2>&1 || brc=$?
tap_is "make baseline from the night: exit 0, its 2 scenario runs, no matrix boot" \
	"$brc $(jq -r '.runs | sort | join(" ")' "$P2PRIG_RESULTS/baseline/baseline.json")" "0 map-cost-2 rdma-dmabuf-2"
crc=0
harness/compare.sh night~1 last-night >"$work/compare.txt" 2>&1 || crc=$?
tap_is "make compare night~1 vs the night: exit 0, 2 results a side" \
	"$crc $(grep -cE '^(base|new) .*: 2 results ' "$work/compare.txt")" "0 2"

rrc=0
harness/report.sh >"$work/report.log" 2>&1 || rrc=$?
sed 's/^/# /' "$work/report.log"
section=$(sed -n '/<section id="topology-matrix"/,/<\/section>/p' "$html")
tap_is "make report exits 0" "$rrc" 0
tap_ok "the matrix section: 28 rows, 0 mismatches, 0 failed, pass" \
	grep -q 'data-verdict="pass" data-rows="28" data-mismatches="0" data-failed="0"' <<<"$section"
tap_ok "... its counts: 22 verified, 6 refused, prediction equal in 28 rows" \
	grep -qE "Night 20261102T010000Z: 28 rows in 2 boots, 401 s \(topology-matrix exit 0\): 22 verified both ways, 6 refused, 0 skipped, 0 failed; prediction equal to the kernel&apos;s map type in 28 rows" <<<"$section"
tap_is "... a grid row per edu of each boot, a column per method, every cell passing" \
	"$(grep -c '<tr><td>wide-\(off-max\|pt-epyc\)</td><td>edu' <<<"$section") $(grep -o '<th>mmio</th><th>p2p-page</th>' <<<"$section" | wc -l) $(grep -o 'class="row pass"' <<<"$section" | wc -l)" "14 1 28"
tap_ok "... edu6 behind the other host bridge, EPYC: THRU_HOST_BRIDGE, bar, bytes verified" \
	grep -qE '<td>wide-pt-epyc</td><td>edu6</td><td>host-bridges</td>.*<td class="row pass" data-ok="true">THRU_HOST_BRIDGE &middot; bar<br><small>65536 bytes verified both ways' <<<"$section"
tap_ok "... the same edu, CPU max: NOT_SUPPORTED, refused" \
	grep -qE '<td>wide-off-max</td><td>edu6</td><td>host-bridges</td>.*<td class="row pass" data-ok="true">NOT_SUPPORTED &middot; refused<br><small>refused: EREMOTEIO' <<<"$section"
# Every href of the section is a file beside the report.
missing=()
while IFS= read -r href; do
	[[ -f $P2PRIG_RESULTS/report/$href ]] || missing+=("$href")
done < <(grep -oE 'href="[^"#]+"' <<<"$section" | sed 's/^href="//; s/"$//')
tap_is "... its links (matrix.txt, matrix.json, the boots' result.json) reach their files" \
	"$(grep -oE 'href="[^"#]+"' <<<"$section" | grep -cE '/(matrix\.txt|matrix\.json|result\.json)"') ${missing[*]-}" "4 "
tap_ok "the verdict names the matrix, passing" \
	grep -q '<a href="#topology-matrix">Topology matrix</a>: <span class="badge pass">pass</span> 28 rows, 0 failed, 0 mismatches.' "$html"
tap_is "the runs index holds the 4 scenario runs and the baseline's 2, no matrix boot" \
	"$(jq 'length' "$P2PRIG_RESULTS/report/index.json") $(grep -c 'topo-matrix' "$P2PRIG_RESULTS/report/index.json")" "6 0"

# A night whose wide-pt-epyc boot predicted edu1's mmio pair NOT_SUPPORTED
# where the kernel mapped BUS_ADDR.
night3=$P2PRIG_RESULTS/nights/20261103T010000Z
mkdir -p "$night3"
cp -r "$runs/map-cost-2" "$runs/rdma-dmabuf-2" "$night3/"
kept_matrix "$night3" wide-pt-epyc '(.steps[] | select(.name == "edu1-mmio") | .predicted_map_type) = "NOT_SUPPORTED"'
tap_is "the judge fails the wrong prediction (exit 1)" "$rc" 1
rrc=0
harness/report.sh >"$work/report.log" 2>&1 || rrc=$?
sed 's/^/# /' "$work/report.log"
section=$(sed -n '/<section id="topology-matrix"/,/<\/section>/p' "$html")
tap_is "make report exits 0; the section is the newest night's: 1 mismatch, 1 failed, fail" \
	"$rrc $(grep -oE 'Night [0-9TZ]+' <<<"$section" | head -n 1) $(grep -oE 'data-verdict="[a-z]+" data-rows="[0-9]+" data-mismatches="[0-9]+" data-failed="[0-9]+"' <<<"$section")" \
	'0 Night 20261103T010000Z data-verdict="fail" data-rows="28" data-mismatches="1" data-failed="1"'
tap_ok "... edu1's mmio cell failing, the prediction beside the kernel's map type" \
	grep -qE '<td>wide-pt-epyc</td><td>edu1</td>.*<td class="row fail" data-ok="false"><span class="badge fail">fail</span> <b>predicted NOT_SUPPORTED &ne; kernel BUS_ADDR</b>' <<<"$section"
tap_ok "... and in the failed rows, with the judge's reason" \
	grep -q '<li>wide-pt-epyc:edu1 mmio: prediction NOT_SUPPORTED != kernel BUS_ADDR</li>' <<<"$section"
tap_ok "the verdict: fail, naming the matrix's mismatch" \
	grep -q 'data-verdict="fail"><h2>Verdict: FAIL</h2>.*Topology matrix</a>: <span class="badge fail">fail</span> 28 rows, 1 failed, 1 mismatches.' "$html"

# A results folder whose only night ran only the matrix (nightly=FILE with
# a topology-matrix line alone): still a report, with the matrix in it.
export P2PRIG_RESULTS=$work/only
kept_matrix "$P2PRIG_RESULTS/nights/20261104T010000Z"
rrc=0
harness/report.sh >"$work/report.log" 2>&1 || rrc=$?
sed 's/^/# /' "$work/report.log"
tap_is "a night of only the matrix, no run anywhere: make report exits 0 and draws it" \
	"$rrc $(grep -c 'data-verdict="pass" data-rows="28" data-mismatches="0"' "$P2PRIG_RESULTS/report/index.html")" "0 1"
tap_done
