#!/usr/bin/env bash
# Runs one cmocka unit-test program as a TAP stream for prove.
#
# usage: cmocka-tap.sh NAME   (runs ${P2PRIG_BUILD:-build/host}/tests/NAME)
#
# cmocka 1.1.5 writes a skipped test as "not ok N # SKIP name", which TAP
# counts as a failure; it is rewritten to "ok N - name # SKIP". The
# program's exit status is kept.
set -euo pipefail

name=$1
program=${P2PRIG_BUILD:-build/host}/tests/$name
if [[ ! -x $program ]]; then
	echo "Bail out! $program is not built (make -C harness unit-tests)"
	exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP "$program" 2>&1 |
	sed -E 's/^not ok ([0-9]+) # SKIP (.*)$/ok \1 - \2 # SKIP/'
