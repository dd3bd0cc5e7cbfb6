#!/usr/bin/env bash
# CONFIG_VLAB_TREE on the host, no guest: every virtual-lab defconfig
# resolves to the tree boot.sh built for it before there was a tree (the
# switch and root-port choices are instances of it), and a bad tree is
# refused through the front door at the config's file:line with the
# tree's column and a reason, as is a tree without a device the
# scenario's provider or initiator needs (a bar provider: ivshmem), or
# without the NVMe controller (by serial) and namespace a storage line
# names, at the scenario's line: before anything is built, fetched or
# booted.
set -euo pipefail
# TOP, TAP and a KCONFIG_CONFIG that is never the developer's .config.
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
command -v kconfig-conf >/dev/null || tap_skip_all "kconfig-conf not installed (harness/setup-host.sh installs kconfig-frontends)"
"$TOP/build/host/p2prig" topology-tree --help >/dev/null 2>&1 ||
	tap_skip_all "no host runner with topology-tree in build/host (make runner)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=harness/lib/rigconfig.sh
source "$TOP/harness/lib/rigconfig.sh"

switch="rp(sw(nvme-cmb, edu, ivshmem))"
rootports="rp(nvme-cmb) rp(edu) rp(ivshmem)"
declare -A want_tree=(
	[vlab-switch-iommu]=$switch [vlab-switch-iommu-pt]=$switch [vlab-switch-iommu-pt-bigbar]=$switch
	[vlab-switch-noiommu]=$switch [vlab-swiotlb-force]=$switch [vlab-virtio-iommu]=$switch
	[vlab-rootport-iommu]=$rootports [vlab-rootport-intel-cpu]=$rootports
	[vlab-nvme-p2p]="rp(sw(nvme-cmb, nvme, edu, ivshmem))"
)

# Bad trees: name|the config (a printf format)|the message after "FILE:" (a regex).
head='# Help: x\nCONFIG_VLAB_TOPOLOGY_TREE=y\n'
bad_names=() bad_texts=() bad_wants=()
while IFS='|' read -r name text want; do
	bad_names+=("$name") bad_texts+=("$head$text") bad_wants+=("$want")
done <<CASES
unknown-device|CONFIG_VLAB_TREE="rp(sw(nvme-cmb, gpu))"\n|3: CONFIG_VLAB_TREE=rp\(sw\(nvme-cmb, gpu\)\): column 17: unknown device 'gpu': expected rp, sw, pxb, nvme-cmb, nvme, edu, ivshmem or virtio-net$
two-in-a-root-port|CONFIG_VLAB_TREE="rp(nvme-cmb, edu)"\n|3: CONFIG_VLAB_TREE=rp\(nvme-cmb, edu\): column 14: a root port holds one device or switch, e.g. rp\(edu\); this one holds 2$
pxb-in-a-port|CONFIG_VLAB_TREE="rp(nvme-cmb) rp(pxb(rp(edu)))"\n|3: CONFIG_VLAB_TREE=.*: column 17: a pxb is a host bridge of the root complex: it belongs at the top, not in rp$
nvme-count|CONFIG_VLAB_TREE="rp(nvme-cmb) rp(edu)"\nCONFIG_VLAB_NVME_COUNT=2\n|3: CONFIG_VLAB_TREE=.*: the tree has 1 NVMe controllers \(nvme-cmb and nvme\), CONFIG_VLAB_NVME_COUNT says 2$
CASES

# Good trees a scenario cannot run on: name|scenario (a name, or a file of
# $work)|the config after $head (a printf format)|the errors, one a line,
# "L:" for the scenario's line L (a printf format).
needs_cases=$(cat <<'CASES'
no-serial|nvme-p2p-copy|CONFIG_VLAB_TREE="rp(sw(nvme-cmb, edu, ivshmem))"\n|30: storage src names serial=p2prig1, which the rig's tree cannot give: its one NVMe controller (the nvme-cmb) is serial p2prig0 (no-serial: CONFIG_VLAB_TREE=rp(sw(nvme-cmb, edu, ivshmem)))\n31: storage dst names serial=p2prig1, which the rig's tree cannot give: its one NVMe controller (the nvme-cmb) is serial p2prig0 (no-serial: CONFIG_VLAB_TREE=rp(sw(nvme-cmb, edu, ivshmem)))
one-namespace|nvme-p2p-copy|CONFIG_VLAB_TREE="rp(sw(nvme-cmb, nvme, edu))"\nCONFIG_VLAB_NVME_COUNT=2\n|31: storage dst names nsid=2 of serial=p2prig1, which has 1 namespace (CONFIG_VLAB_NVME_NAMESPACES=1) (one-namespace: CONFIG_VLAB_TREE=rp(sw(nvme-cmb, nvme, edu)))
no-ivshmem|gpu-bar|CONFIG_VLAB_TREE="rp(nvme-cmb) rp(edu)"\n|27: the provider needs ivshmem (the virtual lab's bar provider), which the rig's tree lacks (no-ivshmem: CONFIG_VLAB_TREE=rp(nvme-cmb) rp(edu))
odd-storage|odd-storage|CONFIG_VLAB_TREE="rp(sw(nvme-cmb, nvme, edu))"\nCONFIG_VLAB_NVME_COUNT=2\nCONFIG_VLAB_NVME_NAMESPACES=2\n|2: storage cmbns names nsid=2 of serial=p2prig0, which has one namespace (the CMB controller's) (odd-storage: CONFIG_VLAB_TREE=rp(sw(nvme-cmb, nvme, edu)))\n3: storage other names serial=WD-123, which the virtual lab never gives: its 2 NVMe controllers (nvme-cmb and nvme) are serials p2prig0 to p2prig1 (odd-storage: CONFIG_VLAB_TREE=rp(sw(nvme-cmb, nvme, edu)))
CASES
)

tap_plan $((${#want_tree[@]} + 2 * ${#bad_names[@]} + 2 + 2 * $(wc -l <<<"$needs_cases") + 1))

for name in $(printf '%s\n' "${!want_tree[@]}" | sort); do
	rig_config_resolve "$TOP/configs/${name}_defconfig" /dev/null 2>"$work/errors" || true
	tap_is "$name: the tree of its old topology" "${RIG_VLAB_TREE:-}$(sed 's/^/: /' "$work/errors")" \
		"${want_tree[$name]}"
done

# Stand-ins for what a build, a fetch or a boot starts: each only says so.
mkdir -p "$work/stand-ins" "$work/results"
for tool in make cc gcc qemu-system-x86_64 mmdebstrap debootstrap; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 1\n' "$tool" "$work" >"$work/stand-ins/$tool"
	chmod +x "$work/stand-ins/$tool"
done
# untouched NAME OUTPUT: the result "NAME: before anything built, fetched or booted".
untouched() {
	# shellcheck disable=SC2016 # the inner script expands its arguments
	tap_ok "$1: before anything built, fetched or booted" \
		bash -c '[[ ! -e $1/called && ! -e $1/no-cache ]] && ! grep -q "boot:" <<<"$2" && [[ -z $(ls -A "$1/results") ]]' \
		_ "$work" "$2"
}
for i in "${!bad_names[@]}"; do
	name=${bad_names[i]}
	file=$work/bad-${name}_defconfig
	# shellcheck disable=SC2059 # the texts carry \n on purpose
	printf "${bad_texts[i]}" >"$file"
	rc=0
	out=$(PATH=$work/stand-ins:$PATH P2PRIG_CACHE=$work/no-cache P2PRIG_RESULTS=$work/results \
		"$TOP/harness/run-scenario.sh" nvme-cmb --config "$file" 2>&1) || rc=$?
	if ! tap_ok "$name: refused (exit $rc) at $(basename "$file"):${bad_wants[i]%%:*}: with the tree's column" \
		grep -qE "^${file//./\\.}:${bad_wants[i]}" <<<"$out"; then
		printf '#   | %s\n' "${out//$'\n'/$'\n'#   | }"
	fi
	untouched "$name" "$out"
done

# A good tree the scenario cannot run on: topo-switch-pt's initiator is edu.
file=$work/no-edu_defconfig
# shellcheck disable=SC2059 # $head carries \n on purpose
printf "${head}CONFIG_VLAB_TREE=\"rp(nvme-cmb) rp(ivshmem)\"\n" >"$file"
rc=0
out=$(PATH=$work/stand-ins:$PATH P2PRIG_CACHE=$work/no-cache P2PRIG_RESULTS=$work/results \
	"$TOP/harness/run-scenario.sh" topo-switch-pt --config "$file" 2>&1) || rc=$?
line=$(awk '$1 == "initiator" { print NR; exit }' "$TOP/scenarios/topo-switch-pt")
if ! tap_ok "a tree without edu: refused (exit $rc) at the scenario's initiator line" \
	grep -qxF "scenarios/topo-switch-pt:$line: the initiator needs edu, which the rig's tree lacks (no-edu: CONFIG_VLAB_TREE=rp(nvme-cmb) rp(ivshmem))" <<<"$out"; then
	printf '#   | %s\n' "${out//$'\n'/$'\n'#   | }"
fi
untouched "no-edu" "$out"

# A scenario of its own: storage on the CMB controller's missing second
# namespace, and on a serial no virtual-lab controller has.
printf '%s\n' 'provider   cmb    nvme-cmb  id=1b36:0010  size=1M' \
	'storage    cmbns  nvme  serial=p2prig0  nsid=2  scratch  # the CMB controller has one' \
	'storage    other  nvme  serial=WD-123  nsid=1  scratch' >"$work/odd-storage"
while IFS='|' read -r name scenario text want; do
	file=$work/${name}_defconfig
	# shellcheck disable=SC2059 # the texts carry \n on purpose
	printf "$head$text" >"$file"
	shown=scenarios/$scenario
	[[ ! -f $work/$scenario ]] || shown=$work/$scenario scenario=$work/$scenario
	rc=0
	out=$(PATH=$work/stand-ins:$PATH P2PRIG_CACHE=$work/no-cache P2PRIG_RESULTS=$work/results \
		"$TOP/harness/run-scenario.sh" "$scenario" --config "$file" 2>&1) || rc=$?
	# shellcheck disable=SC2059 # the wanted lines carry \n on purpose
	if ! tap_is "$name: refused (exit $rc) at the scenario's lines, every error and no other" \
		"$(grep -E "^${shown//./\\.}:" <<<"$out" || echo "none at $shown")" "$(printf "$want" | sed "s|^|$shown:|")"; then
		printf '#   | %s\n' "${out//$'\n'/$'\n'#   | }"
	fi
	untouched "$name" "$out"
done <<<"$needs_cases"

# Each scenario of scenarios/ on the rig its config line names (the
# default for none): nothing it needs is missing.
for scenario in "$TOP"/scenarios/*; do
	[[ $(basename "$scenario") != README.md ]] || continue
	RIG_ERRORS=()
	RIG_CONFIG_NAME=$(awk '$1 == "config" { print $2; exit }' "$scenario")
	if rig_config_resolve "$TOP/configs/${RIG_CONFIG_NAME:-$RIG_DEFAULT_CONFIG}_defconfig" /dev/null 2>"$work/errors"; then
		rig_check_needs "$scenario" "$TOP/build/host/p2prig"
	fi
	printf '%s %s\n' "$(basename "$scenario")" "${RIG_ERRORS[*]}$(cat "$work/errors")"
done >"$work/needs"
tap_is "every scenario's needs met by its own rig's tree" "$(grep -v '^[a-z0-9-]* $' "$work/needs" || echo none)" none
tap_done
