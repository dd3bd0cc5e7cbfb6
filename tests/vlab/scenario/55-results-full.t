#!/usr/bin/env bash
# The results folder fills up while the guest runs (a 48 KiB tmpfs, the
# free-space check turned off): the guest says what it could not write,
# the host says the folder filled up and exits 1, and what was written
# (serial.log first) stays. Not a silent loss, not a pass.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

work=$(mktemp -d)
mount -t tmpfs -o size=48k tmpfs "$work" 2>/dev/null || tap_skip_all "cannot mount tmpfs here"
trap 'umount "$work"; rmdir "$work"' EXIT
tap_plan 5

rc=0
out=$(P2PRIG_RESULTS_MIN_FREE_MB=0 P2PRIG_RESULTS=$work "$TOP/harness/run-scenario.sh" nvme-cmb 2>&1) || rc=$?
printf '# %s\n' "${out//$'\n'/$'\n'# }"
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
tap_is "the run exits 1" "$rc" 1
tap_ok "the host says the results folder filled up" grep -q "results: $dir filled up during the run" <<<"$out"
tap_ok "the guest said what it could not write" \
	grep -q "p2prig: cannot write /results/result.json: No space left on device" "$dir/serial.log"
tap_ok "serial.log kept" test -s "$dir/serial.log"
tap_is "nothing claims a pass" "$(grep -c 'scenario nvme-cmb: pass' <<<"$out")" 0
tap_done
