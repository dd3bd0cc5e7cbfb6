#!/usr/bin/env bash
# A guest kernel that panics mid-run: the run fails, the panic is quoted,
# and the results folder keeps the serial log and the step that finished,
# marked incomplete.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 12
P2PRIG_INJECT=panic run_scenario nvme-cmb
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the host saw a panic" "$(cat "$RUN_DIR/outcome")" panic
tap_ok "the verdict quotes the panic" grep -q 'guest: kernel panic' "$RUN_LOG"
tap_ok "serial.log holds the panic" grep -q 'Kernel panic - not syncing' "$RUN_DIR/serial.log"
tap_is "result.json is marked incomplete" "$(jq_result .complete)" false
tap_is "the finished step is kept" "$(jq_result '[.steps[] | "\(.name)=\(.result)"] | join(",")')" "mmio=pass"
tap_ok "the summary says INCOMPLETE" grep -q INCOMPLETE "$RUN_LOG"
tap_ok "KTAP: the run incomplete, the host's outcome check failed" \
	bash -c "grep -q '^# run incomplete: panic' '$RUN_DIR/ktap.txt' && grep -qE '^not ok [0-9]+ host-guest-outcome' '$RUN_DIR/ktap.txt'"
tap_ok "JUnit: a run-complete testcase in error" grep -q '<testcase [^>]*name="run-complete"' "$RUN_DIR/junit.xml"
tap_is "result.json: the host's verdict fail, outcome panic" "$(jq_result '"\(.host.verdict) \(.host.outcome)"')" "fail panic"
# The next run starts clean: no QEMU, scratch folder or lock left behind.
# This run's scratch folder, as its QEMU command line names it: other runs
# on this machine make and remove theirs meanwhile, so counting them all
# before and after says nothing.
# None named (no command line kept) fails the check below.
scratch=$(sed -nE 's#.*(/dev/shm/p2prig-vlab\.[A-Za-z0-9]+)/.*#\1#p' "$RUN_DIR/qemu-cmdline.txt" | sort -u) ||
	scratch=""
# shellcheck disable=SC2016 # the inner script expands its argument
tap_ok "its scratch folder (${scratch:-none named}) is gone from /dev/shm" \
	bash -c '[[ $1 =~ ^/dev/shm/p2prig-vlab\.[A-Za-z0-9]+$ && ! -e $1 ]]' _ "$scratch"
run_scenario nvme-cmb
tap_is "the next run passes" "$RUN_RC $(jq_result .complete)" "0 true"
tap_done
