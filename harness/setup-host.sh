#!/usr/bin/env bash
# Install the host packages the rig needs (Debian), only those missing.
#
#   harness/setup-host.sh [--for all|config|lab]
#
#   all      (default) this machine runs the virtual lab and the tests:
#            the runner's build, QEMU and the build root's tools, the
#            report's gnuplot and the browser test's Chromium
#   config   only what make menuconfig / NAME_defconfig need
#   lab      a lab machine (rig=host): the runner's build, fio, kmod (the
#            running kernel's headers are checked when the module builds)
#
# Everything for the guest comes from the build root in the cache instead.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CONFIG_PACKAGES=(kconfig-frontends)
RUNNER_PACKAGES=(make gcc pkgconf libpci-dev libjson-c-dev libibverbs-dev libnvme-dev jq)
LAB_PACKAGES=("${CONFIG_PACKAGES[@]}" "${RUNNER_PACKAGES[@]}" kmod fio pciutils)
ALL_PACKAGES=("${CONFIG_PACKAGES[@]}" "${RUNNER_PACKAGES[@]}" libcmocka-dev
	qemu-system-x86 debootstrap busybox-static cpio xz-utils perl shellcheck
	gnuplot-nox chromium chromium-driver socat libxml2-utils)

# Commands the scripts call by a name other than their package's.
CONFIG_COMMANDS=(kconfig-conf kconfig-mconf)
LAB_COMMANDS=("${CONFIG_COMMANDS[@]}" insmod rmmod fio)
ALL_COMMANDS=("${CONFIG_COMMANDS[@]}" qemu-system-x86_64)

group=all
case ${1:-} in
"") ;;
--for) group=${2:?usage: $0 [--for all|config|lab]} ;;
*) die "usage: $0 [--for all|config|lab]" ;;
esac
case $group in
all) packages=("${ALL_PACKAGES[@]}") commands=("${ALL_COMMANDS[@]}") ;;
config) packages=("${CONFIG_PACKAGES[@]}") commands=("${CONFIG_COMMANDS[@]}") ;;
lab) packages=("${LAB_PACKAGES[@]}") commands=("${LAB_COMMANDS[@]}") ;;
*) die "unknown package group '$group' (all, config or lab)" ;;
esac

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null | grep -qx installed ||
		missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
	log "installing host packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update >/dev/null
	apt-get -q install -y --no-install-recommends "${missing[@]}" >/dev/null ||
		die "could not install ${missing[*]} (apt-get failed)"
fi
for cmd in "${commands[@]}"; do
	PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null || die "$cmd not found although its package is installed"
done
