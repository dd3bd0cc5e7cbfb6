#!/usr/bin/env bash
# Style gates as tests: every bash script shellcheck-clean, the module
# checkpatch --strict clean (harness/check-style.sh prints the findings).
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
if ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	tap_skip_all "not a git checkout: the style gates check the tracked files"
fi

tap_plan 1
rc=0
"$TOP/harness/check-style.sh" >"${TMPDIR:-/tmp}/p2prig-style.$$" 2>&1 || rc=$?
while IFS= read -r line; do echo "# $line"; done <"${TMPDIR:-/tmp}/p2prig-style.$$"
rm -f "${TMPDIR:-/tmp}/p2prig-style.$$"
tap_is "shellcheck and checkpatch --strict clean" "$rc" 0
tap_done
