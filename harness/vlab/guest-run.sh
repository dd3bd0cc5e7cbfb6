#!/bin/bash
# Runs inside the guest, chrooted into the build root: record what machine
# the guest sees, load the drivers and the module, run the scenario (or one
# of the module's own tests, or a command such as `p2prig doctor`), keep
# the kernel log, unload the module. /results/run.env, written by the host,
# says what to run.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# shellcheck source=/dev/null
source /results/run.env

# shellcheck source=harness/vlab/guest-rxe.sh
source "$(dirname "$0")/guest-rxe.sh"
say() { echo "p2prig: $*"; }
keep_logs() {
	# -r: each line keeps its priority ("<3>[    1.2] text"), which scan-log judges by.
	dmesg -r >/results/dmesg.txt 2>&1 || true
	[[ -r /sys/kernel/tracing/trace ]] && cp /sys/kernel/tracing/trace /results/trace.txt
	sync
}
trap keep_logs EXIT

# Builtins rather than uname, nproc and iproute2's ip: under TCG each
# program started over 9p costs 0.05-0.2 s. guest-init has brought lo up
# with busybox already; a guest started some other way gets it here.
read -r kernel_release </proc/sys/kernel/osrelease
cpus=0
while read -r key _; do
	[[ $key != processor ]] || cpus=$((cpus + 1))
done </proc/cpuinfo
say "guest up: kernel $kernel_release, $cpus cpu"
read -r lo_flags </sys/class/net/lo/flags
((lo_flags & 1)) || ip link set lo up

# A two-node run (vlab_boot_pair): the link NIC (P2PRIG_LINK_MAC) joins this
# guest to the other one, with soft-RoCE on top. run.env names this node
# and both addresses.
if [[ -n ${P2PRIG_NODE:-} ]]; then
	if link_nic=$(netdev_with_mac "${P2PRIG_LINK_MAC:?}"); then
		rxe_up "$link_nic" rxe-link "${P2PRIG_NODE_ADDR:?}"
		say "node $P2PRIG_NODE: $link_nic $P2PRIG_NODE_ADDR, peer ${P2PRIG_PEER_ADDR:?}, rxe-link on $link_nic"
	else
		say "node $P2PRIG_NODE: no NIC with the link's address $P2PRIG_LINK_MAC"
	fi
fi

# Soft-RoCE for one guest's rdma steps (or P2PRIG_RXE=yes, harness/bench-rdma.sh):
# rxe0 on the user-network NIC with QEMU's user-network guest address, so its GID table
# holds a RoCE v2 IPv4 entry; lo is up already, as rxe wants.
RXE_ADDR=10.0.2.15
bring_up_rxe0() {
	local i
	local nic
	nic=$(netdev_with_mac "${P2PRIG_USER_NET_MAC:?}") || {
		say "soft-RoCE: no NIC with the user network's address $P2PRIG_USER_NET_MAC"
		return 0
	}
	rxe_up "$nic" rxe0 "$RXE_ADDR"
	# The core fills the GID table from the address asynchronously.
	for ((i = 0; i < 50; i++)); do
		grep -qs "0000:0000:0000:0000:0000:ffff:" /sys/class/infiniband/rxe0/ports/1/gids/* && break
		sleep 0.1
	done
	say "soft-RoCE: rxe0 on $nic $RXE_ADDR, port $(cat /sys/class/infiniband/rxe0/ports/1/state 2>/dev/null || echo '?')"
}
scenario_has_rdma() {
	[[ -n ${P2PRIG_SCENARIO:-} ]] &&
		grep -Eq '^[[:space:]]*step[[:space:]]+[^[:space:]]+[[:space:]]+rdma([[:space:]]|$)' "/results/$P2PRIG_SCENARIO"
}
if [[ ${P2PRIG_RXE:-} == yes ]] || scenario_has_rdma; then
	bring_up_rxe0
fi

# What the guest really got, for the host to hold against the rig config:
# CPU vendor and family, IOMMU groups and the default domain type of the
# devices under test, swiotlb. Plain KEY=VALUE lines in /results/guest-facts.env.
record_facts() {
	local vendor="" family="" key value groups=0 dev vid did id type types="" swiotlb cmdline hexfamily
	# Shell builtins only: under TCG each process the guest starts costs
	# about 0.1 s of wall time.
	while IFS=: read -r key value; do
		case $key in
		vendor_id*) [[ -n $vendor ]] || vendor=${value# } ;;
		"cpu family"*) [[ -n $family ]] || family=${value# } ;;
		esac
		[[ -z $vendor || -z $family ]] || break
	done </proc/cpuinfo
	for dev in /sys/kernel/iommu_groups/*; do
		[[ ! -e $dev ]] || groups=$((groups + 1))
	done
	for dev in /sys/bus/pci/devices/*; do
		read -r vid <"$dev/vendor"
		read -r did <"$dev/device"
		case $vid:$did in
		0x1b36:0x0010) id=nvme ;;
		0x1234:0x11e8) id=edu ;;
		0x1af4:0x1110) id=ivshmem ;;
		*) continue ;;
		esac
		type=none
		[[ ! -r $dev/iommu_group/type ]] || read -r type <"$dev/iommu_group/type" || [[ -n $type ]] || type=none
		types+="${types:+ }$id=$type"
	done
	swiotlb=off
	read -r cmdline </proc/cmdline
	[[ " $cmdline " != *" swiotlb=force "* ]] || swiotlb=force
	printf '%s\n' "CPU_VENDOR=$vendor" "CPU_FAMILY=$family" "IOMMU_GROUPS=$groups" \
		"IOMMU_DOMAINS=$types" "SWIOTLB=$swiotlb" >/results/guest-facts.env
	printf -v hexfamily '0x%x' "$family"
	say "machine: cpu $vendor family $hexfamily, $groups iommu groups, domains: $types, swiotlb $swiotlb"
}
record_facts

# shellcheck source=harness/vlab/guest-checkers.sh
source "$(dirname "$0")/guest-checkers.sh" && checkers_begin # dma-debug: all errors

# The nvme driver publishes its CMB as p2pmem while it probes.
modprobe nvme
for ((i = 0; i < 50; i++)); do
	compgen -G '/sys/bus/pci/devices/*/p2pmem/published' >/dev/null && break
	sleep 0.1
done

# A run that only looks at the machine (doctor) goes on without the module
# when it did not build for this kernel.
if [[ ${P2PRIG_MODULE:-yes} == yes ]]; then
	# The module built for this kernel (run.env; the module's fault test
	# reloads it from there too).
	export P2PRIG_KO=${P2PRIG_KMOD_DIR:-/rig/kmod}/p2prig.ko
	# shellcheck disable=SC2086 # test knobs (tests/vlab): NAME=VALUE words
	insmod "$P2PRIG_KO" ${P2PRIG_KMOD_PARAMS:-}
	taint=""
	read -r taint 2>/dev/null </sys/module/p2prig/taint || true
	say "module loaded: $taint $(ls -l /dev/p2prig)"
fi

# Provider kind bar: p2prig_bar has no ID table, so each function a bar
# provider selects is handed to it (driver_override, drivers_probe), which
# publishes one of its BARs as p2pmem. The runner resolves the selectors
# the way the run will (libpci).
hand_bar_devices_to_module() {
	local bdf dev bdfs i
	# No /dev/fd in the chroot: no process substitution.
	bdfs=$(/rig/build/guest/p2prig bar-devices "/results/$P2PRIG_SCENARIO") ||
		say "bar providers: p2prig bar-devices failed; their steps will say why"
	for bdf in $bdfs; do
		dev=/sys/bus/pci/devices/$bdf
		[[ ! -e $dev/driver ]] || echo "$bdf" >"$dev/driver/unbind"
		echo p2prig_bar >"$dev/driver_override"
		echo "$bdf" >/sys/bus/pci/drivers_probe || true # probe errors: the wait says
		for ((i = 0; i < 50; i++)); do
			[[ -e $dev/p2pmem/published ]] && break
			sleep 0.1
		done
		if [[ -e $dev/p2pmem/published ]]; then
			say "bar provider: $bdf bound to p2prig_bar, its BAR published as p2pmem"
		else
			say "bar provider: $bdf: p2prig_bar published no BAR (dmesg says why)"
		fi
	done
}
if [[ ${P2PRIG_MODULE:-yes} == yes && -n ${P2PRIG_SCENARIO:-} && -z ${P2PRIG_GUEST_TEST:-} && -z ${P2PRIG_GUEST_CMD:-} ]]; then
	hand_bar_devices_to_module
fi

# Test knob (tests/vlab/ops/92, 90): P2PRIG_TRACE_WITNESS=marker plays someone
# else's trace in the global tracefs instance (tracing on, a smaller buffer,
# a marker in it; =dma a dma event on as well) and records that instance
# before and after the runner, which traces in an instance of its own and
# must leave the global one as it found it. Builtins only (TCG: every
# program started costs).
trace_witness() {
	local t=/sys/kernel/tracing f value ev marker=no line instances=""
	if [[ $1 == before && $P2PRIG_TRACE_WITNESS == dma ]]; then
		for ev in dma_map_phys dma_map_page; do
			[[ -w $t/events/dma/$ev/enable ]] || continue
			echo 1 >"$t/events/dma/$ev/enable"
			break
		done
	fi
	if [[ $1 == before ]]; then
		echo 512 >"$t/buffer_size_kb"
		echo 1 >"$t/tracing_on"
		echo p2prig-trace-witness >"$t/trace_marker"
	fi
	{
		for f in tracing_on buffer_size_kb current_tracer; do
			read -r value <"$t/$f"
			printf '%s=%s\n' "$f" "$value"
		done
		printf 'set_event='
		while read -r line; do printf '%s ' "$line"; done <"$t/set_event"
		printf '\n'
		for ev in "$t"/events/dma/*/enable; do
			read -r value <"$ev"
			f=${ev%/enable}
			printf 'enable %s=%s\n' "${f##*/}" "$value"
		done
		while read -r line; do
			[[ $line != *p2prig-trace-witness* ]] || marker=yes
		done <"$t/trace"
		printf 'marker=%s\n' "$marker"
		for f in "$t"/instances/*; do
			[[ ! -d $f ]] || instances+=" ${f##*/}"
		done
		printf 'instances=%s\n' "${instances# }"
	} >"/results/trace-witness-$1.txt"
}

# map-cost kernel-bench=: the runner runs the kernel's dma_map_benchmark through this.
export P2PRIG_DMA_BENCH=${0%/*}/guest-dma-bench.sh
run_scenario() {
	: "${P2PRIG_SCENARIO:?} ${P2PRIG_RIG:?} ${P2PRIG_TOPOLOGY:?}"
	runner=(/rig/build/guest/p2prig run "/results/$P2PRIG_SCENARIO" --out /results
		--rig "$P2PRIG_RIG" --topology "$P2PRIG_TOPOLOGY" --config "${P2PRIG_CONFIG:-}" ${P2PRIG_NODE:+--node "$P2PRIG_NODE" --peer "$P2PRIG_PEER_ADDR"}
		${P2PRIG_ORACLE_SEED:+--oracle-seed "$P2PRIG_ORACLE_SEED"})
	# Sets rc, the guest's verdict.
	rc=0
	case ${P2PRIG_INJECT:-} in
	"")
		[[ -z ${P2PRIG_TRACE_WITNESS:-} ]] || trace_witness before
		"${runner[@]}" || rc=$?
		[[ -z ${P2PRIG_TRACE_WITNESS:-} ]] || trace_witness after
		;;
	term)
		# Test knob (tests/vlab/ops/92): stop the runner with SIGTERM while its
		# tracefs instance is there; the instance must go with it.
		[[ -z ${P2PRIG_TRACE_WITNESS:-} ]] || trace_witness before
		"${runner[@]}" &
		runner_pid=$!
		while kill -0 "$runner_pid" 2>/dev/null &&
			! compgen -G "/sys/kernel/tracing/instances/p2prig-*" >/dev/null; do
			sleep 0.2
		done
		say "stopping the runner with SIGTERM (P2PRIG_INJECT=term)"
		kill -TERM "$runner_pid" 2>/dev/null || true
		wait "$runner_pid" || rc=$?
		[[ -z ${P2PRIG_TRACE_WITNESS:-} ]] || trace_witness after
		;;
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
	# The module's own tests (harness/run-guest-test.sh) print KTAP; the
	# fuzzer (kmod-fuzz) also writes its call count and histogram as JSON.
	say "guest test $P2PRIG_GUEST_TEST"
	# A replay: the seed and call count the host was given (kmod-fuzz).
	[[ -z ${P2PRIG_FUZZ_SEED:-} ]] || export P2PRIG_FUZZ_SEED
	[[ -z ${P2PRIG_FUZZ_CALLS:-} ]] || export P2PRIG_FUZZ_CALLS
	# The kselftest harness's filters (run-guest-test.sh --test-args), word split.
	read -ra test_args <<<"${P2PRIG_GUEST_TEST_ARGS:-}"
	P2PRIG_FUZZ_JSON=/results/fuzz.json "/rig/build/guest/tests/$P2PRIG_GUEST_TEST" "${test_args[@]}" \
		>"/results/$P2PRIG_GUEST_TEST.ktap" 2>&1 || rc=$?
elif [[ -n ${P2PRIG_GUEST_CMD:-} ]]; then
	# One command, its output kept for the host (harness/run-doctor.sh).
	say "guest command: $P2PRIG_GUEST_CMD"
	bash -c "$P2PRIG_GUEST_CMD" >/results/guest-cmd.out 2>&1 || rc=$?
else
	run_scenario
fi

# A clean unload is part of the verdict: the module must release everything.
if [[ ${P2PRIG_MODULE:-yes} == yes ]] && ! rmmod p2prig; then
	say "rmmod p2prig failed"
	[[ $rc -ne 0 ]] || rc=1
fi
checkers_end # dma-debug's error count, a kmemleak scan
echo "$rc" >/results/guest-exit
say "guest done: runner exit $rc"
