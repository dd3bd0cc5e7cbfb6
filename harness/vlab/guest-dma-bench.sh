#!/bin/bash
# Runs inside the guest for a map-cost step with kernel-bench=dma_map_benchmark
# (the runner calls it after the step's own figures, harness/src/actions/map-cost/map_cost_kbench_run.c):
# the kernel's own benchmark, kernel/dma/map_benchmark.c driven by tools/dma's
# dma_map_benchmark, on the step's initiator, so that both figures come from
# the same device in the same IOMMU domain. The device is taken from its
# driver (p2prig_edu), handed to dma_map_benchmark (driver_override, then
# drivers_probe: that driver has no ID table and takes one device at a time),
# the program runs REPEATS times per granule, and the device goes back to the
# driver it had, whatever happened, so later steps and the module's unload
# find it where it was.
#
#   guest-dma-bench.sh --device BDF --granules BYTES[,BYTES...] --threads T
#                      --seconds S --repeats R --dir bidirectional|to-device|from-device
#
# Prints key=value lines for the runner (program=, device=, driver=, dma_bits=,
# then "run granule=BYTES repeat=N" before each run of the program, whose own
# output follows), and last result=measured|skipped|failed and reason=. A
# kernel without the benchmark, or without the program, is a skip with the
# reason, never a measurement. Exit 0 when measured or skipped, 1 when
# failed, 2 on bad arguments. P2PRIG_DMA_MAP_BENCHMARK names another program.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

usage="usage: $0 --device BDF --granules BYTES,... --threads T --seconds S --repeats R --dir DIR"
bdf="" granules="" threads="" seconds="" repeats="" dir=""
while [[ $# -gt 0 ]]; do
	[[ $# -ge 2 ]] || { echo "$usage" >&2 && exit 2; }
	case $1 in
	--device) bdf=$2 ;;
	--granules) granules=$2 ;;
	--threads) threads=$2 ;;
	--seconds) seconds=$2 ;;
	--repeats) repeats=$2 ;;
	--dir) dir=$2 ;;
	*) echo "$usage" >&2 && exit 2 ;;
	esac
	shift 2
done
number='^[1-9][0-9]*$'
[[ $bdf =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ && $granules =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ &&
	$threads =~ $number && $seconds =~ $number && $repeats =~ $number ]] || { echo "$usage" >&2 && exit 2; }
# The program's -d: include/uapi/linux/map_benchmark.h.
case $dir in
bidirectional) dir_arg=0 ;;
to-device) dir_arg=1 ;;
from-device) dir_arg=2 ;;
*) echo "$usage" >&2 && exit 2 ;;
esac

read -r release </proc/sys/kernel/osrelease
program=${P2PRIG_DMA_MAP_BENCHMARK:-/usr/lib/modules/$release/p2prig-tools/dma_map_benchmark}
dev=/sys/bus/pci/devices/$bdf
drivers=/sys/bus/pci/drivers
debugfs_file=/sys/kernel/debug/dma_map_benchmark

result=measured reason="" taken=0 orig_driver="" orig_override=""
say() { echo "guest-dma-bench: $*"; }
# The first failure says the most; a later one (giving the device back) is added.
fail() {
	if [[ $result == failed ]]; then
		reason+="; $*"
	else
		result=failed reason=$*
	fi
}
skip() { result=skipped reason=$*; }
driver_of() {
	local link
	link=$(readlink "$dev/driver" 2>/dev/null) || return 0
	echo "${link##*/}"
}

# Gives the device back: off dma_map_benchmark, the override it had, its driver again.
give_back() {
	local now
	[[ $taken == 1 ]] || return 0
	taken=0
	[[ $(driver_of) != dma_map_benchmark ]] || echo "$bdf" >"$drivers/dma_map_benchmark/unbind" || true
	# An empty line clears the override.
	printf '%s\n' "$orig_override" >"$dev/driver_override" || true
	if [[ -n $orig_driver ]]; then
		echo "$bdf" >/sys/bus/pci/drivers_probe || true
		[[ $(driver_of) == "$orig_driver" || ! -e $drivers/$orig_driver/bind ]] ||
			echo "$bdf" >"$drivers/$orig_driver/bind" || true
	fi
	now=$(driver_of)
	if [[ $now == "$orig_driver" ]]; then
		say "$bdf given back to ${orig_driver:-no driver}"
	else
		fail "could not give $bdf back to ${orig_driver:-no driver} (it is bound to ${now:-nothing})"
	fi
}

finish() {
	local rc=$?
	trap - EXIT
	[[ $rc == 0 || $result == failed ]] || fail "guest-dma-bench.sh stopped at line ${failed_line:-?} (exit $rc)"
	give_back
	echo "result=$result"
	[[ -z $reason ]] || echo "reason=$reason"
	[[ $result != failed ]] || exit 1
	exit 0
}
failed_line=""
trap 'failed_line=$LINENO' ERR
trap finish EXIT

# Everything that makes it a skip, before the device is touched.
if [[ ! -e $dev ]]; then
	fail "no PCI function $bdf"
	exit
fi
if [[ ! -d $drivers/dma_map_benchmark ]]; then
	skip "kernel $release has no dma_map_benchmark (built without CONFIG_DMA_MAP_BENCHMARK, as Debian builds its kernels)"
	exit
fi
if [[ ! -x $program ]]; then
	skip "no dma_map_benchmark program at $program (the rig's kernel build puts tools/dma's there)"
	exit
fi
debugfs_mounted() {
	local where type
	while read -r _ where type _; do
		[[ $where != /sys/kernel/debug || $type != debugfs ]] || return 0
	done </proc/mounts
	return 1
}
debugfs_mounted || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
if ! debugfs_mounted; then
	skip "no debugfs at /sys/kernel/debug, where dma_map_benchmark has its file"
	exit
fi
if [[ -e $debugfs_file ]]; then
	holders=$(find "$drivers/dma_map_benchmark" -maxdepth 1 -name '????:*' -printf '%f ' 2>/dev/null)
	skip "dma_map_benchmark already has a device (${holders:-unknown}): it takes one at a time"
	exit
fi

orig_driver=$(driver_of)
read -r orig_override <"$dev/driver_override" || true
[[ $orig_override != "(null)" ]] || orig_override=""
# The mask the initiator's driver set: the program sets it for its run (-b)
# and puts the old one back afterwards.
read -r bits <"$dev/dma_mask_bits" || bits=0
if [[ ! $bits =~ ^[0-9]+$ ]] || ((bits < 20 || bits > 64)); then
	say "dma_mask_bits '$bits' unusable: the program's default, 32"
	bits=32
fi
echo "program=$program"
echo "device=$bdf"
echo "driver=${orig_driver:-none}"
echo "dma_bits=$bits"

taken=1
echo dma_map_benchmark >"$dev/driver_override"
[[ -z $orig_driver ]] || echo "$bdf" >"$dev/driver/unbind"
echo "$bdf" >/sys/bus/pci/drivers_probe || true # a refusal: the check below says
if [[ $(driver_of) != dma_map_benchmark || ! -e $debugfs_file ]]; then
	fail "dma_map_benchmark did not take $bdf (bound to: $(driver_of); dmesg says why)"
	exit
fi
say "$bdf taken from ${orig_driver:-no driver} and bound to dma_map_benchmark"

page=$(getconf PAGESIZE)
IFS=, read -r -a sizes <<<"$granules"
for granule in "${sizes[@]}"; do
	if ((granule % page)); then
		fail "granule $granule is not a multiple of the page size ($page)"
		break
	fi
	for ((r = 1; r <= repeats; r++)); do
		echo "run granule=$granule repeat=$r"
		args=(-t "$threads" -s "$seconds" -g $((granule / page)) -d "$dir_arg" -b "$bits")
		rc=0
		out=$("$program" "${args[@]}" 2>&1) || rc=$?
		printf '%s\n' "$out"
		if ((rc)); then
			fail "dma_map_benchmark ${args[*]} exited $rc: ${out##*$'\n'}"
			break 2
		fi
	done
done
