#!/usr/bin/env bash
# Lab mode (make scenario=X rig=host), tested by making a virtual-lab guest
# the lab machine: its userspace has this checkout, the headers of the
# kernel it runs and the build tools, and tests/vlab/ops/lab-guest.sh runs the
# lab front door inside it as a lab engineer would, with
# configs/lab-vlab-guest_defconfig naming the guest's devices by
# vendor:device ID. It must build the module against the running kernel,
# load it, pass nvme-cmb and gpu-bar, refuse a config that names a missing
# device, a namespace not named scratch or mounted, an RDMA device the
# config does not name and a device its driver holds, and unload the module.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires
tap_plan 33

# The boot's watchdog is on the host's clock and catches a hang, not a slow
# machine: this one guest builds the module and runs two scenarios and six
# refusals under TCG, 560 s on an idle 2-core host and past the default
# 600 s on a loaded one. Three times that, or more if the caller says so.
watchdog=$((${P2PRIG_BOOT_TIMEOUT:-0} > 1800 ? P2PRIG_BOOT_TIMEOUT : 1800))
P2PRIG_BOOT_TIMEOUT=$watchdog run_guest_script tests/vlab/ops/lab-guest.sh vlab-rootport-iommu lab "lab script"
dir=$GUEST_DIR
lab=$dir/lab
# newest RUN: the results folder of the newest lab run of scenario RUN that
# ran (a refused one keeps only refused.txt and rig.config).
newest() { find "$lab" -mindepth 2 -maxdepth 2 -path "*-$1-*/result.json" -printf '%h\n' | sort | tail -n 1; }

tap_is "make lab-vlab-guest_defconfig" "${GUEST_CODE[defconfig]-}" 0
tap_is "make doctor (on the lab machine, no QEMU)" "${GUEST_CODE[doctor]-}" 0
tap_ok "... it found the pair and predicted a map type" \
	grep -qE 'map type|THRU_HOST_BRIDGE|BUS_ADDR' "$dir/lab-doctor.log"

nvme=$(newest nvme-cmb)
tap_is "make scenario=nvme-cmb rig=host: exit 0" "${GUEST_CODE[nvme_cmb]-}" 0
tap_ok "... built p2prig.ko against the running kernel's headers" \
	grep -q "build: p2prig.ko for $(jq -r .kernel "$nvme/result.json" 2>/dev/null)" "$dir/lab-nvme-cmb.log"
tap_is "... result.json: rig lab, both steps passed, the host's pass" \
	"$(jq -r '"\(.rig) \(.summary.passed) \(.summary.failed) \(.host.verdict)"' "$nvme/result.json")" "lab 2 0 pass"
tap_is "... the config's devices took the scenario's place (id= selectors kept: the same IDs)" \
	"$(grep -c '^provider cmb nvme-cmb id=1b36:0010 ' "$nvme/nvme-cmb")" 1
tap_is "... the module unloaded after the run" \
	"$(jq -r '.host.checks[] | select(.name == "module-unload") | .result' "$nvme/result.json")" pass
tap_ok "... KTAP and JUnit in the results folder" test -s "$nvme/ktap.txt" -a -s "$nvme/junit.xml"
tap_ok "... dmesg.txt holds the run's kernel log, judged clean" \
	bash -c "grep -q 'p2prig: begin scenario' '$nvme/dmesg.txt' && jq -e '.host.checks[] | select(.name == \"kernel-log\") | .result == \"pass\"' '$nvme/result.json' >/dev/null"
tap_ok "... the doctor ran first and its verdict is kept" test -s "$nvme/doctor.json"

bar=$(newest gpu-bar)
tap_is "harness/run-lab.sh gpu-bar: exit 4 (its RDMA steps skip: no RDMA device here)" "${GUEST_CODE[gpu_bar]-}" 4
tap_is "... all 6 transfer and dma-buf steps passed through ivshmem's BAR, nothing failed" \
	"$(jq -r '[.steps[] | select(.action == "transfer" or .action == "dmabuf") | .result] | "\(length) \(unique | join(","))"' "$bar/result.json") $(jq .summary.failed "$bar/result.json")" "6 pass 0"
tap_is "... the host oracle waived on a lab machine, said so, the CPU read-back checked" \
	"$(jq -r '[.steps[].expectations[]? | select(.expect == "oracle") | .detail | test("no host oracle on a lab machine")] | "\(length) \(all)"' "$bar/result.json")" "6 true"
tap_is "... the RDMA skips say why" \
	"$(jq -r '[.steps[] | select(.result == "skip") | .reason | test("RDMA device rxe0")] | "\(length) \(all)"' "$bar/result.json")" "3 true"
tap_is "... ivshmem handed to p2prig_bar for the run, and given back" "${GUEST_CODE[ivshmem_override]-}" 0

tap_is "soft-RoCE rxe0 on the guest's NIC, which the config does not name" "${GUEST_CODE[rxe_up]-}" 0
tap_is "... a scenario with verbs steps on it: refused, exit 2" "${GUEST_CODE[rdma_not_named]-}" 2
tap_ok "... naming the step, the device and the option" \
	grep -q "refused: step write-host uses RDMA device rxe0, which CONFIG_LAB_NIC does not name: it may carry someone else's traffic" "$dir/lab-rdma-not-named.log"
tap_ok "... before the module was built" bash -c "! grep -q 'build: p2prig.ko' '$dir/lab-rdma-not-named.log'"
tap_is "a config naming a missing device: refused, exit 2" "${GUEST_CODE[missing_device]-}" 2
tap_ok "... naming the option and the device" \
	grep -q 'refused: CONFIG_LAB_PROVIDER=dead:beef: no PCI function matches on this machine' "$dir/lab-missing-device.log"
tap_ok "... before the module was built" bash -c "! grep -q 'build: p2prig.ko' '$dir/lab-missing-device.log'"
tap_is "a scenario writing namespaces not named scratch: refused, exit 2" "${GUEST_CODE[not_scratch]-}" 2
tap_ok "... naming the namespace and the option" \
	grep -q 'refused: storage disk (p2prig0:1): the scenario writes to it, but CONFIG_LAB_SCRATCH_NAMESPACES does not name it' "$dir/lab-not-scratch.log"
tap_is "the scratch namespace p2prig0:1 given an ext4 file system and mounted" "${GUEST_CODE[mount_scratch]-}" 0
tap_is "... a scenario writing it, though the config names it scratch: refused, exit 2" "${GUEST_CODE[mounted]-}" 2
# The device is the one lab-guest.sh found by serial and nsid: the
# kernel's name for it is nobody's to assume.
scratch_dev=${GUEST_CODE[scratch_dev]-}
# shellcheck disable=SC2016 # the inner script expands its arguments
tap_ok "... naming the namespace, its device (${scratch_dev:-none recorded}) and the mount point" \
	bash -c '[[ $1 =~ ^/dev/nvme[0-9]+n[0-9]+$ ]] && grep -qF "refused: storage disk (p2prig0:1, $1): mounted (/tmp/scratch-mnt); unmount it first" "$2"' \
	_ "$scratch_dev" "$dir/lab-mounted.log"
tap_is "... and unmounted afterwards" "${GUEST_CODE[umount_scratch]-}" 0
tap_is "a bar provider its driver holds, without CONFIG_LAB_ALLOW_REBIND: refused, exit 2" "${GUEST_CODE[held_device]-}" 2
tap_ok "... naming the device, its driver and the option that would allow it" \
	grep -qE 'refused: CONFIG_LAB_BAR_PROVIDER: [0-9a-f:.]+ \([0-9a-f:]+\) is bound to virtio-pci; the run would take it from virtio-pci \(CONFIG_LAB_ALLOW_REBIND=y allows that' \
	"$dir/lab-held-device.log"
tap_is "nothing left loaded at the end" "${GUEST_CODE[module_left]-}" no
tap_done
