#!/usr/bin/env bash
# Install the host packages the rig needs (Debian 12), only those missing.
# Everything for the guest comes from the build root in the cache instead.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

HOST_PACKAGES=(
	make gcc pkg-config libpci-dev libjson-c-dev libcmocka-dev libibverbs-dev libnvme-dev
	qemu-system-x86 debootstrap busybox-static cpio xz-utils
	perl jq shellcheck kconfig-frontends
	gnuplot-nox chromium chromium-driver socat
)

# Commands the scripts call by a name other than their package's.
HOST_COMMANDS=(kconfig-conf kconfig-mconf qemu-system-x86_64)

missing=()
for pkg in "${HOST_PACKAGES[@]}"; do
	dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null | grep -qx installed ||
		missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
	log "installing host packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update >/dev/null
	apt-get -q install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
for cmd in "${HOST_COMMANDS[@]}"; do
	command -v "$cmd" >/dev/null || die "$cmd not found although its package is installed"
done
