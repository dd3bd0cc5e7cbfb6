#!/usr/bin/env bash
# Every cmocka program of the runner's unit tests (tests/unit/test_*.c, built
# by `make unit-tests` as build/host/tests/test_*) in one TAP stream: each
# program's results numbered on from the last one's and named after it, then
# one result of its own, that it was built, ran its whole plan and exited 0.
# The list comes from the sources, so a program that was not built, crashed
# or stopped early fails here by name.
#
#   prove tests/unit/cmocka.t [:: test_NAME...]    (only those programs)
#
# cmocka 1.1.5 writes a skipped test as "not ok N # SKIP name", which TAP
# counts as a failure; it is written "ok N - name # SKIP".
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
UNIT=$(cd "$(dirname "$0")" && pwd)
BUILT=${P2PRIG_BUILD:-$UNIT/../../build/host}/tests

# run_program NAME: the program's results as this stream's, then its own.
run_program() {
	local name=$1 program=$BUILT/$1 out rc=0 planned ran=0 line
	if [[ ! -x $program ]]; then
		tap_is "$name: built (make unit-tests)" "$program missing" "$program built"
		return 0
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$program" 2>&1) || rc=$?
	planned=$(sed -n -E '1,/^1\.\.[0-9]+$/s/^1\.\.([0-9]+)$/\1/p' <<<"$out")
	while IFS= read -r line; do
		if [[ $line =~ ^not\ ok\ [0-9]+\ \#\ SKIP\ (.*)$ ]]; then
			line="ok 0 - ${BASH_REMATCH[1]} # SKIP"
		fi
		if [[ $line =~ ^(not )?ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
			ran=$((ran + 1))
			TAP_N=$((TAP_N + 1))
			[[ -z ${BASH_REMATCH[1]} ]] || TAP_FAILED=$((TAP_FAILED + 1))
			echo "${BASH_REMATCH[1]}ok $TAP_N - $name: ${BASH_REMATCH[3]}"
		elif [[ $line == \#* ]]; then
			printf '%s\n' "$line"
		elif [[ -n $line && ! $line =~ ^1\.\.[0-9]+$ ]]; then
			printf '# %s\n' "$line"
		fi
	done <<<"$out"
	tap_is "$name: all ${planned:-?} planned tests ran, exit 0" "$ran/$rc" "${planned:-?}/0"
}

programs=("$@")
if [[ ${#programs[@]} -eq 0 ]]; then
	for source in "$UNIT"/test_*.c; do
		programs+=("$(basename "$source" .c)")
	done
fi
for name in "${programs[@]}"; do
	run_program "$name"
done
tap_plan "$TAP_N"
tap_done
