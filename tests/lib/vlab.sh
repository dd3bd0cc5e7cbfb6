# shellcheck shell=bash
# Shared by the virtual-lab tests: run a scenario through the front door into
# a results folder of the test's own, and read its result.json with jq.

# shellcheck source=tests/lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The rig comes from the scenario's `config` line or the default, never from
# the developer's .config (harness/lib/rigconfig.sh reads KCONFIG_CONFIG).
export KCONFIG_CONFIG=/nonexistent/p2prig-tests-ignore-.config

vlab_requires() {
	[[ $(id -u) -eq 0 ]] || tap_skip_all "the virtual lab needs root (chroot, 9p shares)"
	command -v qemu-system-x86_64 >/dev/null || tap_skip_all "qemu-system-x86_64 not installed"
}

# run_scenario SCENARIO: sets RUN_RC, RUN_LOG and RUN_DIR (the results folder),
# read by the test that sourced this file.
# shellcheck disable=SC2034
run_scenario() {
	local results
	results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
	RUN_LOG="$results/run.log"
	RUN_RC=0
	P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" "$1" >"$RUN_LOG" 2>&1 || RUN_RC=$?
	RUN_DIR=$(find "$results" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	sed 's/^/# /' "$RUN_LOG"
}

# jq_result FILTER: evaluate FILTER on the run's result.json.
jq_result() { jq -r "$1" "$RUN_DIR/result.json"; }
