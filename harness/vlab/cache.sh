# shellcheck shell=bash
# The virtual lab's cache, outside the clone: the pinned guest kernel's
# packages and a Debian trixie build root that both builds the module and
# runner and serves as the guest's userspace.
#
# Every entry carries a stamp naming what it was made from; an entry whose
# stamp does not match the recipe in this checkout is rebuilt, never reused.

# shellcheck source=harness/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=harness/vlab/kbuild.sh
source "$(dirname "${BASH_SOURCE[0]}")/kbuild.sh"

BUILDROOT_SUITE=trixie
# What every run needs: gcc-14 and pahole as the kernel was built with, the
# guest's userspace and the runner's build dependencies.
BUILDROOT_PACKAGES=(
	gcc-14 make libc6-dev dwarves kmod bc libelf1t64 libssl3t64 zlib1g
	pkgconf libpci-dev pciutils libjson-c-dev libnvme-dev nvme-cli libtracefs-dev libtraceevent-dev
	rdma-core ibverbs-utils rdmacm-utils perftest libibverbs-dev librdmacm-dev
	fio iproute2 procps util-linux
)
# What only some runs need, installed on top of the root when first asked
# for, so a fresh machine's first scenario does not wait for them.
declare -A BUILDROOT_LAYERS=(
	# The virtual lab's QEMU when a rig asks for the newer one
	# (CONFIG_VLAB_QEMU=buildroot: the storage rigs).
	[qemu]="qemu-system-x86"
	# Lab mode inside a guest (tests/vlab/ops/95): the guest is the lab machine
	# and builds the runner and the module itself, as a lab machine does, and
	# a namespace with a file system mounted on it must be refused.
	[lab]="gcc jq kconfig-frontends-nox e2fsprogs"
	# The kernel under test built from source (harness/vlab/kbuild.sh): what
	# kbuild needs beyond the root's gcc-14, make and bc, and ccache.
	[kbuild]="flex bison libelf-dev libssl-dev ccache cpio xz-utils"
)
BUILDROOT="$P2PRIG_CACHE/buildroot-$BUILDROOT_SUITE"

# cache_lock -s|-x: the cache's lock, held to the end of the process. A run
# shares it from its check of the cache on, so nothing is remade under a
# guest that uses it; a run that has something to make holds it alone
# while it does (waiting for the guests that run), then shares it again.
cache_lock() {
	mkdir -p "$P2PRIG_CACHE"
	[[ -n ${P2PRIG_LOCK_FD:-} ]] || exec {P2PRIG_LOCK_FD}>"$P2PRIG_CACHE/.lock"
	flock "$1" "$P2PRIG_LOCK_FD"
}

# cache_mmdebstrap SUITE TMP LOG PACKAGE... [-- MMDEBSTRAP_OPTION...]: a
# minbase SUITE root in TMP (made anew) from this machine's Debian archive
# with PACKAGE... and what they need, mmdebstrap's output in LOG; dies,
# leaving no TMP, when mmdebstrap fails. The build root and the LAVA root.
cache_mmdebstrap() {
	local suite=$1 tmp=$2 logfile=$3 mirror incl
	shift 3
	local packages=()
	while [[ $# -gt 0 && $1 != -- ]]; do packages+=("$1") && shift; done
	[[ $# -eq 0 ]] || shift
	mirror=$(debian_mirror)
	incl=$(IFS=,; printf '%s' "${packages[*]}")
	rm -rf --one-file-system "$tmp"
	# unsafe-io: the root is thrown away whole if anything fails.
	if ! mmdebstrap --mode=root --variant=minbase --dpkgopt=force-unsafe-io --include="$incl" "$@" \
		"$suite" "$tmp" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
		>"$logfile" 2>&1; then
		tail -n 20 "$logfile" >&2
		rm -rf --one-file-system "$tmp"
		die "mmdebstrap failed; full log: $logfile"
	fi
}

buildroot_recipe() {
	printf 'suite=%s\nmirror-independent\npackages=%s\nrecipe=3 mmdebstrap\n' \
		"$BUILDROOT_SUITE" "${BUILDROOT_PACKAGES[*]}"
}

# buildroot_versions [PKG...]: every package in the root (or each PKG) with
# its version, the record that tells two roots made from one recipe apart.
buildroot_versions() {
	# shellcheck disable=SC2016 # dpkg-query's own fields
	chroot "$BUILDROOT" dpkg-query -W -f='${Package} ${Version}\n' "$@" | sort
}

# Make (or verify) the trixie build root. mmdebstrap resolves with apt and
# downloads in parallel: about 40 s here, where debootstrap took 82 s.
ensure_buildroot() {
	local want have
	want=$(buildroot_recipe | sha256sum | cut -d' ' -f1)
	have=$(cat "$BUILDROOT/.p2prig-recipe" 2>/dev/null || true)
	if [[ $have == "$want" && -x $BUILDROOT/usr/bin/gcc-14 ]]; then
		log "build root: $BUILDROOT (cached, recipe ${want:0:12}, packages $(sha256sum <"$BUILDROOT/.p2prig-packages" | cut -c1-12))"
		return
	fi
	[[ -z $have ]] || log "build root: recipe changed (${have:0:12} -> ${want:0:12}), rebuilding"
	local t0 tmp="$BUILDROOT.tmp"
	t0=$(now_s)
	log "build root: mmdebstrap $BUILDROOT_SUITE (${#BUILDROOT_PACKAGES[@]} packages and what they need)"
	cache_mmdebstrap "$BUILDROOT_SUITE" "$tmp" "$P2PRIG_CACHE/mmdebstrap.log" "${BUILDROOT_PACKAGES[@]}"
	# Mount points the guest needs inside its read-only root.
	mkdir -p "$tmp/rig" "$tmp/results"
	printf '%s\n' "$want" >"$tmp/.p2prig-recipe"
	rm -rf --one-file-system "$BUILDROOT"
	mv "$tmp" "$BUILDROOT"
	buildroot_versions >"$BUILDROOT/.p2prig-packages"
	buildroot_compare_versions
	log "build root: ready in $(elapsed "$t0") s (packages $(sha256sum <"$BUILDROOT/.p2prig-packages" | cut -c1-12))"
}

# buildroot_compare_versions: a root rebuilt from the same recipe is the
# same root only if the archive served the same versions; say which moved
# since the last root, so a changed figure can be traced to them.
buildroot_compare_versions() {
	local last="$P2PRIG_CACHE/buildroot-$BUILDROOT_SUITE.packages" moved
	if [[ -r $last ]]; then
		moved=$(comm -13 "$last" "$BUILDROOT/.p2prig-packages" | cut -d' ' -f1 | paste -sd' ')
		[[ -z $moved ]] || log "build root: versions differ from the last root's for: $moved ($last)"
	fi
	cp "$BUILDROOT/.p2prig-packages" "$last"
}

buildroot_layer_stamp() { printf '%s\n' "${BUILDROOT_LAYERS[$1]}" | sha256sum | cut -c1-16; }

# ensure_buildroot_layer NAME: BUILDROOT_LAYERS[NAME] installed on top of the
# root, once; the layer's stamp names its packages and their versions.
ensure_buildroot_layer() {
	local name=$1 stamp want t0
	local -a pkgs
	read -r -a pkgs <<<"${BUILDROOT_LAYERS[$name]:?unknown build root layer $name}"
	stamp="$BUILDROOT/.p2prig-layer-$name"
	want=$(buildroot_layer_stamp "$name")
	[[ $(head -n 1 "$stamp" 2>/dev/null || true) != "$want" ]] || return 0
	t0=$(now_s)
	log "build root: adding the $name layer (${pkgs[*]})"
	if ! in_buildroot_online apt-get -q update >"$P2PRIG_CACHE/layer-$name.log" 2>&1 ||
		! in_buildroot_online env DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
			--no-install-recommends -o Dpkg::Options::=--force-unsafe-io "${pkgs[@]}" \
			>>"$P2PRIG_CACHE/layer-$name.log" 2>&1; then
		tail -n 15 "$P2PRIG_CACHE/layer-$name.log" >&2
		die "build root: could not add the $name layer; full log: $P2PRIG_CACHE/layer-$name.log"
	fi
	in_buildroot_online apt-get -q clean
	{
		printf '%s\n' "$want"
		buildroot_versions "${pkgs[@]}"
	} >"$stamp"
	buildroot_versions >"$BUILDROOT/.p2prig-packages"
	log "build root: $name layer ready in $(elapsed "$t0") s"
}

# Download the pinned kernel packages and check every checksum (for a
# kernel the rig builds, Debian's source package when it is one).
fetch_kernel() {
	local ver=$1 dir n=0 name sum deb t0
	load_kernel_pin "$ver"
	if [[ $PIN_KIND == built ]]; then
		# The source is checked until the kernel is built from it.
		kbuild_made || [[ $KB_KIND != src ]] || kbuild_fetch_source >/dev/null
		return 0
	fi
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

# kernel_tree_stamp VERSION: what an unpacked kernel was unpacked from (a
# built kernel: its key).
kernel_tree_stamp() {
	if kernel_spec_built "$1"; then
		load_kernel_pin "$1"
		printf '%s\n' "$PIN_KEY"
		return
	fi
	{ grep '^PKG_' "$(kernel_pin_file "$1")" && echo tree=2; } | sha256sum | cut -d' ' -f1
}

# stage_kernel VER: the pinned packages unpacked side by side into the
# cache (image, modules, headers, kbuild), ready to be linked into the
# build root. It runs while the build root is being made.
stage_kernel() {
	local ver=$1 dir tree want deb
	load_kernel_pin "$ver"
	[[ $PIN_KIND == debian ]] || return 0 # built once the build root is there
	dir="$P2PRIG_CACHE/kernels/$PIN_UNAME"
	tree="$dir/tree"
	want=$(kernel_tree_stamp "$ver")
	[[ $(cat "$tree/.p2prig-kernel" 2>/dev/null || true) != "$want" ]] || return 0
	rm -rf "$tree"
	mkdir -p "$tree"
	for deb in "$dir"/*.deb; do
		dpkg -x "$deb" "$tree" &
	done
	wait
	# depmod reads every module (xz: ~10 s here), so it runs here too. The
	# host's kmod looks under lib/modules, where Debian 13 ships usr/lib.
	[[ -e $tree/lib ]] || ln -s usr/lib "$tree/lib"
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$tree" "$PIN_UNAME"
	printf '%s\n' "$want" >"$tree/.p2prig-kernel"
}

# Link the staged kernel into the build root, so the root builds modules
# for it and the guest can modprobe from it.
install_kernel() {
	local ver=$1 dir stamp want
	load_kernel_pin "$ver"
	dir="$P2PRIG_CACHE/kernels/$PIN_UNAME"
	stamp="$BUILDROOT/.p2prig-kernel-$PIN_UNAME"
	want=$(kernel_tree_stamp "$ver")
	if [[ $(cat "$stamp" 2>/dev/null || true) == "$want" &&
		-r $BUILDROOT/usr/lib/modules/$PIN_UNAME/modules.dep ]]; then
		return
	fi
	[[ $(cat "$dir/tree/.p2prig-kernel" 2>/dev/null || true) == "$want" ]] ||
		die "kernel $PIN_UNAME: not staged in $dir/tree"
	log "kernel $PIN_UNAME: linking it into the build root"
	# Hard links: one copy on disk, and nothing writes to these files. Every
	# top folder (6.12's image has /boot), not stage_kernel's lib link.
	local top
	for top in "$dir/tree"/*; do
		[[ -L $top ]] || cp -alf "$top" "$BUILDROOT/"
	done
	printf '%s\n' "$want" >"$stamp"
}

# ensure_vlab_cache VER [LAYER...]: everything a vlab boot needs for kernel
# VER, with the build root's layers named (and the qemu layer when the rig
# config asks for the build root's QEMU). The kernel downloads while the
# build root is made; prints nothing else.
ensure_vlab_cache() {
	local ver=$1 fetch layer
	shift
	local -a layers=("$@")
	[[ ${RIG_VLAB_QEMU:-} != buildroot ]] || layers+=(qemu)
	! kernel_spec_built "$ver" || layers+=(kbuild)
	cache_lock -s
	if vlab_cache_made "$ver" "${layers[@]}"; then
		# The checksums, once a run (VLAB_CACHE_VERIFIED: this run's
		# background fill did it).
		[[ ${VLAB_CACHE_VERIFIED:-} == "$ver" ]] || fetch_kernel "$ver"
		ensure_buildroot
		return
	fi
	if kernel_spec_built "$ver"; then
		ensure_vlab_cache_built "$ver" "${layers[@]}"
		return
	fi
	cache_lock -x
	{ fetch_kernel "$ver" && stage_kernel "$ver"; } &
	fetch=$!
	ensure_buildroot
	wait "$fetch" || exit 1 # fetch_kernel said why
	for layer in "${layers[@]}"; do
		ensure_buildroot_layer "$layer"
	done
	install_kernel "$ver"
	cache_lock -s
}

# ensure_vlab_cache_built SPEC LAYER...: the same for a kernel the rig
# builds. The cache is held alone only while the build root or a layer is
# made; the minutes of compiling run beside other runs' guests (the build
# has a lock per source of its own, held while the kernel is linked into
# the root: new files, which no running guest reads).
ensure_vlab_cache_built() {
	local ver=$1 layer
	shift
	if ! buildroot_made "$@"; then
		cache_lock -x
		{ fetch_kernel "$ver"; } &
		local fetch=$!
		ensure_buildroot
		wait "$fetch" || exit 1 # fetch_kernel said why
		for layer in "$@"; do
			ensure_buildroot_layer "$layer"
		done
		cache_lock -s
	fi
	# The key again, now that the build root's compiler is known.
	load_kernel_pin "$ver"
	KBUILD_THEN=(install_kernel "$ver")
	ensure_built_kernel
	KBUILD_THEN=()
}

# buildroot_made [LAYER...]: the build root of this recipe, with each layer.
buildroot_made() {
	local layer
	[[ $(cat "$BUILDROOT/.p2prig-recipe" 2>/dev/null) == "$(buildroot_recipe | sha256sum | cut -d' ' -f1)" &&
		-x $BUILDROOT/usr/bin/gcc-14 ]] || return 1
	for layer in "$@"; do
		[[ $(head -n 1 "$BUILDROOT/.p2prig-layer-$layer" 2>/dev/null) == "$(buildroot_layer_stamp "$layer")" ]] ||
			return 1
	done
}

# vlab_cache_made VER [LAYER...]: whether every entry for VER is there with
# the stamp of this checkout's recipe: nothing to make, only to check.
vlab_cache_made() {
	local ver=$1 layer name
	shift
	load_kernel_pin "$ver"
	local dir="$P2PRIG_CACHE/kernels/$PIN_UNAME"
	if [[ $PIN_KIND == built ]]; then
		kbuild_made || return 1
	else
		for var in "${!PIN_PKG_@}"; do
			read -r name _ <<<"${!var}"
			compgen -G "$dir/${name}_${PIN_VERSION}_*.deb" >/dev/null || return 1
		done
	fi
	[[ $(cat "$BUILDROOT/.p2prig-kernel-$PIN_UNAME" 2>/dev/null) == "$(kernel_tree_stamp "$ver")" &&
		-r $BUILDROOT/usr/lib/modules/$PIN_UNAME/modules.dep ]] || return 1
	buildroot_made "$@"
}

# in_buildroot CMD...: run CMD inside the build root with this checkout at
# /rig (writable, for build outputs) and /proc mounted (objtool needs it).
# A private mount namespace undoes the mounts when CMD ends.
in_buildroot() { _in_buildroot offline "$@"; }

# in_buildroot_online CMD...: the same, with the host's resolver, for apt.
in_buildroot_online() { _in_buildroot online "$@"; }

_in_buildroot() {
	# shellcheck disable=SC2016 # the inner script expands its own arguments
	unshare --mount --propagation private -- bash -euo pipefail -c '
		root=$1 top=$2 net=$3 binds=$4
		shift 4
		mount --bind "$top" "$root/rig"
		while IFS=: read -r from to mode; do
			[[ -n $from ]] || continue
			mkdir -p "$root$to"
			mount --bind "$from" "$root$to"
			[[ $mode != ro ]] || mount -o remount,bind,ro "$root$to"
		done <<<"$binds"
		mount -t proc proc "$root/proc"
		mount -t tmpfs tmp "$root/tmp"
		if [[ $net == online ]]; then
			touch "$root/etc/resolv.conf"
			mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
		fi
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 "$@"
	' in_buildroot "$BUILDROOT" "$P2PRIG_TOP" "$1" "${BUILDROOT_BINDS:-}" "${@:2}"
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
