#!/usr/bin/env bash
# The module's provider "bar" (tests/kmod/bar.c, on the kernel's kselftest
# harness) inside the virtual lab: ivshmem's 64 MiB BAR2 handed to
# p2prig_bar with driver_override, on two rigs: the default (switch,
# intel-iommu translating: mmio and resource move bytes through IOVAs;
# p2p-page and phys-vec hand out the bus address, which QEMU would fault
# on, so they are mapped and checked but move nothing) and the same switch
# with the IOMMU in passthrough (where every method moves bytes).
# Each run's KTAP results pass through to prove, named with the rig,
# followed by two more tests per rig: the guest finished, the module
# unloaded and the kernel log stayed clean; and the rmmod unbound the
# ivshmem that the tests left bound to p2prig_bar (every "published as
# p2pmem" has its "unpublished, unbinding", the last one after the tests).
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires

configs=(vlab-switch-iommu vlab-switch-iommu-pt)
results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
lines=()
for config in "${configs[@]}"; do
	rc=0
	mkdir -p "$results/$config"
	P2PRIG_RESULTS=$results/$config "$TOP/harness/run-guest-test.sh" kmod-bar \
		--config "$config" >"$results/$config.log" 2>&1 || rc=$?
	run_dir=$(find "$results/$config" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	ktap=${run_dir:+$run_dir/kmod-bar.ktap}
	sed "s/^/# $config: /" "$results/$config.log"

	# The program's own plan: tests it never reached count as missing, not passed.
	n=0
	if [[ -n $ktap && -s $ktap ]] && plan=$(grep -m1 -E '^1\.\.[0-9]+' "$ktap"); then
		n=${plan#1..}
	fi
	seen=0
	if [[ -n $ktap && -s $ktap ]]; then
		# Results renumbered later (N), the rig named before any directive;
		# the program's diagnostics stay, as comments.
		while IFS= read -r line; do
			lines+=("$line")
			[[ $line == \#* ]] || seen=$((seen + 1))
		done < <(sed -E -e '/^(K?TAP version|1\.\.[0-9]+)/d' \
			-e "s/^((not )?ok) [0-9]+ ([^#]*[^# ])( # .*)?\$/\1 N \3 [$config]\4/" "$ktap")
	fi
	for ((i = seen; i < n; i++)); do
		lines+=("not ok N - test $((i + 1)) of kmod-bar never reported [$config]")
	done
	if [[ $rc -eq 0 ]]; then
		lines+=("ok N - guest finished, p2prig unloaded, kernel log clean [$config]")
	else
		lines+=("not ok N - guest finished, p2prig unloaded, kernel log clean [$config] (run-guest-test exit $rc)")
	fi

	# The kernel log is kept after rmmod: the tests leave ivshmem bound, so
	# its last unbinding is the module's.
	dmesg=${run_dir:+$run_dir/dmesg.txt}
	bound=0 unbound=0 last=""
	if [[ -n $dmesg && -s $dmesg ]]; then
		bound=$(grep -c 'p2prig_bar: BAR[0-9].* published as p2pmem' "$dmesg" || true)
		unbound=$(grep -c 'p2prig_bar: BAR[0-9].* unpublished, unbinding' "$dmesg" || true)
		last=$(grep 'p2prig_bar: BAR[0-9]' "$dmesg" | tail -n 1 || true)
	fi
	if [[ $rc -eq 0 && $bound -gt 0 && $bound -eq $unbound && $last == *"unpublished, unbinding"* ]]; then
		lines+=("ok N - rmmod unbound ivshmem from p2prig_bar ($bound bindings, all undone) [$config]")
	else
		lines+=("not ok N - rmmod unbound ivshmem from p2prig_bar [$config] (bound $bound, unbound $unbound, last: ${last:-none})")
	fi
done

total=0
for line in "${lines[@]}"; do
	[[ $line == \#* ]] || total=$((total + 1))
done
echo "1..$total"
i=0
for line in "${lines[@]}"; do
	if [[ $line == \#* ]]; then
		printf '%s\n' "$line"
		continue
	fi
	i=$((i + 1))
	printf '%s\n' "${line/ N / $i }"
done
