#!/usr/bin/env bash
# The module's own kselftest programs on the kernel the rig builds with the
# kernel's debug checkers on (src:7.3.4+debug: dma-debug, KASAN, lockdep,
# kmemleak, UBSAN): every ioctl's good path and bad input (uapi), the
# dma-buf exports (dmabuf), the BAR provider (bar) and the fault paths
# (faults) pass, the module unloads, and the kernel log stays clean under
# the checkers: anything they report in our module fails here.
#
# A debug guest takes minutes a program, so this is make test-debug's (the
# nightly's): every program by default, P2PRIG_DEBUG_KMOD_TESTS names fewer.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../lib/kmod.sh"
vlab_requires

KMOD_KERNEL=${P2PRIG_TEST_DEBUG_KERNEL:-src:7.3.4+debug}
for name in ${P2PRIG_DEBUG_KMOD_TESTS:-kmod-uapi kmod-dmabuf kmod-bar kmod-faults kmod-bench kmod-fuzz kmod-locks}; do
	kmod_run "$name" vlab-switch-iommu
done
kmod_print
