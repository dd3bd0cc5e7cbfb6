#!/usr/bin/env bash
# The module's uAPI test (tests/kmod/uapi.c, on the kernel's kselftest
# harness) inside the virtual lab: every ioctl's good path and every bad
# input's errno. Its KTAP results pass straight through to prove, followed
# by one more test: the guest finished, the module unloaded and the kernel
# log stayed clean.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires

results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
rc=0
P2PRIG_RESULTS=$results "$TOP/harness/run-guest-test.sh" kmod-uapi >"$results/run.log" 2>&1 || rc=$?
run_dir=$(find "$results" -mindepth 1 -maxdepth 1 -type d | head -n 1)
ktap="$run_dir/kmod-uapi.ktap"
sed 's/^/# /' "$results/run.log"

# The program's own plan: tests it never reached count as missing, not passed.
n=0
if [[ -s $ktap ]] && plan=$(grep -m1 -E '^1\.\.[0-9]+' "$ktap"); then
	n=${plan#1..}
fi
echo "1..$((n + 1))"
[[ ! -s $ktap ]] || sed -E '/^(K?TAP version|1\.\.[0-9]+)/d' "$ktap"
if [[ $rc -eq 0 ]]; then
	echo "ok $((n + 1)) - guest finished, p2prig unloaded, kernel log clean"
else
	echo "not ok $((n + 1)) - guest finished, p2prig unloaded, kernel log clean (run-guest-test exit $rc)"
fi
