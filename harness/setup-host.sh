#!/usr/bin/env bash
# Install the host packages the rig needs (Debian), only those missing.
#
#   harness/setup-host.sh [--for run|cache|test|config|lab]
#
#   config   make menuconfig / NAME_defconfig: kconfig-frontends
#   cache    config, and what fills the virtual lab's cache: mmdebstrap for
#            the build root, kmod's depmod for the kernel, git for a kernel
#            built from source (its working copy and patch series)
#   run      a virtual-lab scenario, doctor or guest test on this machine:
#            cache, the runner's build, QEMU, busybox for the initramfs,
#            socat for the host agent
#   test     (default; "all" is the same) make test: run, plus the unit
#            tests' cmocka, prove, shellcheck, the report's gnuplot, the
#            browser test's Chromium and xmllint, and python3-jsonschema,
#            which validates p2prig kcidb's output against KCIDB's schema
#   lab      a lab machine (rig=host): config, the runner's build, fio, kmod
#            (the running kernel's headers are checked when the module builds)
#
# Everything for the guest comes from the build root in the cache instead.
# It prints one line when it installs something, with what and how long.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# A|B: either will do, A is installed when neither is. The -nox build of
# kconfig-frontends has conf and mconf without Qt, which cost a bare
# machine 38 s of apt.
CONFIG_PACKAGES=("kconfig-frontends-nox|kconfig-frontends")
# libnvme.pc requires openssl's .pc file (libssl-dev); pkgconf is pkg-config.
# libtracefs and libtraceevent read the dma trace in an instance of its own.
RUNNER_PACKAGES=(make gcc libc6-dev pkgconf libpci-dev libjson-c-dev libibverbs-dev
	libnvme-dev libssl-dev libtracefs-dev libtraceevent-dev jq)
CACHE_PACKAGES=("${CONFIG_PACKAGES[@]}" mmdebstrap kmod git)
RUN_PACKAGES=("${CACHE_PACKAGES[@]}" "${RUNNER_PACKAGES[@]}"
	qemu-system-x86 busybox-static cpio xz-utils zstd socat)
TEST_PACKAGES=("${RUN_PACKAGES[@]}" libcmocka-dev perl shellcheck
	gnuplot-nox chromium chromium-driver libxml2-utils)
# tests/host/44-kcidb.t: JSON Schema draft-07, by python3-jsonschema's jsonschema command.
TEST_PACKAGES+=(python3-jsonschema)
LAB_PACKAGES=("${CONFIG_PACKAGES[@]}" "${RUNNER_PACKAGES[@]}" kmod fio pciutils)

# Commands the scripts call by a name other than their package's.
CONFIG_COMMANDS=(kconfig-conf kconfig-mconf)
RUNNER_COMMANDS=(cc pkg-config)
CACHE_COMMANDS=("${CONFIG_COMMANDS[@]}" mmdebstrap depmod)
RUN_COMMANDS=("${CONFIG_COMMANDS[@]}" "${RUNNER_COMMANDS[@]}" qemu-system-x86_64 mmdebstrap depmod)
LAB_COMMANDS=("${CONFIG_COMMANDS[@]}" "${RUNNER_COMMANDS[@]}" insmod rmmod fio)

group="test"
case ${1:-} in
"") ;;
--for) group=${2:?usage: $0 [--for run|cache|test|config|lab]} ;;
*) die "usage: $0 [--for run|cache|test|config|lab]" ;;
esac
case $group in
all | test) packages=("${TEST_PACKAGES[@]}") commands=("${RUN_COMMANDS[@]}" prove) ;;
run) packages=("${RUN_PACKAGES[@]}") commands=("${RUN_COMMANDS[@]}") ;;
cache) packages=("${CACHE_PACKAGES[@]}") commands=("${CACHE_COMMANDS[@]}") ;;
config) packages=("${CONFIG_PACKAGES[@]}") commands=("${CONFIG_COMMANDS[@]}") ;;
lab) packages=("${LAB_PACKAGES[@]}") commands=("${LAB_COMMANDS[@]}") ;;
*) die "unknown package group '$group' (run, cache, test, config or lab)" ;;
esac

# One dpkg-query for them all: a front door asks on every run.
declare -A installed=()
all=()
for choice in "${packages[@]}"; do
	IFS='|' read -r -a alternatives <<<"$choice"
	all+=("${alternatives[@]}")
done
while read -r pkg state; do
	[[ $state != installed ]] || installed[${pkg%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${all[@]}" 2>/dev/null || true)
missing=()
for choice in "${packages[@]}"; do
	IFS='|' read -r -a alternatives <<<"$choice"
	for pkg in "${alternatives[@]}"; do
		[[ -z ${installed[$pkg]:-} ]] || continue 2
	done
	missing+=("${alternatives[0]}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
	t0=$(now_s)
	log "host packages for '$group': installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt_log=$(mktemp "${TMPDIR:-/tmp}/p2prig-apt.XXXXXX")
	# A front door installs in two rounds (session.sh): the second needs no
	# new package lists if the first just read them. Stale lists get one retry.
	# Another apt at work (unattended upgrades, a second front door) is
	# waited for, not an error.
	lock=(-o DPkg::Lock::Timeout=300)
	install=(apt-get -q "${lock[@]}" install -y --no-install-recommends
		-o Dpkg::Options::=--force-unsafe-io "${missing[@]}")
	fresh=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -n 1)
	if ! { { [[ -n $fresh ]] && "${install[@]}"; } ||
		{ apt-get -q "${lock[@]}" update && "${install[@]}"; }; } >"$apt_log" 2>&1; then
		tail -n 15 "$apt_log" >&2
		die "could not install ${missing[*]} (apt-get failed; whole log: $apt_log)"
	fi
	rm -f "$apt_log"
	log "host packages: ${#missing[@]} installed in $(elapsed "$t0") s"
fi
for cmd in "${commands[@]}"; do
	PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null || die "$cmd not found although its package is installed"
done
