# shellcheck shell=bash
# Shared by the LAVA tests: what they need, and lava/lava.sh's run of a job
# template on the virtual-lab device into a folder of the test's own.

# shellcheck source=tests/lib/vlab.sh
source "$(dirname "${BASH_SOURCE[0]}")/vlab.sh"
LAVA=$TOP/lava/lava.sh

lava_requires() {
	vlab_requires
	command -v unshare >/dev/null || tap_skip_all "unshare (util-linux) not installed"
	command -v mmdebstrap >/dev/null || [[ -x ${P2PRIG_CACHE:-$HOME/.cache/p2prig}/lava-bookworm/usr/bin/lava-run ]] ||
		tap_skip_all "no LAVA root and no mmdebstrap to make one (harness/setup-host.sh installs it)"
}

# lava_job TEMPLATE KEY=VALUE...: sets LAVA_RC, LAVA_OUT (the run's folder:
# lava-run.log, results.txt, results/ as the guest left it) and LAVA_VERDICT
# (the wrapper's last line); the wrapper's output shown.
# shellcheck disable=SC2034 # read by the test that sourced this file
lava_job() {
	local template=$1
	shift
	LAVA_OUT=$(mktemp -d "${TMPDIR:-/var/tmp}/p2prig-test-lava.XXXXXX")
	LAVA_RC=0
	"$LAVA" run "$template" "$LAVA_OUT" "$@" >"$LAVA_OUT/wrapper.log" 2>&1 || LAVA_RC=$?
	sed 's/^/# /' "$LAVA_OUT/wrapper.log"
	LAVA_VERDICT=$(grep '^verdict: ' "$LAVA_OUT/wrapper.log" | tail -n 1)
}

# lava_cases DEFINITION: "CASE RESULT" for each of the definition's test
# cases as lava-run reported them, sorted.
lava_cases() { awk -v d="$1" '$1 == d { print $2, $3 }' "$LAVA_OUT/results.txt" | sort; }
