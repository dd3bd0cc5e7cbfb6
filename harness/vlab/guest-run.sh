#!/bin/bash
# Runs inside the guest, chrooted into the build root: load the drivers and
# the module, run the scenario (or one of the module's own tests), keep
# the kernel log, unload the module. /results/run.env, written by the host,
# says what to run.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# shellcheck source=/dev/null
source /results/run.env

say() { echo "p2prig: $*"; }
keep_logs() {
	dmesg >/results/dmesg.txt 2>&1 || true
	[[ -r /sys/kernel/tracing/trace ]] && cp /sys/kernel/tracing/trace /results/trace.txt
	sync
}
trap keep_logs EXIT

say "guest up: kernel $(uname -r), $(nproc) cpu"
ip link set lo up

# The nvme driver publishes its CMB as p2pmem while it probes.
modprobe nvme
for _ in $(seq 50); do
	compgen -G '/sys/bus/pci/devices/*/p2pmem/published' >/dev/null && break
	sleep 0.1
done

insmod /rig/kmod/p2prig.ko
say "module loaded: $(cat /sys/module/p2prig/taint 2>/dev/null || true) $(ls -l /dev/p2prig)"

run_scenario() {
	: "${P2PRIG_SCENARIO:?} ${P2PRIG_RIG:?} ${P2PRIG_TOPOLOGY:?}"
	runner=(/rig/build/guest/p2prig run "/results/$P2PRIG_SCENARIO" --out /results
		--rig "$P2PRIG_RIG" --topology "$P2PRIG_TOPOLOGY")
	# Sets rc, the guest's verdict.
	rc=0
	case ${P2PRIG_INJECT:-} in
	"") "${runner[@]}" || rc=$? ;;
	panic | hang)
		# Test knob: break the guest once the first step is on record, to prove
		# that the host keeps what was finished and reports the failure.
		"${runner[@]}" &
		runner_pid=$!
		# Poll rarely and without forks: under -icount every guest instruction
		# is virtual time that edu's timers would otherwise skip.
		until [[ -r /results/ktap.txt && $(</results/ktap.txt) =~ (^|$'\n')(not )?ok\ 1\  ]]; do
			sleep 2
		done
		say "injecting a $P2PRIG_INJECT after step 1 (P2PRIG_INJECT)"
		sync
		if [[ $P2PRIG_INJECT == panic ]]; then
			echo c >/proc/sysrq-trigger
		else
			kill -STOP "$runner_pid"
			sleep infinity
		fi
		;;
	*)
		say "unknown P2PRIG_INJECT=$P2PRIG_INJECT"
		exit 1
		;;
	esac
}

rc=0
if [[ -n ${P2PRIG_GUEST_TEST:-} ]]; then
	# The module's own tests (harness/run-guest-test.sh) print KTAP.
	say "guest test $P2PRIG_GUEST_TEST"
	"/rig/build/guest/tests/$P2PRIG_GUEST_TEST" >"/results/$P2PRIG_GUEST_TEST.ktap" 2>&1 || rc=$?
else
	run_scenario
fi

# A clean unload is part of the verdict: the module must release everything.
if ! rmmod p2prig; then
	say "rmmod p2prig failed"
	[[ $rc -ne 0 ]] || rc=1
fi
echo "$rc" >/results/guest-exit
say "guest done: runner exit $rc"
