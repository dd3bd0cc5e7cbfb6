#!/usr/bin/env bash
# The module's map/unmap benchmark (tests/kmod/bench.c, on the kernel's
# kselftest harness) inside the virtual lab, on two rigs: the default
# (switch, intel-iommu translating: every method maps, iova-link too) and
# the same switch with the IOMMU in passthrough (iova-link is refused with
# -EOPNOTSUPP, the others still time). The figures the program prints
# (mean map and unmap ns per method) pass through as diagnostics; they are
# reported, never held to a limit.
# Each run's KTAP results pass through to prove, named with the rig,
# followed by one more test per rig: the guest finished, the module
# unloaded and the kernel log stayed clean.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

for config in vlab-switch-iommu vlab-switch-iommu-pt; do
	kmod_run kmod-bench "$config"
done
kmod_print
