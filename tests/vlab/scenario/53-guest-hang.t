#!/usr/bin/env bash
# A guest that stops making progress: the watchdog ends it, the run fails,
# and the results folder keeps the serial log and the finished step.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 8
# The watchdog (the host's clock) must outlast the boot and the first step,
# which the checks below want on record: about 30 s on an idle 2-core host,
# longer on a loaded one. 45 s left a margin of 1.5; 120 s leaves 4.
P2PRIG_BOOT_TIMEOUT=120 P2PRIG_INJECT=hang run_scenario nvme-cmb
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the watchdog stopped the guest" "$(cat "$RUN_DIR/outcome")" hang
tap_ok "the verdict says so" grep -q 'the watchdog stopped it' "$RUN_LOG"
tap_ok "serial.log shows how far it got" grep -q 'injecting a hang' "$RUN_DIR/serial.log"
tap_is "result.json keeps the finished step, incomplete" \
	"$(jq_result '"\(.complete) \([.steps[].name] | join(","))"')" "false mmio"
tap_ok "KTAP: the run incomplete (hang), the host's outcome check failed" \
	bash -c "grep -q '^# run incomplete: hang' '$RUN_DIR/ktap.txt' && grep -qE '^not ok [0-9]+ host-guest-outcome' '$RUN_DIR/ktap.txt'"
tap_ok "JUnit: a run-complete testcase in error" grep -q '<testcase [^>]*name="run-complete"' "$RUN_DIR/junit.xml"
tap_is "no QEMU of this run left" "$(pgrep -fc "$RUN_DIR/serial.log" || true)" 0
tap_done
