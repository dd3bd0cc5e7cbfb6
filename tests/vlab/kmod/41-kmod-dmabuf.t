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
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

for config in vlab-switch-iommu vlab-switch-iommu-pt; do
	kmod_run kmod-dmabuf "$config"
done
kmod_print
