#!/usr/bin/env bash
# make scenario=NAME rig=host: run one scenario on this machine, a lab
# machine with real devices, against the kernel it booted. No QEMU.
#
#   harness/run-lab.sh NAME|FILE [--config NAME|FILE]
#
# The rig config (a lab rig: CONFIG_RIG_LAB) names the devices; they take
# the place of the scenario's selectors. Before anything is loaded the run
# refuses (exit 2) a device that is missing, bound to a driver the run
# would take it from (unless CONFIG_LAB_ALLOW_REBIND), a namespace it
# would write that the config does not name as scratch, or one that is
# mounted, and an RDMA device the config does not name; it skips (exit 4)
# what this machine cannot do, with the reason: an edu initiator (virtual
# lab only), a bar provider the config does not name, a pair the doctor
# says cannot do p2p. Then it builds p2prig.ko for the running kernel,
# loads it, runs the scenario, and unloads it, also when the run fails.
# The results folder is the virtual lab's: result.json, ktap.txt,
# junit.xml, dmesg.txt, rig.config, doctor.json.
#
# Exit: 0 every step passed, 1 something failed, 2 the run could not start
# (setup), 4 nothing failed but something was skipped.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"
# shellcheck source=harness/lib/host-record.sh
source "$P2PRIG_TOP/harness/lib/host-record.sh"
# shellcheck source=harness/lib/lab.sh
source "$P2PRIG_TOP/harness/lib/lab.sh"

usage="usage: $0 NAME|FILE [--config NAME|FILE]"
[[ $# -ge 1 ]] || lab_refuse "$usage"
scenario_arg=$1
shift
config=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--config) config=${2:?--config needs a name}; shift 2 ;;
	*) lab_refuse "$usage" ;;
	esac
done
[[ $(id -u) -eq 0 ]] || lab_refuse "lab mode loads a kernel module: run it as root"
if [[ -f $scenario_arg ]]; then
	scenario_file=$(realpath "$scenario_arg")
else
	scenario_file=$P2PRIG_TOP/scenarios/$scenario_arg
	[[ -f $scenario_file && $scenario_arg != README.md ]] || lab_refuse "unknown scenario '$scenario_arg'"
fi
scenario=$(basename "$scenario_file")
LAB_SCENARIO=$scenario
t_start=$(now_s)

# The scenario's own `config` line names a virtual-lab rig: never used here.
rig_config_select "$config" "" || lab_refuse "no such config"
resolved=$(mktemp "${TMPDIR:-/tmp}/p2prig-config.XXXXXX")
trap 'rm -f "$resolved"' EXIT
rig_config_resolve "$RIG_CONFIG_SRC" "$resolved" ||
	lab_refuse "config $RIG_CONFIG_NAME ($(rig_path_shown "$RIG_CONFIG_SRC")) rejected; nothing was run"
[[ $RIG_RIG_KIND == lab ]] ||
	lab_refuse "config $RIG_CONFIG_NAME is a virtual-lab rig; rig=host runs on this machine and needs a lab rig (make lab-mlx5-nvme_defconfig, then name your devices in make menuconfig)"
log "config: $RIG_CONFIG_NAME (from $RIG_CONFIG_FROM): $(rig_topology_text)"

"$P2PRIG_TOP/harness/setup-host.sh" --for lab || lab_refuse "the lab machine lacks what the rig needs (above)"
make -s -C "$P2PRIG_TOP/harness" BUILD="$P2PRIG_TOP/build/host" >/dev/null || lab_refuse "the runner did not build"
"$P2PRIG_TOP/build/host/p2prig" check "$scenario_file" || lab_refuse "scenario $scenario rejected; nothing was run"

out=$(vlab_results_dir "$scenario" "$(uname -r)")
LAB_OUT=$out
cp "$resolved" "$out/rig.config"
log "results: $out"

# What this machine is asked to lend, move and write; refused or skipped
# here, before the module is built or loaded.
lab_resolve_devices "$scenario_file" "$out"
lab_check_storage "$scenario_file"
lab_rewrite_scenario "$scenario_file" "$out/$scenario"
lab_doctor_gate "$out"

lab_build_module "$out"
lab_run "$out" "$scenario"
lab_finish "$out" "$scenario" "$t_start"
