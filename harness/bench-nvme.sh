#!/usr/bin/env bash
# make bench-nvme: fio bandwidth with peer-memory buffers against fio's own
# RAM buffers, on the same emulated NVMe namespace in one virtual-lab guest.
# Figures, not a test: for each size and queue depth it prints the write and
# read bandwidth through RAM, through the NVMe CMB and through the ivshmem
# BAR (mean and stddev over the repeats, which run interleaved) and each
# peer buffer's ratio to RAM.
#
#   harness/bench-nvme.sh [--sizes 4K,64K,1M] [--iodepths 1,16] [--repeats N] [--size 8M]
#   harness/bench-nvme.sh --from RESULTS_DIR    the table of a kept run, again
#
# The guest runs on the host's clock (vlab-nvme-p2p), so the figures are TCG
# wall-clock figures: what QEMU's emulation costs, not what hardware does.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/options.sh
source "$(dirname "$0")/lib/options.sh"

# bench_table RESULT_JSON: the table, and how many steps it stands on.
bench_table() {
	local passed steps
	jq -r -L "$P2PRIG_TOP/harness/lib" -f "$P2PRIG_TOP/harness/lib/bench-nvme-table.jq" "$1"
	passed=$(jq '[.steps[] | select(.result == "pass")] | length' "$1")
	steps=$(jq '.steps | length' "$1")
	echo
	echo "$passed of $steps fio steps passed (every block verified); mean ± stddev over the" \
		"repeats that passed, TCG wall clock"
}

usage="usage: $0 [--sizes 4K,64K,1M] [--iodepths 1,16] [--repeats N] [--size 8M] | --from RESULTS_DIR"
sizes=4K,16K,64K,256K,1M iodepths=1,16 repeats=3 size=8M from=""
take_options "$usage" '--sizes sizes a list' '--iodepths iodepths a list' \
	'--repeats repeats a number' '--size size a size' '--from from a results folder' -- "$@"
if [[ -n $from ]]; then
	[[ -s $from/result.json ]] || die "bench-nvme: no result.json in $from"
	bench_table "$from/result.json"
	exit 0
fi
[[ $repeats =~ ^[1-9][0-9]?$ ]] || die "bad --repeats '$repeats' (1 to 99)"
# The scenario parser checks sizes, iodepths and size, with file:line.

work=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-bench-nvme.XXXXXX")
trap 'rm -rf "$work"' EXIT
scenario=$work/bench-nvme
{
	printf '# Written by harness/bench-nvme.sh: %s repeats of fio through RAM, the CMB and the BAR.\n' "$repeats"
	printf 'describe   fio bandwidth through RAM, an NVMe CMB and a device BAR on one namespace, %s repeats interleaved\n' "$repeats"
	printf 'config     vlab-nvme-p2p\n\n'
	printf 'provider   cmb   nvme-cmb  slot=0000:03:00.0  size=32M\n'
	printf 'provider   vram  bar       id=1af4:1110       size=32M\n'
	printf 'storage    ns    nvme  serial=p2prig1  nsid=1  scratch\n'
	for ((r = 1; r <= repeats; r++)); do
		for buffer in ram cmb vram; do
			printf 'step  %s-%d  fio  storage=ns buffer=%s sizes=%s iodepths=%s size=%s\nexpect verified\n' \
				"$buffer" "$r" "$buffer" "$sizes" "$iodepths" "$size"
		done
	done
} >"$scenario"

rc=0
P2PRIG_RESULTS=$work/results "$(dirname "$0")/run-scenario.sh" "$scenario" || rc=$?
result=$(find "$work/results" -name result.json | head -n 1)
[[ -s $result ]] || die "bench-nvme: the run left no result.json (exit $rc)"
kept=$P2PRIG_TOP/results/$(basename "$(dirname "$result")")
mkdir -p "$P2PRIG_TOP/results"
cp -r "$(dirname "$result")" "$kept"
echo
bench_table "$result" | tee "$kept/bench-nvme.txt"
echo "results: $kept"
[[ $rc -eq 0 ]] || die "bench-nvme: the run exited $rc; the figures come from the steps that passed"
