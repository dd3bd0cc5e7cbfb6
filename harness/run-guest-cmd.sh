#!/usr/bin/env bash
# Run one script of this checkout inside a virtual-lab guest, as root in
# the guest's userspace (the build root, read-only; /tmp, /run writable;
# the checkout at /rig, read-only; /results, the results folder, writable),
# with the nvme driver loaded and p2prig.ko not loaded. Its output is kept
# as guest-cmd.out. The lab-mode test uses it to make a guest the lab
# machine (tests/vlab/ops/95-lab-mode.t).
#
#   harness/run-guest-cmd.sh SCRIPT [--config NAME|FILE] [--kernel SPEC] [--series FILE|DIR]
#
# Exit: the script's exit code when the guest finished; 1 when it did not.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"

vlab_front_door_args "usage: $0 SCRIPT [--config NAME|FILE] [--kernel SPEC] [--series FILE|DIR]" "$@"
script=$FRONT_DOOR_NAME
[[ -f $P2PRIG_TOP/$script ]] || die "no $script in this checkout"
# The guest is a lab machine: it builds the runner and the module itself.
VLAB_LAYERS=(lab)
vlab_front_door "$config" "" "; the guest needs a virtual-lab rig"
out=$(vlab_results_dir "$(basename "$script" .sh)")
vlab_keep_config "$out" "$kernel"
{
	printf 'P2PRIG_GUEST_CMD=%q\n' "bash /rig/$script"
	printf 'P2PRIG_MODULE=no\n'
	vlab_run_env
} >"$out/run.env"
vlab_boot "$PIN_UNAME" "$out"
status=0
vlab_verdict_outcome "$out" || status=1
[[ $status == 1 ]] || status=$(cat "$out/guest-exit" 2>/dev/null || echo 1)
echo "results: $out"
log "guest command $script: exit $status in $(elapsed "$t_start") s"
exit "$status"
