# shellcheck shell=bash
# The kernel's own debug checkers around a guest's run, sourced by
# guest-run.sh: checkers_begin once debugfs is mounted, before the drivers
# and the module load; checkers_end after the module's unload. What they
# find goes into /results for the host's debug-checkers check
# (harness/lib/host-record.sh, host_judge_checkers):
#
#   checkers.env   KEY=VALUE lines: which checkers the kernel has, dma-debug's
#                  error count before and after, how the kmemleak scan went
#   kmemleak.txt   the leaks kmemleak suspects after its scan (when it has any)
#
# dma-debug WARNs for its first error only and counts the rest; with
# all_errors set every error is reported, each with its own stack. The
# kmemleak scan (the debug kernel's scan thread is off) runs once the
# module is gone, so whatever the module did not free is unreferenced;
# the rig's markers around it tell scan-log that kmemleak's summary line
# is the host's debug-checkers check's to judge, by each leak's backtrace.
#
# Builtins only, but for the scan: under TCG every program started costs
# 0.05-0.2 s, and most runs are on kernels without these checkers.

CHECKERS_DMA_API=/sys/kernel/debug/dma-api
CHECKERS_KMEMLEAK=/sys/kernel/debug/kmemleak
CHECKERS_ENV=/results/checkers.env

# checkers_kmsg TEXT: one line into the kernel log (the rig's markers).
checkers_kmsg() { echo "$1" >/dev/kmsg 2>/dev/null || true; }

checkers_begin() {
	local dma=absent errors="" kmemleak=absent lockdep=absent disabled=""
	if [[ -d $CHECKERS_DMA_API ]]; then
		dma=on
		read -r disabled <"$CHECKERS_DMA_API/disabled" || true
		if [[ $disabled == Y ]]; then
			dma=disabled
		elif echo 1 >"$CHECKERS_DMA_API/all_errors"; then
			read -r errors <"$CHECKERS_DMA_API/error_count" || true
		else
			dma=on-first-error-only
		fi
	fi
	[[ ! -e $CHECKERS_KMEMLEAK ]] || kmemleak=on
	[[ ! -e /proc/lockdep ]] || lockdep=on
	printf '%s\n' "DMA_DEBUG=$dma" "DMA_DEBUG_ERRORS_BEFORE=$errors" "KMEMLEAK=$kmemleak" \
		"LOCKDEP=$lockdep" >"$CHECKERS_ENV"
	[[ $dma == absent && $kmemleak == absent ]] ||
		echo "p2prig: debug checkers: dma-debug $dma, kmemleak $kmemleak, lockdep $lockdep"
}

# checkers_end: never fails the guest's run; the host judges what it wrote.
checkers_end() {
	local errors="" disabled="" scan="" t0 line n=0
	[[ -r $CHECKERS_ENV ]] || return 0
	if [[ -d $CHECKERS_DMA_API ]]; then
		read -r errors <"$CHECKERS_DMA_API/error_count" || true
		read -r disabled <"$CHECKERS_DMA_API/disabled" || true
		printf '%s\n' "DMA_DEBUG_ERRORS_AFTER=$errors" "DMA_DEBUG_DISABLED_AFTER=$disabled" >>"$CHECKERS_ENV"
	fi
	if [[ -e $CHECKERS_KMEMLEAK ]]; then
		t0=${EPOCHREALTIME/[.,]/}
		checkers_kmsg "p2prig: kmemleak scan begins (the host's debug-checkers check judges its leaks)"
		# Synchronous, two passes over memory; refused once kmemleak has
		# turned itself off (out of memory for its own objects, say).
		if ! scan=$( { echo scan >"$CHECKERS_KMEMLEAK"; } 2>&1); then
			scan="refused: ${scan##*: }"
		elif ! {
			while IFS= read -r line; do
				printf '%s\n' "$line"
				[[ $line != "unreferenced object"* ]] || n=$((n + 1))
			done <"$CHECKERS_KMEMLEAK" >/results/kmemleak.txt
		} 2>/dev/null; then
			scan="unreadable"
		else
			scan="done"
		fi
		checkers_kmsg "p2prig: kmemleak scan ends"
		printf '%s\n' "KMEMLEAK_SCAN=$scan" "KMEMLEAK_LEAKS=$n" \
			"KMEMLEAK_SCAN_MS=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))" >>"$CHECKERS_ENV"
		echo "p2prig: kmemleak scan $scan in $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms: $n suspected leaks"
	fi
	echo "CHECKERS_END=yes" >>"$CHECKERS_ENV"
}
