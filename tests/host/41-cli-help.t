#!/usr/bin/env bash
# The runner's command line: p2prig --version names the uAPI it speaks (the
# header's P2PRIG_UAPI_VERSION), and every command of the overview answers
# COMMAND --help with its own usage on stdout and exit 0, without running.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh

p2prig=${P2PRIG_BUILD:-build/host}/p2prig
[[ -x $p2prig ]] || make -s runner >/dev/null

mapfile -t commands < <("$p2prig" --help | awk '/^$/ { body = 1; next } body { print $1 }')
tap_plan $((${#commands[@]} * 2 + 4))

uapi=$(awk '$2 == "P2PRIG_UAPI_VERSION" { print $3 }' kmod/include/uapi/p2prig.h)
version=$("$p2prig" --version)
tap_ok "--version: '$version' names uAPI $uapi" \
	grep -qxE "p2prig [^ ]+ \\(uAPI $uapi\\)" <<<"$version"
tap_ok "the overview lists the commands (${#commands[@]})" test "${#commands[@]}" -ge 12

for c in "${commands[@]}"; do
	out=$("$p2prig" "$c" --help) && rc=0 || rc=$?
	tap_is "$c --help exits 0" "$rc" 0
	tap_is "$c --help prints its usage first" "$(head -1 <<<"$out" | cut -d' ' -f1-3)" \
		"usage: p2prig $c"
done

rc=0
"$p2prig" no-such-command >/dev/null 2>&1 || rc=$?
tap_is "an unknown command exits 2" "$rc" 2
# --help after other arguments still only prints the usage: nothing runs.
out=$("$p2prig" run /nonexistent --out /nonexistent --help)
tap_is "run FILE --out DIR --help prints run's usage" "$(head -1 <<<"$out" | cut -d' ' -f1-3)" \
	"usage: p2prig run"
exit $((TAP_FAILED > 0))
