#!/usr/bin/env bash
# A scenario that expects a byte pattern other than the one written must
# fail: the verifier has to notice wrong bytes in both directions.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 8
run_scenario "$TOP/tests/vlab/data/wrong-pattern"
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the guest finished (the failure is the verdict, not a crash)" "$(cat "$RUN_DIR/outcome")" "done"
tap_is "the step failed" "$(jq_result '.steps[0].result')" fail
tap_is "not verified" "$(jq_result '.steps[0].verified')" false
tap_ok "wrong bytes found to peer" test "$(jq_result '.steps[0].to_peer.mismatched_bytes')" -gt 0
tap_ok "wrong bytes found from peer" test "$(jq_result '.steps[0].from_peer.mismatched_bytes')" -gt 0
tap_is "the pattern expectation is unmet" \
	"$(jq_result '.steps[0].expectations[] | select(.expect == "pattern") | .met')" false
tap_ok "KTAP reports the step as not ok" grep -q '^not ok 1 wrong' "$RUN_DIR/ktap.txt"
tap_done
