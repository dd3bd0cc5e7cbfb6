#!/usr/bin/env bash
# The module's dma-buf exporter and importer (tests/kmod/dmabuf.c, on the
# kernel's kselftest harness) inside the virtual lab, on two rigs: the
# default (switch, intel-iommu translating: mmio and resource move bytes
# through IOVAs; phys-vec and vfio-pci's export hand out the bus address,
# which QEMU would fault on, so they are mapped and checked but move
# nothing) and the same switch with the IOMMU in passthrough (where they
# move bytes at the bus address).
# Each run's KTAP results pass through to prove, named with the rig,
# followed by one more test per rig: the guest finished, the module
# unloaded and the kernel log stayed clean.
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
	P2PRIG_RESULTS=$results/$config "$TOP/harness/run-guest-test.sh" kmod-dmabuf \
		--config "$config" >"$results/$config.log" 2>&1 || rc=$?
	run_dir=$(find "$results/$config" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	ktap=${run_dir:+$run_dir/kmod-dmabuf.ktap}
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
		lines+=("not ok N - test $((i + 1)) of kmod-dmabuf never reported [$config]")
	done
	if [[ $rc -eq 0 ]]; then
		lines+=("ok N - guest finished, p2prig unloaded, kernel log clean [$config]")
	else
		lines+=("not ok N - guest finished, p2prig unloaded, kernel log clean [$config] (run-guest-test exit $rc)")
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
