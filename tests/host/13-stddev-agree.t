#!/usr/bin/env bash
# Every spread the rig prints is the sample standard deviation (n - 1), as
# stats.c computes it (tests/unit/test_stats.c: 2.138 for the textbook set
# 2 4 4 4 5 5 7 9, whose population figure would be 2.000): the jq module
# harness/lib/stats.jq that compare.jq includes, and the bench-nvme table.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh

tap_plan 4
samples='[2,4,4,4,5,5,7,9]'

sd=$(jq -n -L harness/lib "include \"stats\"; $samples | sample_sd * 1000 | round")
tap_is "stats.jq: the sample stddev, as stats.c's" "$sd" 2138
one=$(jq -n -L harness/lib 'include "stats"; [5] | sample_sd')
tap_is "stats.jq: one sample has no spread" "$one" null

# A bench-nvme result: RAM's bandwidth over eight repeats, the CMB's once.
result=$(jq -n --argjson bw "$samples" '{steps: ([$bw[] | {result: "pass",
	fio: {buffer: {name: "ram"}, jobs: [{rw: "read", bs: 4096, iodepth: 1, bw_mibps: .}]}}]
	+ [{result: "pass", fio: {buffer: {name: "cmb"},
	    jobs: [{rw: "read", bs: 4096, iodepth: 1, bw_mibps: 10}]}}])}')
table=$(jq -r -L harness/lib -f harness/lib/bench-nvme-table.jq <<<"$result")
row=$(grep '^read' <<<"$table" | tr -s ' ')
tap_is "bench-nvme table: RAM's spread is the sample stddev" "$(cut -d' ' -f4-6 <<<"$row")" \
	"5.0 ± 2.1"
tap_is "bench-nvme table: one repeat shows no spread" "$(cut -d' ' -f7-8 <<<"$row")" "10.0 2.00"
exit $((TAP_FAILED > 0))
