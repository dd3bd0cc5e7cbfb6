#!/usr/bin/env bash
# The module's uAPI test (tests/kmod/uapi.c, on the kernel's kselftest
# harness) inside the virtual lab on the default rig: every ioctl's good
# path and every bad input's errno. Its KTAP results pass through to prove,
# followed by one more test: the guest finished, the module unloaded and
# the kernel log stayed clean.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

kmod_run kmod-uapi vlab-switch-iommu
kmod_print
