#!/usr/bin/env bash
# A tree the two old topologies could not say (tree-nested-pxb.config here:
# a switch under a switch, a virtio-net leaf, an expander host bridge with
# an ACS-less root port) is the tree the guest's kernel enumerates: each
# device's path of PCI IDs from its host bridge, read from sysfs by
# vendor:device (tests/vlab/topology/tree-guest.sh), is the path `p2prig
# topology-tree paths` gives for the config's tree. Under both QEMUs the
# rig runs: the host's (bookworm's 7.2) and the build root's (trixie's 10.0).
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires
tap_plan 18

host_config=$TOP/tests/vlab/topology/tree-nested-pxb.config
tree=$(sed -n 's/^CONFIG_VLAB_TREE="\(.*\)"$/\1/p' "$host_config")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The same rig, QEMU from the build root.
buildroot_config=$scratch/tree-nested-pxb-buildroot-qemu.config
{ cat "$host_config"; echo CONFIG_VLAB_QEMU_BUILDROOT=y; } >"$buildroot_config"

for config in "$host_config" "$buildroot_config"; do
	qemu=host
	[[ $config != "$buildroot_config" ]] || qemu="build root"
	run_guest_script tests/vlab/topology/tree-guest.sh "$config" tree "tree script ($qemu QEMU)"
	got=$(cat "$GUEST_DIR/tree.paths")
	# The front door has built the host's runner by now.
	want=$("$TOP/build/host/p2prig" topology-tree paths "$tree" | sort)
	sed 's/^/# bridge: /' "$GUEST_DIR/bridges.txt"
	tap_is "$qemu QEMU: every device of $tree, by its path from its host bridge" "$got" "$want"
	tap_is "... five devices under test" "${GUEST_CODE[devices]-}" 5
	tap_ok "... the CMB's NVMe under two switches (two upstream ports between it and the root port)" \
		grep -qx '00 1b36:000c+acs 104c:8232 104c:8233 104c:8232 104c:8233 1b36:0010' <<<"$got"
	tap_ok "... and edu0 beside it, under the same inner switch" \
		grep -qx '00 1b36:000c+acs 104c:8232 104c:8233 104c:8232 104c:8233 1234:11e8' <<<"$got"
	tap_ok "... ivshmem on the outer switch" \
		grep -qx '00 1b36:000c+acs 104c:8232 104c:8233 1af4:1110' <<<"$got"
	tap_ok "... and the virtio-net NIC on the outer switch's next port" \
		grep -qx '00 1b36:000c+acs 104c:8232 104c:8233 1af4:1041' <<<"$got"
	tap_ok "... the second edu behind the expander's root port, which has no ACS capability" \
		grep -qx '09 1b36:000c-acs 1234:11e8' <<<"$got"
	tap_is "... two host bridges: q35's and the expander's, whose buses start at 9" \
		"${GUEST_CODE[host_bridges]-}" "0000:00 0000:09 "

done
tap_done
