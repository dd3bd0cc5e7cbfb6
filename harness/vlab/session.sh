# shellcheck shell=bash
# What every virtual-lab run does before and after its boot, shared by
# run-scenario.sh (scenarios) and run-guest-test.sh (the module's own tests).

# shellcheck source=harness/vlab/boot.sh
source "$(dirname "${BASH_SOURCE[0]}")/boot.sh"

# vlab_build_host: host packages and the host runner (checks, summaries).
vlab_build_host() {
	"$P2PRIG_TOP/harness/setup-host.sh"
	make -s -C "$P2PRIG_TOP/harness" BUILD="$P2PRIG_TOP/build/host" >/dev/null
}

# vlab_build_guest VERSION [tests]: cache, then the module and the guest
# runner (and with "tests" the module's own tests, tests/kmod), built in the
# build root for that kernel.
vlab_build_guest() {
	ensure_vlab_cache "$1"
	log "build: p2prig.ko for $PIN_UNAME and the guest runner (in the build root)"
	in_buildroot make -s -C /rig/kmod KDIR="/usr/src/linux-headers-$PIN_UNAME" >/dev/null
	in_buildroot make -s -C /rig/harness BUILD=/rig/build/guest CC=gcc-14 >/dev/null
	[[ ${2:-} == tests ]] || return 0

	# Written against the kernel's own kselftest harness, from linux-source.
	local selftests
	selftests="$(ensure_linux_source_files "$1")/tools/testing/selftests"
	mkdir -p "$P2PRIG_TOP/build/kselftest"
	cp "$selftests"/kselftest.h "$selftests"/kselftest_harness.h "$P2PRIG_TOP/build/kselftest/"
	log "build: the module's tests (tests/kmod)"
	in_buildroot make -s -C /rig/tests/kmod BUILD=/rig/build/guest \
		KSELFTEST=/rig/build/kselftest CC=gcc-14 >/dev/null
}

# vlab_results_dir NAME: make and print a fresh results folder for NAME.
vlab_results_dir() {
	local out
	out="${P2PRIG_RESULTS:-$P2PRIG_TOP/results}/$(date -u +%Y%m%dT%H%M%SZ)-$1-$PIN_UNAME"
	mkdir -p "$out"
	printf '%s\n' "$out"
}

# vlab_verdict_outcome RESULTS: say how the guest ended; false unless "done".
vlab_verdict_outcome() {
	local out=$1
	printf '%s\n' "$VLAB_OUTCOME" >"$out/outcome"
	case $VLAB_OUTCOME in
	done) return 0 ;;
	panic | early-panic)
		echo "guest: kernel panic:"
		grep -a -m1 -A8 'Kernel panic' "$out/serial.log" | sed 's/^/  | /'
		;;
	hang) echo "guest: no progress within ${P2PRIG_BOOT_TIMEOUT}s; the watchdog stopped it" ;;
	*) echo "guest: stopped without finishing (see serial.log)" ;;
	esac
	return 1
}
