#!/usr/bin/env bash
# A guest kernel that panics mid-run: the run fails, the panic is quoted,
# and the results folder keeps the serial log and the step that finished,
# marked incomplete.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires

tap_plan 7
P2PRIG_INJECT=panic run_scenario nvme-cmb
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the host saw a panic" "$(cat "$RUN_DIR/outcome")" panic
tap_ok "the verdict quotes the panic" grep -q 'guest: kernel panic' "$RUN_LOG"
tap_ok "serial.log holds the panic" grep -q 'Kernel panic - not syncing' "$RUN_DIR/serial.log"
tap_is "result.json is marked incomplete" "$(jq_result .complete)" false
tap_is "the finished step is kept" "$(jq_result '[.steps[] | "\(.name)=\(.result)"] | join(",")')" "mmio=pass"
tap_ok "the summary says INCOMPLETE" grep -q INCOMPLETE "$RUN_LOG"
tap_done
