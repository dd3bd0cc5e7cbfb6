#!/usr/bin/env bash
# Inside a virtual-lab guest (tests/vlab/topology/67): the PCIe tree the
# kernel enumerated, as `p2prig topology-tree paths` spells a tree: for
# each device under test (found by vendor:device, never by a kernel name
# or probe order), its host bridge's bus, then the PCI ID of each bridge
# from there down and its own; a root port's with +acs or -acs, whether
# its config space has an ACS capability. Written to /results/tree.paths,
# sorted; every bridge's extended capabilities to /results/bridges.txt;
# the count of devices and the host bridges to /results/tree.env.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
devices=/sys/bus/pci/devices
# virtio-net behind a port is virtio 1.0 only (1af4:1041); the rig's own
# NIC and 9p shares on pcie.0 are transitional (1af4:1000, 1af4:1009).
leaf_ids=" 1b36:0010 1234:11e8 1af4:1110 1af4:1041 "

pci_id() {
	local d=$devices/$1
	printf '%s:%s' "$(sed 's/^0x//' "$d/vendor")" "$(sed 's/^0x//' "$d/device")"
}

# ext_caps BDF: the IDs of the function's extended capabilities, in list order.
ext_caps() {
	local config=$devices/$1/config off=256 word caps=""
	while ((off)); do
		word=$(od -An -tu4 -j "$off" -N 4 "$config" 2>/dev/null | tr -d ' ')
		[[ -n $word && $word != 0 ]] || break
		caps+=" $(printf '%04x' $((word & 0xffff)))"
		off=$((word >> 20))
	done
	printf '%s' "${caps# }"
}

# path BDF: the device's path from its host bridge.
path() {
	local real part line root
	real=$(realpath "$devices/$1")
	root=${real#/sys/devices/pci}
	root=${root%%/*}
	line=${root#*:}
	local IFS=/
	for part in ${real#/sys/devices/pci"$root"/}; do
		line+=" $(pci_id "$part")"
		if [[ $(pci_id "$part") == 1b36:000c ]]; then
			if [[ " $(ext_caps "$part") " == *" 000d "* ]]; then line+=+acs; else line+=-acs; fi
		fi
	done
	printf '%s\n' "$line"
}

for dev in "$devices"/*; do
	bdf=${dev##*/}
	[[ $leaf_ids == *" $(pci_id "$bdf") "* ]] || continue
	path "$bdf"
done | sort >/results/tree.paths
for dev in "$devices"/*; do
	bdf=${dev##*/}
	[[ $(cat "$dev/class") == 0x0604* ]] || continue
	printf '%s %s ext caps: %s\n' "$bdf" "$(pci_id "$bdf")" "$(ext_caps "$bdf")"
done >/results/bridges.txt
{
	printf 'devices=%s\n' "$(wc -l </results/tree.paths)"
	printf 'host_bridges=%s\n' "$(for d in /sys/devices/pci*; do printf '%s ' "${d#/sys/devices/pci}"; done)"
} >/results/tree.env
echo "p2prig-tree: done"
