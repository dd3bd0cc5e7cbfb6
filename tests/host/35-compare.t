#!/usr/bin/env bash
# make compare on real runs kept in tests/host/data/runs (two honest repeats of
# map-cost and of rdma-dmabuf from the virtual lab): honest repeats are
# noise, a run doctored 20 % slower is a regression, and the limits, the
# noise gate and bad input behave as configs/compare-thresholds says.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/runs.sh
source tests/lib/runs.sh

command -v jq >/dev/null || tap_skip_all "jq not installed"
tap_plan 21

runs=tests/host/data/runs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# compare BASE NEW [ARGS...]: sets OUT and RC.
compare() {
	RC=0
	OUT=$(harness/compare.sh "$@" --json "$work/rows.json" 2>&1) || RC=$?
}
count() { jq "[.[] | select(.verdict == \"$1\")] | length" "$work/rows.json"; }

compare "$runs/map-cost-1" "$runs/map-cost-2"
tap_is "honest map-cost repeats: exit 0" "$RC" 0
tap_is "honest map-cost repeats: all 30 figures noise" "$(count noise)/$(jq length "$work/rows.json")" 30/30
tap_ok "the verdict line says pass" grep -q '^verdict: pass' <<<"$OUT"

doctor_run "$runs/map-cost-2" "$work/slower" 1.2
compare "$runs/map-cost-1" "$work/slower"
tap_is "a run doctored 20 % slower: exit 1" "$RC" 1
tap_is "every one of its 30 figures is a regression" "$(count regression)" 30
tap_ok "the table shows +20 % and REGRESSION on resource 2M map" \
	grep -qE '\+20\.[0-9]%.*REGRESSION +map-cost/cost/resource/2M/map_ns$' <<<"$OUT"
tap_ok "the verdict line counts them" grep -q '^verdict: fail (30 regressions)' <<<"$OUT"

doctor_run "$runs/map-cost-2" "$work/faster" 0.8
compare "$runs/map-cost-1" "$work/faster"
tap_is "a run 20 % faster: exit 0, 30 improvements" "$RC $(count improvement)" "0 30"

doctor_run "$runs/rdma-dmabuf-2" "$work/rdma-slower" 1.2
# The RDMA figures are not judged by the shipped limits (soft-RoCE under
# TCG jumps between runs); the noise gate is tested on them with these.
printf '*/write-host/write-4K/* 25 3\n* 5 3\n' >"$work/rdma-limits"
compare "$runs/rdma-dmabuf-1" "$work/rdma-slower" --thresholds "$work/rdma-limits"
tap_is "RDMA 20 % slower: bandwidth regresses where the per-message spread allows it (not 64K: 40 % spread; not the 4K write: 25 % limit)" \
	"$RC $(jq -r '[.[] | select(.verdict == "regression" and (.key | endswith("bw_avg_mibps"))) | .key | split("/")[2]] | join(" ")' "$work/rows.json")" \
	"1 read-1M read-4K write-1M"
tap_is "a latency whose base spread is 140 % stays noise (the sigma gate)" \
	"$(jq -r '.[] | select(.key == "rdma-dmabuf/write-host/write-4K/latency_ns") | .verdict' "$work/rows.json")" noise

# Run sets: a folder of runs each side, scenarios kept apart.
mkdir -p "$work/base-set" "$work/new-set"
cp -r "$runs/map-cost-1" "$runs/rdma-dmabuf-1" "$work/base-set/"
cp -r "$runs/map-cost-2" "$runs/rdma-dmabuf-2" "$work/new-set/"
compare "$work/base-set" "$work/new-set"
tap_is "two honest run sets: exit 0, 42 figures compared" "$RC $(jq length "$work/rows.json")" "0 42"
doctor_run "$runs/map-cost-2" "$work/new-set/map-cost-3" 1.02
compare "$work/base-set" "$work/new-set"
tap_is "a side with two runs of a scenario: their mean and spread" \
	"$(jq -r '.[] | select(.key == "map-cost/cost/mmio/4K/map_ns") | "\(.new.runs) \(.new.sd > 0)"' "$work/rows.json")" "2 true"

# The limits come from the thresholds file, first match first.
printf 'map-cost/*/mmio/4K/map_ns 25 3\n* 5 3\n' >"$work/limits"
compare "$runs/map-cost-1" "$work/slower" --thresholds "$work/limits"
tap_is "a 25 % limit lets the 20 % slower mmio 4K map pass, the rest still regress" \
	"$(jq -r '.[] | select(.key == "map-cost/cost/mmio/4K/map_ns") | .verdict' "$work/rows.json") $(count regression)" "noise 29"
printf 'map-cost/* off 3\n' >"$work/limits"
compare "$runs/map-cost-1" "$work/slower" --thresholds "$work/limits"
tap_is "off: shown, never judged" "$RC $(count "not judged")" "0 30"
doctor_run "$runs/map-cost-2" "$work/seven" 1.07
printf '* 5 0\n' >"$work/limits"
compare "$runs/map-cost-1" "$work/seven" --thresholds "$work/limits"
tap_ok "7 % slower against a 5 % limit without a noise gate: mostly regressions" \
	test "$(count regression)" -ge 25
printf '* 5 3\n' >"$work/limits"
compare "$runs/map-cost-1" "$work/seven" --thresholds "$work/limits"
tap_is "with a 3-sigma gate: mmio 4K map (cv 4 %) is noise, resource 2M map (cv 0.2 %) regresses" \
	"$(jq -r '[.[] | select(.key | test("(mmio/4K|resource/2M)/map_ns$")) | .verdict] | join(" ")' "$work/rows.json")" "noise regression"

# A step that passed in the base and failed in the new run regresses by itself.
mkdir -p "$work/failed"
jq '.steps[0].result = "fail" | .steps[0].reason = "verified: 3 bytes wrong"' \
	"$runs/map-cost-2/result.json" >"$work/failed/result.json"
compare "$runs/map-cost-1" "$work/failed"
tap_is "a step failing in the new run is a regression" \
	"$(jq -r '.[] | select(.key == "map-cost/cost/result") | .verdict' "$work/rows.json")" regression

# Bad input: exit 2 and where.
printf 'map-cost/* five 3\n' >"$work/bad-limits"
compare "$runs/map-cost-1" "$runs/map-cost-2" --thresholds "$work/bad-limits"
tap_is "a bad thresholds line: exit 2" "$RC" 2
tap_ok "... naming file and line" grep -q "$work/bad-limits:1: PERCENT \"five\" is not a number" <<<"$OUT"
compare "$runs/map-cost-1" "$work/no-such-run"
tap_is "a run that does not exist: exit 2, named" "$RC $(grep -c "no-such-run: no such run" <<<"$OUT")" "2 1"
mkdir -p "$work/empty"
compare "$runs/map-cost-1" "$work/empty"
tap_is "a folder without runs: exit 2, named" "$RC $(grep -c "empty: no runs in it" <<<"$OUT")" "2 1"

tap_done
