# shellcheck shell=bash
# The virtual lab's cache, outside the clone: the pinned guest kernel's
# packages and a Debian trixie build root that both builds the module and
# runner and serves as the guest's userspace.
#
# Every entry carries a stamp naming what it was made from; an entry whose
# stamp does not match the recipe in this checkout is rebuilt, never reused.

# shellcheck source=harness/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

BUILDROOT_SUITE=trixie
# gcc-14 and pahole as the kernel was built with; the rest is the guest's
# userspace and the runner's build dependencies.
BUILDROOT_PACKAGES=(
	gcc-14 make libc6-dev dwarves kmod bc libelf1t64 libssl3t64 zlib1g
	pkgconf libpci-dev pciutils libjson-c-dev libnvme-dev nvme-cli
	rdma-core ibverbs-utils rdmacm-utils perftest libibverbs-dev librdmacm-dev
	fio iproute2 procps util-linux
	# Lab mode inside a guest (tests/vlab/95): the guest is the lab machine and
	# builds the runner and the module itself, as a lab machine does, and a
	# namespace with a file system mounted on it must be refused (e2fsprogs).
	gcc jq kconfig-frontends e2fsprogs
	# The virtual lab's QEMU when a rig asks for the newer one (CONFIG_VLAB_QEMU).
	qemu-system-x86
)
BUILDROOT="$P2PRIG_CACHE/buildroot-$BUILDROOT_SUITE"

cache_lock() {
	mkdir -p "$P2PRIG_CACHE"
	exec {P2PRIG_LOCK_FD}>"$P2PRIG_CACHE/.lock"
	flock "$P2PRIG_LOCK_FD"
}

buildroot_recipe() {
	printf 'suite=%s\nmirror-independent\npackages=%s\nrecipe=2\n' \
		"$BUILDROOT_SUITE" "${BUILDROOT_PACKAGES[*]}"
}

# Make (or verify) the trixie build root.
ensure_buildroot() {
	local want have
	want=$(buildroot_recipe | sha256sum | cut -d' ' -f1)
	have=$(cat "$BUILDROOT/.p2prig-recipe" 2>/dev/null || true)
	if [[ $have == "$want" && -x $BUILDROOT/usr/bin/gcc-14 ]]; then
		log "build root: $BUILDROOT (cached, recipe ${want:0:12})"
		return
	fi
	[[ -z $have ]] || log "build root: recipe changed (${have:0:12} -> ${want:0:12}), rebuilding"
	local t0 tmp="$BUILDROOT.tmp" mirror
	t0=$(now_s)
	mirror=$(debian_mirror)
	rm -rf "$tmp"
	log "build root: debootstrap $BUILDROOT_SUITE (${#BUILDROOT_PACKAGES[@]} packages)"
	local incl
	incl=$(IFS=,; printf '%s' "${BUILDROOT_PACKAGES[*]}")
	if ! debootstrap --variant=minbase --include="$incl" \
		"$BUILDROOT_SUITE" "$tmp" "$mirror" >"$P2PRIG_CACHE/debootstrap.log" 2>&1; then
		tail -n 20 "$P2PRIG_CACHE/debootstrap.log" >&2
		die "debootstrap failed; full log: $P2PRIG_CACHE/debootstrap.log"
	fi
	# Mount points the guest needs inside its read-only root.
	mkdir -p "$tmp/rig" "$tmp/results"
	printf '%s\n' "$want" >"$tmp/.p2prig-recipe"
	rm -rf "$BUILDROOT"
	mv "$tmp" "$BUILDROOT"
	log "build root: ready in $(elapsed "$t0") s"
}

# Download the pinned kernel packages and check every checksum.
fetch_kernel() {
	local ver=$1 dir n=0 name sum deb t0
	load_kernel_pin "$ver"
	dir="$P2PRIG_CACHE/kernels/$PIN_UNAME"
	mkdir -p "$dir"
	t0=$(now_s)
	local updated=no
	for var in "${!PIN_PKG_@}"; do
		read -r name sum <<<"${!var}"
		deb="$dir/${name}_${PIN_VERSION}_amd64.deb"
		[[ $name == *-common ]] && deb="$dir/${name}_${PIN_VERSION}_all.deb"
		if [[ ! -s $deb ]]; then
			if [[ $updated == no ]]; then
				log "kernel $PIN_UNAME: reading $PIN_SUITE package lists"
				apt_private "$PIN_SUITE" update >/dev/null
				updated=yes
			fi
			log "kernel $PIN_UNAME: downloading $name"
			(cd "$dir" && apt_private "$PIN_SUITE" download "$name=$PIN_VERSION" >/dev/null) ||
				die "cannot download $name=$PIN_VERSION from $PIN_SUITE: the pin may be stale (harness/vlab/pin-kernel.sh)"
			deb=$(ls "$dir/${name}_"*.deb)
		fi
		if ! printf '%s  %s\n' "$sum" "$deb" | sha256sum --quiet -c - >/dev/null 2>&1; then
			rm -f "$deb"
			die "checksum mismatch for $(basename "$deb") (pinned $sum); deleted, rerun to fetch again"
		fi
		n=$((n + 1))
	done
	log "kernel $PIN_UNAME: $n packages verified in $(elapsed "$t0") s"
}

# Unpack the kernel into the build root (image, modules, headers, kbuild),
# so the root builds modules for it and the guest can modprobe from it.
install_kernel() {
	local ver=$1 dir stamp want
	load_kernel_pin "$ver"
	dir="$P2PRIG_CACHE/kernels/$PIN_UNAME"
	stamp="$BUILDROOT/.p2prig-kernel-$PIN_UNAME"
	want=$(grep '^PKG_' "$(kernel_pin_file "$ver")" | sha256sum | cut -d' ' -f1)
	if [[ $(cat "$stamp" 2>/dev/null || true) == "$want" &&
		-r $BUILDROOT/usr/lib/modules/$PIN_UNAME/modules.dep ]]; then
		return
	fi
	log "kernel $PIN_UNAME: unpacking into the build root"
	local deb
	for deb in "$dir"/*.deb; do
		dpkg -x "$deb" "$BUILDROOT"
	done
	chroot "$BUILDROOT" depmod -a "$PIN_UNAME"
	printf '%s\n' "$want" >"$stamp"
}

# Everything a vlab boot needs for kernel VER; prints nothing else.
ensure_vlab_cache() {
	local ver=$1
	cache_lock
	fetch_kernel "$ver"
	ensure_buildroot
	install_kernel "$ver"
}

# in_buildroot CMD...: run CMD inside the build root with this checkout at
# /rig (writable, for build outputs) and /proc mounted (objtool needs it).
# A private mount namespace undoes the mounts when CMD ends.
in_buildroot() {
	# shellcheck disable=SC2016 # the inner script expands its own arguments
	unshare --mount --propagation private -- bash -euo pipefail -c '
		root=$1 top=$2
		shift 2
		mount --bind "$top" "$root/rig"
		mount -t proc proc "$root/proc"
		mount -t tmpfs tmp "$root/tmp"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 "$@"
	' in_buildroot "$BUILDROOT" "$P2PRIG_TOP" "$@"
}

# Files the rig takes from the pinned kernel's source (Debian ships them
# only in linux-source): checkpatch.pl with the two files it reads, and the
# kselftest harness the module's uAPI test is written against.
LINUX_SOURCE_FILES=(
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	tools/testing/selftests/kselftest_harness.h tools/testing/selftests/kselftest.h
)

# ensure_linux_source_files [VERSION]: print the folder that holds them.
ensure_linux_source_files() {
	local ver=${1:-7.3.4} dir want
	load_kernel_pin "$ver"
	dir="$P2PRIG_CACHE/linux-source-files-${PIN_VERSION}"
	want=$(printf '%s\n' "${LINUX_SOURCE_FILES[@]}" | sha256sum | cut -c1-16)
	if [[ $(cat "$dir/.p2prig-recipe" 2>/dev/null || true) == "$want" ]]; then
		printf '%s\n' "$dir"
		return
	fi
	local src="linux-source-${ver%.*}" tmp
	tmp=$(mktemp -d)
	log "linux-source: fetching $src=$PIN_VERSION for checkpatch and kselftest" >&2
	apt_private "$PIN_SUITE" update >/dev/null
	(cd "$tmp" && apt_private "$PIN_SUITE" download "$src=$PIN_VERSION" >/dev/null) ||
		die "cannot download $src=$PIN_VERSION"
	dpkg-deb --fsys-tarfile "$tmp"/"$src"_*.deb |
		tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz'
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xJf "$tmp"/usr/src/"$src".tar.xz -C "$dir.tmp" --strip-components=1 \
		"${LINUX_SOURCE_FILES[@]/#/$src/}"
	printf '%s\n' "$want" >"$dir.tmp/.p2prig-recipe"
	rm -rf "$tmp" "$dir"
	mv "$dir.tmp" "$dir"
	printf '%s\n' "$dir"
}

ensure_checkpatch() {
	local dir
	dir=$(ensure_linux_source_files "$@")
	printf '%s\n' "$dir/scripts/checkpatch.pl"
}
