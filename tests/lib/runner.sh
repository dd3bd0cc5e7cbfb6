# shellcheck shell=bash
# For host tests of the runner's own subcommands (p2prig ktap, junit,
# kcidb...): the built binary, a scratch folder removed on exit, and
# run_p2prig to keep what one call printed and returned. Source after tap.sh.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P2PRIG=${P2PRIG_BUILD:-$TOP/build/host}/p2prig
# The file's plan is printed last, so a missing binary bails out.
if [[ ! -x $P2PRIG ]]; then
	echo "Bail out! $P2PRIG is not built (make runner)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: p2prig's stdout, stderr and exit code into $tmp/NAME.{out,err,rc}.
run() {
	local name=$1 code=0
	shift
	"$P2PRIG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || code=$?
	echo "$code" >"$tmp/$name.rc"
}
