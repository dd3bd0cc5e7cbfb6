#!/usr/bin/env bash
# The module's own kselftest programs on the kernel the rig builds with the
# kernel's debug checkers on (src:7.3.4+debug: dma-debug, KASAN, lockdep,
# kmemleak, UBSAN): every ioctl's good path and bad input (uapi), the
# dma-buf exports (dmabuf), the BAR provider (bar) and the fault paths
# (faults) pass, the module unloads, and the kernel log stays clean under
# the checkers: anything they report in our module fails here. The
# benchmark and the fuzzer run on this kernel in the nightly.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../lib/kmod.sh"
vlab_requires

KMOD_KERNEL=${P2PRIG_TEST_DEBUG_KERNEL:-src:7.3.4+debug}
for name in kmod-uapi kmod-dmabuf kmod-bar kmod-faults; do
	kmod_run "$name" vlab-switch-iommu
done
kmod_print
