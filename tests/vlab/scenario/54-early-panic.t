#!/usr/bin/env bash
# A kernel that panics before /init runs is retried once, then reported; the
# run still leaves both serial logs and a result marked incomplete.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 9
P2PRIG_INJECT=early-panic run_scenario nvme-cmb
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the host saw an early panic" "$(cat "$RUN_DIR/outcome")" early-panic
tap_ok "it was retried once" grep -q 'retrying once' "$RUN_LOG"
tap_ok "both serial logs are kept" test -s "$RUN_DIR/serial.try1.log" -a -s "$RUN_DIR/serial.log"
tap_is "result.json is marked incomplete, no steps" "$(jq_result '"\(.complete) \(.steps | length)"')" "false 0"
tap_ok "KTAP says the run is incomplete and why" grep -q '^# run incomplete: early-panic' "$RUN_DIR/ktap.txt"
tap_ok "KTAP fails the host's outcome check" grep -qE '^not ok [0-9]+ host-guest-outcome' "$RUN_DIR/ktap.txt"
tap_ok "the guest's own KTAP is kept" grep -q '^not ok 1 vlab-boot # early-panic' "$RUN_DIR/guest-ktap.txt"
tap_is "result.json: host verdict fail, outcome early-panic" "$(jq_result '"\(.host.verdict) \(.host.outcome)"')" "fail early-panic"
tap_done
