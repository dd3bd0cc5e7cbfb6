#!/usr/bin/env bash
# Run one of the module's own tests (tests/kmod, built as build/guest/tests/NAME)
# inside the virtual lab, with nvme and p2prig.ko loaded, and print its KTAP.
#
#   harness/run-guest-test.sh NAME [--kernel VERSION]
#
# Exit 0 only if the test passed, the guest finished, the module unloaded
# and the kernel log stayed clean.
set -euo pipefail
# shellcheck source=harness/vlab/session.sh
source "$(dirname "$0")/vlab/session.sh"

[[ $# -ge 1 ]] || die "usage: $0 NAME [--kernel VERSION]"
name=$1
kernel=7.3.4
[[ ${2:-} != --kernel ]] || kernel=${3:?--kernel needs a version}
[[ $name =~ ^[a-z0-9-]+$ ]] || die "bad guest test name '$name'"
load_kernel_pin "$kernel"

t_start=$(now_s)
vlab_build_host
vlab_build_guest "$kernel" tests
[[ -x $P2PRIG_TOP/build/guest/tests/$name ]] ||
	die "no guest test '$name' (built: $(find "$P2PRIG_TOP/build/guest/tests" -maxdepth 1 -type f -executable -printf '%f ' 2>/dev/null))"

out=$(vlab_results_dir "$name")
{
	printf 'P2PRIG_GUEST_TEST=%q\n' "$name"
	printf 'P2PRIG_RIG=vlab\n'
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
