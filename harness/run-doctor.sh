#!/usr/bin/env bash
# make doctor: ask the rig whether peer-to-peer DMA can work on it, and why
# not, before any scenario runs.
#
#   harness/run-doctor.sh [--config NAME|FILE] [--kernel VERSION]
#
# The rig config (--config, else .config, else the default) decides where:
# - a lab rig: `build/host/p2prig doctor` on this machine, with the
#   provider and initiator the config names;
# - the virtual lab: boots the guest and runs
#   `/rig/build/guest/p2prig doctor --json /results/doctor.json` inside.
# Either way the table is printed here and doctor.json, doctor.txt and
# rig.config stay in the results folder. P2PRIG_DOCTOR_CMD replaces the
# command (in the guest, for the virtual lab) to try this plumbing with a
# stand-in. Exits with the doctor's status.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"

usage="usage: $0 [--config NAME|FILE] [--kernel VERSION]"
kernel="" config=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=${2:?--kernel needs a version}; shift 2 ;;
	--config) config=${2:?--config needs a name}; shift 2 ;;
	*) die "$usage" ;;
	esac
done

# What this machine needs depends on the config: a lab machine needs
# neither QEMU nor the build root, and builds no guest. A module that does
# not build for the guest kernel leaves the doctor to look without it.
vlab_front_door "$config" "" doctor module-optional

# doctor_finish RESULTS STATUS: print the doctor's table and the verdict.
doctor_finish() {
	local out=$1 status=$2
	echo
	if [[ -s $out/doctor.txt ]]; then cat "$out/doctor.txt"; else echo "doctor: no output"; fi
	[[ -s $out/doctor.json ]] || echo "doctor: no doctor.json written"
	echo
	echo "results: $out"
	log "doctor ($RIG_CONFIG_NAME): exit $status in $(elapsed "$t_start") s"
	exit "$status"
}

if [[ $RIG_RIG_KIND == lab ]]; then
	[[ -z $kernel ]] || die "--kernel chooses the virtual lab's guest kernel; a lab rig runs the kernel it booted"
	out=$(vlab_results_dir doctor "$(uname -r)")
	vlab_keep_config "$out" ""
	doctor=("$P2PRIG_TOP/build/host/p2prig" doctor --json "$out/doctor.json"
		--provider "$(rig_lab_selector "$RIG_LAB_PROVIDER")"
		--initiator "$(rig_lab_selector "$RIG_LAB_INITIATOR")")
	[[ -z ${P2PRIG_DOCTOR_CMD:-} ]] || doctor=(bash -c "$P2PRIG_DOCTOR_CMD")
	log "doctor: ${doctor[*]}"
	status=0
	(cd "$out" && "${doctor[@]}") >"$out/doctor.txt" 2>&1 || status=$?
	doctor_finish "$out" "$status"
fi

out=$(vlab_results_dir doctor)
vlab_keep_config "$out" "$kernel"
{
	printf 'P2PRIG_GUEST_CMD=%q\n' "${P2PRIG_DOCTOR_CMD:-/rig/build/guest/p2prig doctor --json /results/doctor.json}"
	printf 'P2PRIG_MODULE=%q\n' "$VLAB_MODULE"
	vlab_run_env
} >"$out/run.env"
vlab_boot "$PIN_UNAME" "$out"

status=0
[[ ! -s $out/guest-cmd.out ]] || mv "$out/guest-cmd.out" "$out/doctor.txt"
vlab_verdict_outcome "$out" || status=1
vlab_check_guest_facts "$out" || status=1
guest_exit=$(cat "$out/guest-exit" 2>/dev/null || echo none)
[[ $VLAB_OUTCOME != "done" || $guest_exit == 0 ]] || status=$guest_exit
doctor_finish "$out" "$status"
