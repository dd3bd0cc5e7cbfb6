#!/usr/bin/env bash
# Run one of the module's own tests (tests/kmod, built as build/guest/tests/NAME)
# inside the virtual lab, with nvme and p2prig.ko loaded, and print its KTAP.
#
#   harness/run-guest-test.sh NAME [--kernel VERSION] [--config NAME|FILE]
#
# The rig config comes from --config, else .config, else the default.
# Exit 0 only if the test passed, the guest finished, the module unloaded
# and the kernel log stayed clean.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"

usage="usage: $0 NAME [--kernel VERSION] [--config NAME|FILE]"
[[ $# -ge 1 ]] || die "$usage"
name=$1
shift
kernel="" config=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=${2:?--kernel needs a version}; shift 2 ;;
	--config) config=${2:?--config needs a name}; shift 2 ;;
	*) die "$usage" ;;
	esac
done
[[ $name =~ ^[a-z0-9-]+$ ]] || die "bad guest test name '$name'"
vlab_select_config "$config"
[[ $RIG_RIG_KIND == vlab ]] || die "config $RIG_CONFIG_NAME is a lab rig; the module's tests run in the virtual lab"
kernel=${kernel:-$RIG_VLAB_KERNEL}
load_kernel_pin "$kernel"

t_start=$(now_s)
vlab_build_host
vlab_build_guest "$kernel" tests
[[ -x $P2PRIG_TOP/build/guest/tests/$name ]] ||
	die "no guest test '$name' (built: $(find "$P2PRIG_TOP/build/guest/tests" -maxdepth 1 -type f -executable -printf '%f ' 2>/dev/null))"

out=$(vlab_results_dir "$name")
vlab_keep_config "$out" "$kernel"
{
	printf 'P2PRIG_GUEST_TEST=%q\n' "$name"
	vlab_run_env
} >"$out/run.env"
vlab_boot "$PIN_UNAME" "$out"

verdict=0
if [[ -s $out/$name.ktap ]]; then
	cat "$out/$name.ktap"
else
	echo "no output from $name"
	verdict=1
fi
vlab_verdict_outcome "$out" || verdict=1
vlab_check_guest_facts "$out" || verdict=1
guest_exit=$(cat "$out/guest-exit" 2>/dev/null || echo none)
if [[ $VLAB_OUTCOME == "done" && $guest_exit != 0 ]]; then
	verdict=1
	echo "guest: $name or the module unload failed (exit $guest_exit)"
fi
# The whole kernel log by the runner's health rules: no test may cause them.
if [[ -s $out/dmesg.txt ]] && ! "$P2PRIG_TOP/build/host/p2prig" scan-log "$out/dmesg.txt"; then
	verdict=1
	echo "kernel log: unexpected lines (above)"
fi
echo "results: $out"
log "guest test $name: $(paint_verdict "$([[ $verdict == 0 ]] && echo pass || echo fail)") in $(elapsed "$t_start") s"
exit "$verdict"
