#!/usr/bin/env bash
# A run that could not keep its results is refused before anything builds
# or boots: a read-only results folder, a path through a file, a folder
# with too little room. Each says what and where; nothing is left behind.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

[[ $(id -u) -eq 0 ]] || tap_skip_all "needs root to mount the small and read-only folders"
work=$(mktemp -d)
mkdir "$work/ro" "$work/small"
mount -t tmpfs -o size=1m,ro tmpfs "$work/ro" 2>/dev/null || tap_skip_all "cannot mount tmpfs here"
trap 'umount "$work/ro" "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
mount -t tmpfs -o size=2m tmpfs "$work/small"
tap_plan 7

# run RESULTS: the front door with that results root; sets RC and OUT.
run() {
	RC=0
	OUT=$(P2PRIG_RESULTS=$1 "$TOP/harness/run-scenario.sh" nvme-cmb 2>&1) || RC=$?
}

run "$work/ro"
tap_is "read-only results folder: exit 1" "$RC" 1
tap_ok "... says it cannot create the run's folder, and why" \
	grep -qE "results: cannot create $work/ro/[^ ]+-nvme-cmb-[^ ]+: Read-only file system; nothing was run" <<<"$OUT"
tap_is "... before any boot" "$(grep -c 'boot:' <<<"$OUT")" 0

run /etc/hostname/results
tap_ok "a results path through a file: refused, named" \
	grep -q "results: cannot create /etc/hostname/results/.*: Not a directory" <<<"$OUT"

run "$work/small"
tap_is "2 MiB free: exit 1" "$RC" 1
tap_ok "... says how much is free and how much a run needs" \
	grep -qE "results: only [12] MiB free under $work/small, a run needs 64 " <<<"$OUT"
tap_is "... and leaves nothing there" "$(find "$work/small" -mindepth 1 | wc -l)" 0
tap_done
