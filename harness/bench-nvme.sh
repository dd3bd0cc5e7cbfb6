#!/usr/bin/env bash
# make bench-nvme: fio bandwidth with peer-memory buffers against fio's own
# RAM buffers, on the same emulated NVMe namespace in one virtual-lab guest.
# Figures, not a test: for each size and queue depth it prints the write and
# read bandwidth through RAM, through the NVMe CMB and through the ivshmem
# BAR (mean and stddev over the repeats, which run interleaved) and each
# peer buffer's ratio to RAM.
#
#   harness/bench-nvme.sh [--sizes 4K,64K,1M] [--iodepths 1,16] [--repeats N] [--size 8M]
#
# The guest runs on the host's clock (vlab-nvme-p2p), so the figures are TCG
# wall-clock figures: what QEMU's emulation costs, not what hardware does.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage="usage: $0 [--sizes 4K,64K,1M] [--iodepths 1,16] [--repeats N] [--size 8M]"
sizes=4K,16K,64K,256K,1M iodepths=1,16 repeats=3 size=8M
while [[ $# -gt 0 ]]; do
	case $1 in
	--sizes) sizes=${2:?--sizes needs a list}; shift 2 ;;
	--iodepths) iodepths=${2:?--iodepths needs a list}; shift 2 ;;
	--repeats) repeats=${2:?--repeats needs a number}; shift 2 ;;
	--size) size=${2:?--size needs a size}; shift 2 ;;
	*) die "$usage" ;;
	esac
done
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

# mean, stddev and n of every (buffer, rw, bs, iodepth) over the repeats,
# then one line per rw, bs and iodepth with each peer buffer's ratio to RAM.
echo
jq -r '
	def stats: (add / length) as $m
		| {mean: $m, sd: ((map(. - $m | . * .) | add) / length | sqrt), n: length};
	def cell($s): if $s == null then "-" else "\($s.mean * 10 | round / 10) ± \($s.sd * 10 | round / 10)" end;
	def ratio($a; $b): if $a == null or $b == null or $b.mean == 0 then "-"
		else "\($a.mean / $b.mean * 100 | round / 100)" end;
	[.steps[] | select(.result == "pass") | .fio.buffer.name as $b | .fio.jobs[]
		| {b: $b, rw, bs, iodepth, bw: .bw_mibps}]
	| group_by([.rw, .bs, .iodepth, .b])
	| map({key: "\(.[0].rw) \(.[0].bs) \(.[0].iodepth) \(.[0].b)", value: (map(.bw) | stats)})
	| from_entries as $f
	| ($f | keys | map(split(" ") | .[0:3]) | unique | sort_by(.[0], (.[1] | tonumber), (.[2] | tonumber))) as $rows
	| "rw     bs       qd   RAM MiB/s        CMB MiB/s        CMB/RAM  BAR MiB/s        BAR/RAM",
	($rows[] | . as [$rw, $bs, $qd]
		| ($f["\($rw) \($bs) \($qd) ram"]) as $ram
		| ($f["\($rw) \($bs) \($qd) cmb"]) as $cmb
		| ($f["\($rw) \($bs) \($qd) vram"]) as $bar
		| "\($rw | .[0:5] | . + "      " | .[0:6]) \(($bs | tonumber / 1024 | tostring) + "K" | . + "        " | .[0:8]) \($qd | . + "    " | .[0:4]) \(cell($ram) | . + "                 " | .[0:16]) \(cell($cmb) | . + "                 " | .[0:16]) \(ratio($cmb; $ram) | . + "        " | .[0:8]) \(cell($bar) | . + "                 " | .[0:16]) \(ratio($bar; $ram))")
' "$result" | tee "$kept/bench-nvme.txt"
n=$(jq '[.steps[] | select(.result == "pass")] | length' "$result")
echo
echo "$n of $((3 * repeats)) fio steps passed (every block verified); mean ± stddev over $repeats repeats, TCG wall clock"
echo "results: $kept"
[[ $rc -eq 0 ]] || die "bench-nvme: the run exited $rc; figures above come from the steps that passed"
