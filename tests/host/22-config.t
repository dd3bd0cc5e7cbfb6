#!/usr/bin/env bash
# Rig configuration (configs/Kconfig, harness/lib/rigconfig.sh), on the host:
# every defconfig loads, is minimal and describes the rig it names; broken
# configs are refused through the front door with file:line: and a reason,
# before anything is built, fetched or booted; the precedence
# config= > scenario's `config` line > .config > default holds; the make
# targets write .config only from a config that passed.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
command -v kconfig-conf >/dev/null || tap_skip_all "kconfig-conf not installed (harness/setup-host.sh installs kconfig-frontends)"

work=$(mktemp -d)
scratch_defconfig=$TOP/configs/zz-22-config-test_defconfig # for the make target, briefly
trap 'rm -rf "$work" "$scratch_defconfig"' EXIT
# Never the developer's .config: each check says which config it means.
export KCONFIG_CONFIG=$work/no-such-.config
# shellcheck source=harness/lib/rigconfig.sh
source "$TOP/harness/lib/rigconfig.sh"

# What each defconfig must describe (rig_topology_text).
switch="root port > switch: nvme (CMB 64 MiB), edu, ivshmem (64 MiB); virtio-net"
rootports="root ports: nvme (CMB 64 MiB), edu, ivshmem (64 MiB); virtio-net"
declare -A topology=(
	[vlab-switch-iommu]="q35, cpu max, intel-iommu translated, $switch"
	[vlab-switch-iommu-pt]="q35, cpu max, intel-iommu passthrough, $switch"
	[vlab-switch-iommu-pt-bigbar]="q35, cpu max, intel-iommu passthrough, ${switch/ivshmem (64 MiB)/ivshmem (8192 MiB)}"
	[vlab-switch-noiommu]="q35, cpu max, no IOMMU, $switch"
	[vlab-rootport-iommu]="q35, cpu EPYC, intel-iommu translated, $rootports"
	[vlab-rootport-intel-cpu]="q35, cpu max,vendor=GenuineIntel, intel-iommu translated, $rootports"
	[vlab-swiotlb-force]="q35, cpu max, no IOMMU, swiotlb=force, $switch"
	[vlab-nvme-p2p]="q35, cpu max, intel-iommu passthrough, root port > switch: nvme (CMB 64 MiB), nvme (2 namespaces of 128 MiB), edu, ivshmem (64 MiB); virtio-net; host clock; the build root's QEMU"
	[vlab-virtio-iommu]="q35, cpu max, virtio-iommu translated, $switch"
	[lab-mlx5-nvme]="lab: provider slot=0000:41:00.0, initiator slot=0000:c1:00.0, nic slot=0000:c1:00.0"
	[lab-vlab-guest]="lab: provider id=1b36:0010, initiator id=1234:11e8, bar provider id=1af4:1110"
)
mapfile -t names < <(rig_config_names)

# Broken configs, one a line: file name|contents (a printf format)|the
# message (a regex after "FILE:LINE: ") the front door must print.
bad_names=() bad_texts=() bad_wants=()
while IFS='|' read -r name text want; do
	bad_names+=("$name") bad_texts+=("$text") bad_wants+=("$want")
done <<CASES
unknown-symbol|# Help: x\nCONFIG_VLAB_CMB_SIZE=64\n|2: CONFIG_VLAB_CMB_SIZE=64: unknown option
cmb-3|# Help: x\n# the CMB\nCONFIG_VLAB_CMB_MB=3\n|3: CONFIG_VLAB_CMB_MB=3: the CMB size must be a power of two >= 2 MiB \(the nvme driver only publishes 2 MiB-aligned CMBs\)
cmb-1|# Help: x\nCONFIG_VLAB_CMB_MB=1\n|2: CONFIG_VLAB_CMB_MB=1: the CMB size must be a power of two >= 2 MiB
ivshmem-100|# Help: x\nCONFIG_VLAB_IVSHMEM_MB=100\n|2: CONFIG_VLAB_IVSHMEM_MB=100: the ivshmem size must be a power of two
size-not-a-number|# Help: x\nCONFIG_VLAB_CMB_MB=64M\n|2: CONFIG_VLAB_CMB_MB=64M: not a number
nvme-count-9|# Help: x\nCONFIG_VLAB_NVME_COUNT=9\n|2: CONFIG_VLAB_NVME_COUNT=9: out of range 1\.\.4
lab-without-provider|# Help: x\nCONFIG_RIG_LAB=y\nCONFIG_LAB_INITIATOR="15b3:101d"\n|2: CONFIG_RIG_LAB=y: a lab rig needs CONFIG_LAB_PROVIDER
lab-bad-address|# Help: x\nCONFIG_RIG_LAB=y\nCONFIG_LAB_PROVIDER="41:00"\nCONFIG_LAB_INITIATOR="15b3:101d"\n|3: CONFIG_LAB_PROVIDER=41:00: not a PCI address
empty||1: empty config
no-help-line|CONFIG_VLAB_IOMMU_PT=y\n|1: a defconfig starts with a line '# Help: 
swiotlb-translated|# Help: x\nCONFIG_VLAB_SWIOTLB_FORCE=y\n|2: CONFIG_VLAB_SWIOTLB_FORCE=y: swiotlb=force has no effect under a translating IOMMU
tree-without-path|# Help: x\nCONFIG_VLAB_KERNEL_FROM_TREE=y\n|2: CONFIG_VLAB_KERNEL_FROM_TREE=y: a kernel built from a local tree needs its path \(CONFIG_VLAB_KERNEL_TREE\)
two-iommu-modes|# Help: x\nCONFIG_VLAB_IOMMU_OFF=y\nCONFIG_VLAB_IOMMU_PT=y\n|3: CONFIG_VLAB_IOMMU_PT=y: "IOMMU mode" is already chosen by CONFIG_VLAB_IOMMU_OFF=y at line 2
vlab-option-in-lab|# Help: x\nCONFIG_RIG_LAB=y\nCONFIG_LAB_PROVIDER="0000:41:00.0"\nCONFIG_LAB_INITIATOR="15b3:101d"\nCONFIG_VLAB_CMB_MB=64\n|5: CONFIG_VLAB_CMB_MB=64: has no effect in this rig: it applies only with CONFIG_RIG_VLAB
computed-option|# Help: x\nCONFIG_VLAB_IOMMU="passthrough"\n|2: CONFIG_VLAB_IOMMU=passthrough: computed from the options before it
unquoted-string|# Help: x\nCONFIG_RUN_METHODS=mmio\n|2: CONFIG_RUN_METHODS=mmio: a text option needs double quotes
not-an-option-line|# Help: x\nVLAB_CMB_MB=64\n|2: expected CONFIG_NAME=VALUE
binary|# Help: x\nCONFIG_VLAB_CMB_MB=64\n\x1b[2J\x00\x01\n|3: not text: a control byte \(a config is a plain text file
CASES

tap_plan $((3 * ${#names[@]} + 1 + 3 * ${#bad_names[@]} + 3 + 4 + 3))

# --- every defconfig ----------------------------------------------------------
for name in "${names[@]}"; do
	file="$TOP/configs/${name}_defconfig"
	rc=0
	rig_config_resolve "$file" "$work/$name.resolved" 2>"$work/errors" || rc=$?
	tap_is "$name: loads and passes every check" "$rc$(sed 's/^/: /' "$work/errors")" 0
	tap_is "$name: topology line" "$(rig_topology_text)" "${topology[$name]:-(no expected line in this test)}"
	# Minimal: what savedefconfig writes back is the file without its comments.
	(cd "$work" && KCONFIG_CONFIG="$work/$name.resolved" kconfig-conf -s --savedefconfig="$work/$name.min" "$RIG_KCONFIG")
	tap_is "$name: savedefconfig-minimal" "$(grep -v '^#' "$file" | grep -v '^$' || true)" "$(cat "$work/$name.min")"
done
tap_is "the default rig is one of them" "$(rig_config_file "$RIG_DEFAULT_CONFIG")" \
	"$TOP/configs/${RIG_DEFAULT_CONFIG}_defconfig"

# --- broken configs, through the front door -----------------------------------
results=$work/results
mkdir -p "$results"
# Before anything built, fetched or booted: not timed on this machine's
# clock (a loaded CI host is slow), but seen. The front door runs with
# stand-ins for the tools a build, a fetch or a boot starts, each of which
# only writes its name to $work/called and fails, and with a cache folder
# that does not exist: a refusal leaves both absent.
mkdir -p "$work/stand-ins"
for tool in make cc gcc qemu-system-x86_64 mmdebstrap debootstrap; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 1\n' "$tool" "$work" >"$work/stand-ins/$tool"
	chmod +x "$work/stand-ins/$tool"
done
ms_now() { date +%s%3N; }
for i in "${!bad_names[@]}"; do
	name=${bad_names[i]}
	file="$work/bad-${name}_defconfig"
	# shellcheck disable=SC2059 # the texts carry \n on purpose
	printf "${bad_texts[i]}" >"$file"
	rc=0
	t0=$(ms_now)
	out=$(PATH=$work/stand-ins:$PATH P2PRIG_CACHE=$work/no-cache P2PRIG_RESULTS=$results \
		"$TOP/harness/run-scenario.sh" nvme-cmb --config "$file" 2>&1) || rc=$?
	ms=$(($(ms_now) - t0)) # shown, never judged
	tap_ok "$name: refused (exit $rc)" test "$rc" -ne 0
	if ! tap_ok "$name: file:line: reason" grep -qE "^${file//./\\.}:${bad_wants[i]}" <<<"$out"; then
		printf '#   | %s\n' "${out//$'\n'/$'\n'#   | }"
	fi
	# shellcheck disable=SC2016 # the inner script expands its arguments
	if ! tap_ok "$name: before anything built, fetched or booted (no build tool or QEMU started, no cache, no boot: line, no results; ${ms} ms)" \
		bash -c '[[ ! -e $1/called && ! -e $1/no-cache ]] && ! grep -q "boot:" <<<"$2" && [[ -z $(ls -A "$3") ]]' \
		_ "$work" "$out" "$results"; then
		sed 's/^/#   started: /' "$work/called" 2>/dev/null || echo "#   no tool started"
		rm -f "$work/called"
	fi
done

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" nvme-cmb --config no-such-rig 2>&1) || rc=$?
tap_ok "config=no-such-rig: refused" test "$rc" -ne 0
tap_ok "config=no-such-rig: named, with the known ones" \
	grep -q "unknown config 'no-such-rig' (known: .*vlab-switch-iommu" <<<"$out"
printf '# a scenario that names a rig\ndescribe x\nconfig no-such-rig\n' >"$work/named-scenario"
rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" "$work/named-scenario" 2>&1) || rc=$?
tap_ok "a scenario's unknown config: at its file:line" \
	grep -q "^$work/named-scenario:3: unknown config 'no-such-rig'" <<<"$out"

# --- precedence -----------------------------------------------------------------
printf 'describe x\nconfig vlab-virtio-iommu\n' >"$work/scenario-with-config"
printf 'describe x\n' >"$work/scenario-without-config"
cp "$TOP/configs/vlab-swiotlb-force_defconfig" "$work/dot-config"
chosen() {
	rig_config_select "$1" "$2" && echo "$RIG_CONFIG_NAME ($RIG_CONFIG_FROM)"
}
KCONFIG_CONFIG=$work/dot-config
tap_is "config= beats the scenario's line" \
	"$(chosen vlab-switch-noiommu "$work/scenario-with-config")" \
	"vlab-switch-noiommu (config= on the command line)"
tap_is "the scenario's line beats .config" \
	"$(chosen "" "$work/scenario-with-config")" \
	"vlab-virtio-iommu ($work/scenario-with-config:2)"
tap_is ".config beats the default" \
	"$(chosen "" "$work/scenario-without-config")" \
	"dot-config (this checkout's dot-config)"
KCONFIG_CONFIG=$work/no-such-.config
tap_is "the default without .config" \
	"$(chosen "" "$work/scenario-without-config")" \
	"vlab-switch-iommu (the default (no .config))"

# --- make targets ---------------------------------------------------------------
dot=$work/make.config
rc=0
KCONFIG_CONFIG=$dot make -s -C "$TOP" vlab-rootport-iommu_defconfig >/dev/null 2>&1 || rc=$?
# shellcheck disable=SC2016 # the inner script expands its arguments
tap_ok "make vlab-rootport-iommu_defconfig writes .config (KCONFIG_CONFIG)" \
	bash -c '[[ $1 == 0 ]] && grep -qx "CONFIG_VLAB_CPU=\"EPYC\"" "$2"' _ "$rc" "$dot"
cp "${file:?}" "$scratch_defconfig" # the last broken one
rc=0
out=$(KCONFIG_CONFIG=$dot make -s -C "$TOP" zz-22-config-test_defconfig 2>&1) || rc=$?
rm -f "$scratch_defconfig"
tap_ok "make BROKEN_defconfig fails" test "$rc" -ne 0
tap_ok "... and leaves .config as it was" grep -qx 'CONFIG_VLAB_CPU="EPYC"' "$dot"
tap_done
