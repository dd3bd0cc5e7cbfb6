#!/usr/bin/env bash
# make bench-rdma: the runner's RDMA WRITE bandwidth against perftest's
# ib_write_bw, same size, iteration count and tx depth, on the same
# soft-RoCE device in one virtual-lab guest. Figures, not a test: it prints
# both averages and their ratio per size and keeps everything in a results
# folder.
#
#   harness/bench-rdma.sh [--sizes 64K,1M] [--iterations N] [--config NAME] [--kernel VERSION]
#
# Under TCG the figures are virtual time: only the ratio means something.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"
# shellcheck source=harness/lib/options.sh
source "$(dirname "$0")/lib/options.sh"

usage="usage: $0 [--sizes 64K,1M] [--iterations N] [--config NAME|FILE] [--kernel VERSION]"
sizes=64K,1M iterations=1000 kernel="" config=""
take_options "$usage" '--sizes sizes a list' '--iterations iterations a number' \
	'--kernel kernel a version' '--config config a name' -- "$@"
[[ $sizes =~ ^[0-9]+[KMG]?(,[0-9]+[KMG]?)*$ ]] || die "bad --sizes '$sizes' (e.g. 64K,1M)"
[[ $iterations =~ ^[1-9][0-9]*$ && $iterations -ge 5 ]] ||
	die "bad --iterations '$iterations' (ib_write_bw needs at least 5)"

vlab_front_door "$config" "" ": bench-rdma boots the virtual lab"
out=$(vlab_results_dir bench-rdma)
vlab_keep_config "$out" "$kernel"
{
	printf 'P2PRIG_GUEST_CMD=%q\n' "/rig/harness/bench-rdma-guest.sh $sizes $iterations"
	printf 'P2PRIG_RXE=yes\n'
	vlab_run_env
} >"$out/run.env"
vlab_boot "$PIN_UNAME" "$out"

status=0
vlab_verdict_outcome "$out" || status=1
guest_exit=$(cat "$out/guest-exit" 2>/dev/null || echo none)
[[ $guest_exit == 0 ]] || status=1
echo
if [[ -s $out/bench/compare.txt ]]; then
	cat "$out/bench/compare.txt"
else
	echo "bench-rdma: no comparison written (guest exit $guest_exit); see $out/guest-cmd.out"
	status=1
fi
echo
echo "results: $out"
log "bench-rdma: $iterations iterations of $sizes in $(elapsed "$t_start") s"
exit "$status"
