# shellcheck shell=bash
# A few TAP helpers for the bash tests that prove runs. Every check prints
# one `ok`/`not ok` line; a failed check shows what was expected and got.

TAP_N=0
TAP_FAILED=0

tap_plan() { echo "1..$1"; }

# tap_ok DESCRIPTION COMMAND...: passes when COMMAND exits 0.
tap_ok() {
	local desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if "$@"; then
		echo "ok $TAP_N - $desc"
	else
		echo "not ok $TAP_N - $desc"
		echo "#   command failed: $*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# tap_is DESCRIPTION GOT WANT
tap_is() {
	TAP_N=$((TAP_N + 1))
	if [[ $2 == "$3" ]]; then
		echo "ok $TAP_N - $1"
	else
		echo "not ok $TAP_N - $1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# tap_skip_all REASON: the whole file cannot run here, and says why.
tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# tap_skip DESCRIPTION REASON: one check this host cannot make, and why.
tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_done() { [[ $TAP_FAILED -eq 0 ]]; }
