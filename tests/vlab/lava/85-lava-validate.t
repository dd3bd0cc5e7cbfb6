#!/usr/bin/env bash
# LAVA's own checks of the rig's LAVA files, with Debian 12's lava-dispatcher
# in the LAVA root (lava/lava.sh makes it once in the rig cache): every job
# template renders and passes LAVA's job schema and lava-run --validate
# (the lab ones against the example lab host's dictionary), a broken job is
# refused naming its file, and the virtual-lab device dictionary passes
# LAVA's device schema and holds the PCIe tree the virtual lab's default
# config boots, device for device.
set -euo pipefail
# shellcheck source=tests/lib/lava.sh
source "$(dirname "$0")/../../lib/lava.sh"
lava_requires
tap_plan 7

work=$(mktemp -d "${TMPDIR:-/var/tmp}/p2prig-test-lava.XXXXXX")
trap 'rm -rf "$work"' EXIT

rc=0
"$LAVA" root >"$work/root.log" 2>&1 || rc=$?
sed 's/^/# /' "$work/root.log"
tap_is "the LAVA root is made (or was) in the rig cache" "$rc" 0
root=${P2PRIG_CACHE:-$HOME/.cache/p2prig}/lava-bookworm
tap_ok "... with lava-run and lava-server's qemu device type" \
	test -x "$root/usr/bin/lava-run" -a -r "$root/etc/lava-device-types/qemu.jinja2"

templates=("$TOP"/lava/jobs/*.yaml.jinja2 "$TOP"/tests/data/lava/*.yaml.jinja2)
rc=0
"$LAVA" validate "${templates[@]}" >"$work/validate.log" 2>&1 || rc=$?
sed 's/^/# /' "$work/validate.log"
tap_is "every job template validates (${#templates[@]})" "$rc" 0
tap_is "... each by LAVA's schema and lava-run --validate" \
	"$(grep -c 'schema and lava-run --validate.*: valid$' "$work/validate.log")" "${#templates[@]}"

# A job LAVA must refuse: the virtual-lab job with a boot method that
# does not exist.
sed 's/^    method: qemu$/    method: qemu-warp/' "$TOP/lava/jobs/vlab.yaml.jinja2" >"$work/broken.yaml.jinja2"
rc=0
"$LAVA" validate "$work/broken.yaml.jinja2" >"$work/broken.log" 2>&1 || rc=$?
sed 's/^/# /' "$work/broken.log"
# shellcheck disable=SC2016 # the inner script expands its arguments
tap_ok "a job with an unknown boot method: refused, naming the job" \
	bash -c '[[ $1 == 1 ]] && grep -qF "warning: $3: not valid" "$2"' _ "$rc" "$work/broken.log" "$work/broken.yaml.jinja2"

# The device: LAVA's device schema, then its QEMU devices against the
# virtual lab's, as the runner spells the default config's tree.
rc=0
"$LAVA" device "$work/device" >"$work/device.log" 2>&1 || rc=$?
sed 's/^/# /' "$work/device.log"
tap_is "the virtual-lab device dictionary renders and passes LAVA's device schema" "$rc" 0
# The config's values as the harness reads them (its scripts run the
# resolver outside errexit).
mapfile -t rig < <(bash -c 'source "$1/harness/lib/common.sh" && source "$1/harness/lib/rigconfig.sh" &&
	rig_config_resolve "$1/configs/vlab-switch-iommu_defconfig" "$2" >/dev/null &&
	printf "%s\n" "$RIG_VLAB_TREE" "$RIG_VLAB_NVME_COUNT" "$RIG_VLAB_NVME_NAMESPACES" "$RIG_VLAB_CMB_MB" \
		"$RIG_VLAB_IVSHMEM_MB" "$RIG_VLAB_IOMMU_DEVICE"' _ "$TOP" "$work/vlab.config")
make -s -C "$TOP/harness" BUILD="$TOP/build/host" >/dev/null
# The IOMMU first, as harness/vlab/boot.sh gives it, then the tree.
case ${rig[5]} in
intel-iommu) want=$'-device intel-iommu,intremap=on\n' ;;
*) want="(the test knows no IOMMU ${rig[5]})" ;;
esac
want+=$("$TOP/build/host/p2prig" topology-tree qemu "${rig[0]}" --nvme-count "${rig[1]}" --namespaces "${rig[2]}" \
	--cmb-mb "${rig[3]}" --ivshmem-mb "${rig[4]}" --scratch /srv/p2prig/work/scratch | paste -d' ' - -)
# The device's QEMU arguments as LAVA reads them: yq in the LAVA root.
got=$("$LAVA" in-root "$work/device" yq -r '.actions.boot.methods.qemu.parameters.extra[]' \
	/srv/p2prig/work/device.yaml |
	grep -E '^-(drive|object|device) ' | grep -vE 'virtio-9p')
tap_is "... its PCIe devices are the default config's tree (${rig[0]}), behind ${rig[5]}" \
	"$got" "$want"
tap_done
