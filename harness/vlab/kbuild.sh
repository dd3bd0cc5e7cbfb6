# shellcheck shell=bash
# The kernel under test, built by the rig: from Debian's source package of a
# pinned version, or from a developer's git tree, optionally with a patch
# series applied on a copy, configured from configs/kernel/ fragments and
# compiled in the build root with its gcc-14 (and ccache). A built kernel
# is laid out in the cache exactly as a pinned Debian kernel is staged
# (kernels/UNAME/tree: usr/lib/modules/UNAME with vmlinuz, config,
# System.map, modules.builtin; usr/src/linux-headers-UNAME for the
# module's build), so everything after it (install_kernel, the initramfs,
# p2prig.ko, boot) treats both alike.
#
# A kernel spec names one (make kernel=…):
#   7.3.4                  Debian's binary packages, pinned (cache.sh)
#   src:7.3.4[+FRAG…]      Debian's linux-source of the pinned 7.3.4
#   tree:PATH[+FRAG…]      a local kernel tree (a git checkout), never written
# FRAG names configs/kernel/FRAG.config, merged after rig.config (which every
# built kernel has): src:7.3.4+debug is the kernel's checkers on. A series
# (make series=FILE|DIR: an mbox, or a folder of format-patch files) is
# applied with git am on the rig's own copy of the source.
#
# A built kernel is cached under a key made of everything it is made from:
# the source (the package's checksum, or the tree's HEAD and a hash of its
# uncommitted changes), the series' bytes, the fragments' bytes, the build
# root's compiler and binutils versions and this file's recipe number. Its
# release is VERSION-p2prig[-FRAG…]-KEY8, so a kernel is never stale and
# never mistaken for another.

KBUILD_RECIPE=1
KBUILD_DIR="$P2PRIG_CACHE/kbuild"
KBUILD_FRAGMENTS_DIR="$P2PRIG_TOP/configs/kernel"
# Inside the build root, the source, build tree, output and ccache live at
# fixed paths whatever the spec: object files, ccache's hashes and the
# build tree's dependency records never name a host path.
KB_SRC=/kernel/src KB_OBJ=/kernel/build KB_OUT=/kernel/out KB_CCACHE=/kernel/ccache

# kernel_spec_built SPEC: whether SPEC names a kernel the rig builds.
kernel_spec_built() { [[ $1 == src:* || $1 == tree:* ]]; }

# kbuild_parse SPEC: KB_KIND (src|tree), KB_BASE (a version or a path) and
# KB_FRAGS (the extra fragments, in order), or an error naming what is wrong.
kbuild_parse() {
	local spec=$1 rest frag
	KB_KIND=${spec%%:*} rest=${spec#*:} KB_FRAGS=()
	# Fragments are the trailing +NAME parts that name a fragment file; a
	# path may hold a "+" elsewhere.
	while [[ $rest =~ ^(.+)\+([a-z0-9][a-z0-9_-]*)$ && -r $KBUILD_FRAGMENTS_DIR/${BASH_REMATCH[2]}.config ]]; do
		KB_FRAGS=("${BASH_REMATCH[2]}" ${KB_FRAGS[@]+"${KB_FRAGS[@]}"})
		rest=${BASH_REMATCH[1]}
	done
	for frag in ${KB_FRAGS[@]+"${KB_FRAGS[@]}"}; do
		[[ $frag != rig ]] || die "kernel '$spec': rig.config is in every built kernel; name only the extra fragments"
	done
	[[ $rest != *+* || $KB_KIND == tree ]] ||
		die "kernel '$spec': unknown fragment '${rest##*+}' (known: $(kbuild_fragments_known))"
	KB_BASE=$rest
	case $KB_KIND in
	src) [[ $KB_BASE =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "kernel '$spec': src: takes a pinned version like 7.3.4, not '$KB_BASE'" ;;
	tree)
		KB_BASE=${KB_BASE/#\~/$HOME}
		[[ -d $KB_BASE ]] || die "kernel '$spec': no folder $KB_BASE"
		KB_BASE=$(realpath "$KB_BASE")
		[[ -r $KB_BASE/Makefile && -d $KB_BASE/kernel/dma ]] || die "kernel '$spec': $KB_BASE is not a kernel tree"
		git -C "$KB_BASE" rev-parse --verify -q HEAD >/dev/null ||
			die "kernel '$spec': $KB_BASE is not a git checkout (its state is how a build is keyed)"
		;;
	esac
}

kbuild_fragments_known() {
	find "$KBUILD_FRAGMENTS_DIR" -name '*.config' ! -name rig.config -printf '%f\n' | sed 's/\.config$//' | sort | paste -sd' '
}

# kbuild_series_files SERIES: the patch files of a series, in order: the
# file itself (an mbox), or a folder's *.patch / *.mbox / *.eml files.
kbuild_series_files() {
	local series=$1
	if [[ -f $series ]]; then
		realpath "$series"
	elif [[ -d $series ]]; then
		find "$(realpath "$series")" -maxdepth 1 -type f \( -name '*.patch' -o -name '*.mbox' -o -name '*.eml' \) | sort
	else
		die "series '$series': no such file or folder"
	fi
}

# kbuild_tree_state PATH: a git tree's HEAD, and the hash of what differs
# from it (tracked changes and untracked files), or "clean".
kbuild_tree_state() {
	local tree=$1 head dirty
	head=$(git -C "$tree" rev-parse HEAD)
	dirty=$({
		git -C "$tree" diff HEAD --binary
		git -C "$tree" ls-files -o --exclude-standard -z | (cd "$tree" && xargs -0 -r sha256sum)
	} | sha256sum | cut -c1-16)
	[[ $dirty != "$(printf '' | sha256sum | cut -c1-16)" ]] || dirty=clean
	printf '%s %s\n' "$head" "$dirty"
}

# kbuild_compiler: the build root's compiler and binutils, as installed.
kbuild_compiler() {
	grep -E '^(gcc-14|binutils) ' "$BUILDROOT/.p2prig-packages" 2>/dev/null | paste -sd' ' ||
		echo "gcc-14 (no build root yet)"
}

# kbuild_load SPEC: what load_kernel_pin sets for a built kernel: PIN_KIND
# (built), PIN_SPEC, PIN_UNAME, PIN_KEY and the provenance fields; for src:
# the pin's own fields too (PIN_SUITE, PIN_VERSION, PIN_SOURCE).
kbuild_load() {
	local spec=$1 kver frag series_sha="" f memo
	# Loaded again and again by the cache's checks: once is enough while
	# the spec, the series and the build root's packages stay the same.
	memo="$spec|${P2PRIG_KERNEL_SERIES:-}|$(stat -c %Y "$BUILDROOT/.p2prig-packages" 2>/dev/null || true)"
	[[ ${KB_LOADED:-} != "$memo" ]] || { kbuild_restore; return 0; }
	kbuild_parse "$spec"
	PIN_KIND=built PIN_SPEC=$spec
	PIN_FRAGMENTS=$(printf '%s\n' rig ${KB_FRAGS[@]+"${KB_FRAGS[@]}"} | paste -sd+)
	case $KB_KIND in
	src)
		load_kernel_pin "$KB_BASE"
		[[ -n ${PIN_SOURCE:-} ]] || die "kernel '$spec': the pin of $KB_BASE names no SOURCE package (harness/vlab/pin-kernel.sh)"
		PIN_KIND=built PIN_SPEC=$spec
		kver=$KB_BASE
		PIN_ORIGIN="debian $PIN_SOURCE $PIN_VERSION"
		;;
	tree)
		kver=$(kbuild_tree_version "$KB_BASE")
		PIN_ORIGIN="tree $KB_BASE $(kbuild_tree_state "$KB_BASE")"
		;;
	esac
	PIN_SERIES=${P2PRIG_KERNEL_SERIES:-}
	if [[ -n $PIN_SERIES ]]; then
		PIN_SERIES=$(realpath "$PIN_SERIES")
		mapfile -t KB_SERIES_FILES < <(kbuild_series_files "$PIN_SERIES")
		[[ ${#KB_SERIES_FILES[@]} -gt 0 ]] || die "series '$PIN_SERIES': no *.patch, *.mbox or *.eml files in it"
		series_sha=$(cat "${KB_SERIES_FILES[@]}" | sha256sum | cut -c1-16)
	fi
	PIN_KEY=$({
		printf 'recipe=%s\norigin=%s\nseries=%s\ncompiler=%s\n' \
			"$KBUILD_RECIPE" "$PIN_ORIGIN" "$series_sha" "$(kbuild_compiler)"
		for frag in rig ${KB_FRAGS[@]+"${KB_FRAGS[@]}"}; do
			f="$KBUILD_FRAGMENTS_DIR/$frag.config"
			printf 'fragment %s %s\n' "$frag" "$(sha256sum <"$f" | cut -c1-16)"
		done
	} | sha256sum | cut -c1-40)
	local frag_suffix=""
	[[ ${#KB_FRAGS[@]} -eq 0 ]] || frag_suffix="-$(IFS=-; printf '%s' "${KB_FRAGS[*]}")"
	PIN_LOCALVERSION="-p2prig$frag_suffix-${PIN_KEY:0:8}"
	PIN_UNAME="$kver$PIN_LOCALVERSION"
	PIN_SERIES_SHA=$series_sha
	KB_SAVED=$(declare -p PIN_KIND PIN_SPEC PIN_FRAGMENTS PIN_ORIGIN PIN_SERIES PIN_KEY PIN_LOCALVERSION \
		PIN_UNAME PIN_SERIES_SHA KB_KIND KB_BASE KB_FRAGS)
	[[ -z $PIN_SERIES ]] || KB_SAVED+=$'\n'$(declare -p KB_SERIES_FILES)
	KB_LOADED=$memo
}

# kbuild_restore: the fields of the last kbuild_load again (a Debian pin
# loaded since may have overwritten them); src: reloads its pin first.
kbuild_restore() {
	[[ ${KB_SAVED:-} == *"KB_KIND=\"src\""* ]] && load_kernel_pin "$(sed -n 's/^declare -- KB_BASE="\(.*\)"$/\1/p' <<<"$KB_SAVED")"
	eval "${KB_SAVED//declare /declare -g }"
}

# kbuild_tree_version PATH: the release a tree's Makefile names (7.4.0-rc2).
kbuild_tree_version() {
	awk -F' *= *' '$1 ~ /^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)$/ && !seen[$1]++ { v[$1] = $2 }
		END { printf "%s.%s.%s%s\n", v["VERSION"], v["PATCHLEVEL"], v["SUBLEVEL"], v["EXTRAVERSION"] }' "$1/Makefile"
}

# kbuild_made: whether the loaded built kernel is in the cache.
kbuild_made() {
	[[ $(cat "$P2PRIG_CACHE/kernels/$PIN_UNAME/tree/.p2prig-kernel" 2>/dev/null) == "$PIN_KEY" ]]
}

# ensure_built_kernel: build the loaded spec (kbuild_load) unless cached,
# and stage it in kernels/UNAME/tree; then, still under the build's lock,
# run KBUILD_THEN (a command, e.g. linking it into the build root). Needs
# the build root and its kbuild layer. One build per source at a time: a
# working copy and a build tree are shared by every build of that source.
ensure_built_kernel() {
	local slot lockfd t0
	case $KB_KIND in
	src) slot="src-$PIN_VERSION" ;;
	tree) slot="tree-$(printf '%s' "$KB_BASE" | sha256sum | cut -c1-12)" ;;
	esac
	mkdir -p "$KBUILD_DIR/$slot" "$P2PRIG_CACHE/ccache"
	exec {lockfd}>"$KBUILD_DIR/$slot/.lock"
	flock -x "$lockfd"
	if kbuild_made; then
		[[ -z ${KBUILD_THEN[*]:-} ]] || "${KBUILD_THEN[@]}"
		exec {lockfd}>&-
		return 0
	fi
	t0=$(now_s)
	log "kernel $PIN_UNAME: building ($PIN_SPEC${PIN_SERIES:+, series $PIN_SERIES})"
	local src obj out="$KBUILD_DIR/$slot/out.$$"
	src=$(kbuild_source "$slot") || exit 1
	# One build tree per source folder and fragments: a rebuild compiles
	# what changed, whichever series was applied last.
	obj="$KBUILD_DIR/$slot/build-$(printf '%s' "$src:$PIN_FRAGMENTS" | sha256sum | cut -c1-8)"
	rm -rf "$out"
	mkdir -p "$obj" "$out"
	local BUILDROOT_BINDS
	# The source is only read by the build (git runs on the host).
	BUILDROOT_BINDS="$src:$KB_SRC:ro
$obj:$KB_OBJ:rw
$out:$KB_OUT:rw
$P2PRIG_CACHE/ccache:$KB_CCACHE:rw
$KBUILD_FRAGMENTS_DIR:/kernel/fragments:ro"
	kbuild_configure "$obj"
	kbuild_compile "$obj"
	kbuild_install "$src" "$out"
	log "kernel $PIN_UNAME: built and staged in $(elapsed "$t0") s (log: $obj/build.log)"
	[[ -z ${KBUILD_THEN[*]:-} ]] || "${KBUILD_THEN[@]}"
	exec {lockfd}>&-
}

# kbuild_make ARGS...: make in the build root against the bound source and
# build tree, with the root's gcc-14 behind ccache. The release suffix is
# make's LOCALVERSION, not CONFIG_LOCALVERSION: it stays out of autoconf.h,
# which every object includes, so two keys share ccache's objects (and no
# "+" is added for the source's git state). Depend mode: ccache
# keys on the compiler's own dependency list, so a miss does not run the
# preprocessor a second time (a third of a cold build here).
kbuild_make() {
	in_buildroot env CCACHE_DIR=$KB_CCACHE CCACHE_MAXSIZE=8G CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1 \
		make -C $KB_SRC O=$KB_OBJ ARCH=x86_64 HOSTCC=gcc-14 "CC=ccache gcc-14" \
		"LOCALVERSION=$PIN_LOCALVERSION" "$@"
}

# kbuild_git ARGS...: git as the rig runs it on its own copies: no user
# configuration, no hooks, a fixed identity for git am's commits.
kbuild_git() {
	env GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -c user.name=p2prig \
		-c user.email=p2prig@localhost -c commit.gpgsign=false -c core.hooksPath=/dev/null \
		-c advice.detachedHead=false "$@"
}

# kbuild_source SLOT: print the source folder to build: the developer's
# tree itself (bound read-only), or the rig's copy in SLOT: Debian's source
# as unpacked, or, once a series has been asked for, a git working copy
# with the base checked out afresh and the series applied.
kbuild_source() {
	local slot=$1 work="$KBUILD_DIR/$1/linux"
	if [[ $KB_KIND == tree && -z $PIN_SERIES ]]; then
		printf '%s\n' "$KB_BASE"
		return
	fi
	case $KB_KIND in
	src)
		kbuild_debian_unpack "$work" >&2
		# Without a series, and before the first one, the unpacked source
		# is built as it is; git comes in with the first series.
		if [[ -z $PIN_SERIES && ! -d $work/.git ]]; then
			printf '%s\n' "$work"
			return
		fi
		kbuild_debian_git "$work" >&2
		;;
	tree) kbuild_tree_copy "$work" >&2 ;;
	esac
	# Only the files that differ are rewritten, so the build tree rebuilds
	# only what a series (or the end of one) touched; files a series added
	# go with it. The build never writes here, so nothing else differs.
	kbuild_git -C "$work" checkout -q -f --detach p2prig-base
	[[ $KB_KIND != src || -z $PIN_SERIES ]] || kbuild_debian_track "$work" >&2
	[[ -z $PIN_SERIES ]] || kbuild_apply_series "$work" >&2
	printf '%s\n' "$work"
}

# kbuild_debian_unpack WORK: Debian's linux-source of the pinned version,
# checksummed, unpacked once.
kbuild_debian_unpack() {
	local work=$1 deb t0
	[[ $(cat "$work/.p2prig-unpacked" 2>/dev/null) != "$PIN_SOURCE" ]] && [[ ! -d $work/.git ]] || return 0
	t0=$(now_s)
	deb=$(kbuild_fetch_source)
	log "kernel source: unpacking $(basename "$deb")"
	rm -rf "$work" "$work.tmp"
	mkdir -p "$work.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$work.tmp" --strip-components=1
	printf '%s\n' "$PIN_SOURCE" >"$work.tmp/.p2prig-unpacked"
	mv "$work.tmp" "$work"
	log "kernel source: unpacked in $(elapsed "$t0") s"
}

# kbuild_debian_git WORK: the unpacked source as a git repository in place
# (no file's time changes, so the build tree stays valid). Its base commit
# (tag p2prig-base) tracks only the files a series has touched, added as
# series ask for them (kbuild_debian_track): hashing all 1.8 GB took two
# minutes here, and git am needs only the files it patches.
kbuild_debian_git() {
	local work=$1
	kbuild_git -C "$work" rev-parse -q --verify p2prig-base >/dev/null 2>&1 && return 0
	rm -rf "$work/.git"
	kbuild_git -C "$work" init -q
	kbuild_git -C "$work" commit -q --allow-empty -m "Debian $PIN_SOURCE $PIN_VERSION (files as series touch them)"
	kbuild_git -C "$work" tag p2prig-base
}

# kbuild_debian_track WORK: with the base checked out, every file the
# series patches that the base does not track yet, added to it as unpacked
# (no series has touched it, or the base would track it).
kbuild_debian_track() {
	local work=$1 path
	local -a new=()
	while read -r path; do
		[[ -f $work/$path ]] || continue # a file the series creates
		kbuild_git -C "$work" ls-files --error-unmatch -- "$path" >/dev/null 2>&1 || new+=("$path")
	done < <(sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "${KB_SERIES_FILES[@]}" | sort -u)
	[[ ${#new[@]} -gt 0 ]] || return 0
	# -f: the source ships a .gitignore that ignores its own top level.
	kbuild_git -C "$work" add -f -- "${new[@]}"
	kbuild_git -C "$work" commit -q --amend --no-edit
	kbuild_git -C "$work" tag -f p2prig-base >/dev/null
}

# kbuild_fetch_source: download (once) and check the pinned linux-source
# package; print its path.
kbuild_fetch_source() {
	local name sum dir="$P2PRIG_CACHE/kernels/source" deb
	read -r name sum <<<"$PIN_SOURCE"
	mkdir -p "$dir"
	deb="$dir/${name}_${PIN_VERSION}_all.deb"
	if [[ ! -s $deb ]]; then
		log "kernel source: downloading $name=$PIN_VERSION from $PIN_SUITE" >&2
		apt_private "$PIN_SUITE" update >/dev/null
		(cd "$dir" && apt_private "$PIN_SUITE" download "$name=$PIN_VERSION" >/dev/null) ||
			die "cannot download $name=$PIN_VERSION from $PIN_SUITE: the pin may be stale (harness/vlab/pin-kernel.sh)"
	fi
	printf '%s  %s\n' "$sum" "$deb" | sha256sum --quiet -c - >/dev/null 2>&1 || {
		rm -f "$deb"
		die "checksum mismatch for $(basename "$deb") (pinned $sum); deleted, rerun to fetch again"
	}
	printf '%s\n' "$deb"
}

# kbuild_tree_copy WORK: a copy of the developer's tree to apply a series
# on: a clone sharing its objects, at its HEAD plus its uncommitted changes
# (one commit), tagged p2prig-base. The tree itself is only read.
kbuild_tree_copy() {
	local work=$1 head untracked
	[[ -d $work/.git ]] || kbuild_git clone -q --shared --no-checkout "$KB_BASE" "$work"
	head=$(git -C "$KB_BASE" rev-parse HEAD)
	kbuild_git -C "$work" fetch -q "$KB_BASE" HEAD
	kbuild_git -C "$work" checkout -q -f --detach "$head"
	if [[ -n $(git -C "$KB_BASE" diff HEAD --stat) ]]; then
		git -C "$KB_BASE" diff HEAD --binary | kbuild_git -C "$work" apply --index
		kbuild_git -C "$work" commit -q -m "uncommitted changes of $KB_BASE"
	fi
	untracked=$(git -C "$KB_BASE" ls-files -o --exclude-standard | wc -l)
	[[ $untracked == 0 ]] || warn "kernel tree $KB_BASE: $untracked untracked files are not in the copy the series applies to"
	kbuild_git -C "$work" tag -f p2prig-base >/dev/null
}

# kbuild_apply_series WORK: git am every patch of the series; a patch that
# does not apply stops the run before anything builds, named with its first
# failing hunk.
kbuild_apply_series() {
	local work=$1 out n
	n=${#KB_SERIES_FILES[@]}
	log "series: applying $PIN_SERIES ($n file$( ((n == 1)) || echo s)) with git am"
	if ! out=$(kbuild_git -C "$work" am --quiet "${KB_SERIES_FILES[@]}" 2>&1); then
		kbuild_git -C "$work" am --abort >/dev/null 2>&1 || true
		local failed="" hunk index subject
		read -r index subject < <(sed -n 's/^Patch failed at \([0-9]*\) \(.*\)$/\1 \2/p' <<<"$out" | head -n 1) || true
		if [[ -n ${index:-} ]]; then
			index=$((10#$index))
			failed="patch $index \"$subject\""
			# One patch a file (format-patch's folder): the file too.
			((n == 1)) || failed+=" (${KB_SERIES_FILES[index - 1]##*/})"
		fi
		hunk=$(grep -m 1 -E '^error: (patch failed: |.*: (does not exist in index|already exists in|No such file))' <<<"$out" |
			sed 's/^error: //')
		printf '%s\n' "$out" | sed 's/^/  | /' >&2
		die "series $PIN_SERIES: ${failed:-a patch} does not apply to $PIN_SPEC${hunk:+: first failing hunk: $hunk}; nothing was built"
	fi
	kbuild_git -C "$work" log --reverse --format='  applied: %h %s' p2prig-base..HEAD
}

# kbuild_fragment_files: the fragments of the loaded spec in merge order,
# as paths inside the build root: each fragment's own bases (its
# "# p2prig-base: PATH" lines, in the source) before it.
kbuild_fragment_files() {
	local frag
	for frag in rig ${KB_FRAGS[@]+"${KB_FRAGS[@]}"}; do
		sed -n 's/^# p2prig-base: *\([^ ]*\).*$/\1/p' "$KBUILD_FRAGMENTS_DIR/$frag.config" |
			sed "s|^|$KB_SRC/|"
		printf '%s\n' "/kernel/fragments/$frag.config"
	done
}

# kbuild_requests: what the rig's own fragments ask for, the last word on
# each option winning: "SYMBOL VALUE" lines, VALUE "n" for "is not set".
kbuild_requests() {
	local frag
	for frag in rig ${KB_FRAGS[@]+"${KB_FRAGS[@]}"}; do
		cat "$KBUILD_FRAGMENTS_DIR/$frag.config"
	done | awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s); v = $0; sub(/^[^=]*=/, "", v); set(s, v); next }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { set($2, "n") }
		function set(s, v) { if (!(s in val)) order[++n] = s; val[s] = v }
		END { for (i = 1; i <= n; i++) print order[i], val[order[i]] }'
}

# kbuild_configure OBJ: alldefconfig with every fragment merged (later lines
# win, as merge_config.sh does), then olddefconfig; then every option the
# rig's fragments ask for is checked.
kbuild_configure() {
	local obj=$1 sym want have
	local -a wrong=() files
	mapfile -t files < <(kbuild_fragment_files)
	in_buildroot cat "${files[@]}" | awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { s = $2 }
		s != "" { if (!(s in line)) order[++n] = s; line[s] = $0; s = ""; next }
		END { for (i = 1; i <= n; i++) print line[order[i]] }' >"$obj/p2prig-merged.config" ||
		die "kernel $PIN_UNAME: a fragment's base is missing from the source"
	if ! kbuild_make -s KCONFIG_ALLCONFIG=$KB_OBJ/p2prig-merged.config alldefconfig >"$obj/config.log" 2>&1 ||
		! kbuild_make -s olddefconfig >>"$obj/config.log" 2>&1; then
		sed 's/^/  | /' "$obj/config.log" >&2
		die "kernel $PIN_UNAME: configuration failed (log: $obj/config.log)"
	fi
	local -a absent=()
	while read -r sym want; do
		have=$(sed -n "s/^$sym=//p" "$obj/.config")
		[[ -n $have ]] || have=n
		[[ $have != "$want" ]] || continue
		# An option this kernel does not have at all (VFIO_PCI_DMABUF
		# before 6.19) is said, not an error: the fragments serve every
		# kernel the rig builds.
		if ! kbuild_has_symbol "$sym"; then
			absent+=("${sym#CONFIG_}")
			continue
		fi
		wrong+=("$sym: asked $want, got $have; $(kbuild_explain "$sym" "$obj/.config")")
	done < <(kbuild_requests)
	[[ ${#absent[@]} -eq 0 ]] ||
		log "kernel $PIN_UNAME: not in this kernel's Kconfig, so not set: ${absent[*]}"
	if [[ ${#wrong[@]} -gt 0 ]]; then
		printf '  | %s\n' "${wrong[@]}" >&2
		die "kernel $PIN_UNAME: ${#wrong[@]} option(s) of configs/kernel/{$PIN_FRAGMENTS}.config did not stick (above)"
	fi
	log "kernel $PIN_UNAME: configured ($(grep -c '=y$' "$obj/.config") options =y; fragments $PIN_FRAGMENTS, every one checked)"
}

# kbuild_has_symbol CONFIG_SYM: whether the source's Kconfig files define it.
kbuild_has_symbol() {
	find "$(kbuild_source_path)" -name 'Kconfig*' -not -path '*/Documentation/*' -print0 |
		xargs -0 grep -qsE "^[[:space:]]*(menu)?config[[:space:]]+${1#CONFIG_}[[:space:]]*\$"
}

# kbuild_explain CONFIG_SYM DOTCONFIG: why an option is not what was asked:
# its "depends on" lines in the source's Kconfig files, each symbol in
# them with its value, or that it has no prompt (only select sets it).
kbuild_explain() {
	local sym=${1#CONFIG_} dotconfig=$2 src
	src=$(kbuild_source_path)
	# shellcheck disable=SC2016 # awk's own fields
	find "$src" -name 'Kconfig*' -not -path '*/Documentation/*' -print0 |
		xargs -0 awk -v sym="$sym" '
			/^[ \t]*(menu)?config[ \t]/ { inside = ($2 == sym); next }
			/^(choice|endchoice|menu|endmenu|if|endif|source|comment)/ { inside = 0 }
			inside && /^[ \t]+depends on/ { sub(/^[ \t]+depends on[ \t]+/, ""); print "dep " $0 }
			inside && /^[ \t]+(bool|tristate|string|int|hex)[ \t]+"/ { print "prompt" }
			inside && /^[ \t]+def_bool[ \t]/ && / if / { sub(/.* if /, ""); print "dep " $0 }' |
		awk -v dotconfig="$dotconfig" '
			BEGIN { while ((getline l < dotconfig) > 0) if (l ~ /^CONFIG_/) { s = l; sub(/=.*/, "", s); v = l; sub(/^[^=]*=/, "", v); val[substr(s, 8)] = v } }
			$1 == "prompt" { prompt = 1; next }
			{ sub(/^dep /, ""); e = $0; out = ""
			  while (match(e, /[A-Z][A-Z0-9_]+/)) { s = substr(e, RSTART, RLENGTH); out = out substr(e, 1, RSTART - 1) s "=" (s in val ? val[s] : "n"); e = substr(e, RSTART + RLENGTH) }
			  deps = deps (deps ? " && " : "") "(" out e ")" }
			END { if (deps) printf "depends on %s", deps; else if (!prompt) printf "no prompt: only a select sets it"; else printf "no unmet dependency found (a choice, or a select elsewhere)" }'
}

# The source folder of the build in progress, on the host.
kbuild_source_path() { sed -n "s|^\(.*\):$KB_SRC:.*|\1|p" <<<"$BUILDROOT_BINDS"; }

# kbuild_compile OBJ: the kernel, with a progress line every 30 s (files
# compiled, of how many the last full build of this tree compiled).
kbuild_compile() {
	local obj=$1 pid rc=0 t0 compiled total
	t0=$(now_s)
	total=$(cat "$obj/.p2prig-files" 2>/dev/null || true)
	kbuild_make -j"$(nproc)" >"$obj/build.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 30); do
			sleep 1
			kill -0 "$pid" 2>/dev/null || break
		done
		kill -0 "$pid" 2>/dev/null || break
		compiled=$(grep -c '^  CC ' "$obj/build.log" || true)
		log "kernel $PIN_UNAME: $compiled files compiled${total:+ of about $total}, $(elapsed "$t0") s"
	done
	wait "$pid" || rc=$?
	if [[ $rc != 0 ]]; then
		grep -m 20 -E 'error|Error [0-9]' "$obj/build.log" | sed 's/^/  | /' >&2 || true
		die "kernel $PIN_UNAME: the build failed (whole log: $obj/build.log)"
	fi
	compiled=$(grep -c '^  CC ' "$obj/build.log" || true)
	# A full build's count is the yardstick for the next one's progress.
	[[ -n $total && $compiled -lt $total ]] || printf '%s\n' "$compiled" >"$obj/.p2prig-files"
	log "kernel $PIN_UNAME: compiled in $(elapsed "$t0") s ($compiled files compiled, the rest reused)"
}

# kbuild_install SRC OUT: stage what was built as kernels/UNAME/tree, the
# shape of an unpacked Debian kernel: the image, config, System.map and
# modules.builtin beside the modules, and the external-module build tree
# the kernel's own packaging installs (scripts/package/install-extmod-build)
# as usr/src/linux-headers-UNAME. The provenance goes beside them.
kbuild_install() {
	local src=$1 out=$2 moddir="usr/lib/modules/$PIN_UNAME" tree
	local release
	release=$(cat "$(kbuild_obj_path)/include/config/kernel.release")
	[[ $release == "$PIN_UNAME" ]] ||
		die "kernel: built $release, expected $PIN_UNAME (does the tree's Makefile add its own suffix?)"
	kbuild_make -s INSTALL_MOD_PATH=$KB_OUT/usr modules_install >/dev/null
	kbuild_make -s CC=gcc-14 run-command \
		KBUILD_RUN_COMMAND="\$(srctree)/scripts/package/install-extmod-build $KB_OUT/usr/src/linux-headers-$PIN_UNAME"
	in_buildroot sh -c "cp $KB_OBJ/arch/x86/boot/bzImage $KB_OUT/$moddir/vmlinuz &&
		cp $KB_OBJ/.config $KB_OUT/$moddir/config && cp $KB_OBJ/System.map $KB_OUT/$moddir/System.map"
	ln -sfn "../../../src/linux-headers-$PIN_UNAME" "$out/$moddir/build"
	kbuild_tools "$moddir"
	kbuild_provenance "$src" >"$out/$moddir/p2prig-kernel.json"
	printf '%s\n' "$PIN_KEY" >"$out/.p2prig-kernel"
	tree="$P2PRIG_CACHE/kernels/$PIN_UNAME/tree"
	rm -rf "$tree"
	mkdir -p "${tree%/tree}"
	mv "$out" "$tree"
}

kbuild_obj_path() { sed -n "s|^\(.*\):$KB_OBJ:.*|\1|p" <<<"$BUILDROOT_BINDS"; }

# kbuild_provenance SRC: what this kernel was made from, as JSON: the
# source (Debian version, or tree path, git describe and dirty flag), each
# patch of the series (subject, patch-id, file), the fragments and their
# hash, the compiler, the key.
kbuild_provenance() {
	local src=$1 patches='[]' frag_sha origin_json
	frag_sha=$(for f in rig ${KB_FRAGS[@]+"${KB_FRAGS[@]}"}; do cat "$KBUILD_FRAGMENTS_DIR/$f.config"; done |
		sha256sum | cut -c1-16)
	case $KB_KIND in
	src)
		origin_json=$(jq -n --arg pkg "${PIN_SOURCE%% *}" --arg version "$PIN_VERSION" \
			--arg sha256 "${PIN_SOURCE##* }" '{kind: "debian-source", package: $pkg, version: $version, sha256: $sha256}')
		;;
	tree)
		local describe state
		describe=$(git -C "$KB_BASE" describe --always --tags 2>/dev/null || git -C "$KB_BASE" rev-parse --short HEAD)
		state=$(kbuild_tree_state "$KB_BASE")
		origin_json=$(jq -n --arg path "$KB_BASE" --arg describe "$describe" --arg head "${state%% *}" \
			--arg dirty "${state##* }" \
			'{kind: "tree", path: $path, describe: $describe, head: $head,
			  dirty: ($dirty != "clean"), dirty_hash: (if $dirty == "clean" then null else $dirty end)}')
		;;
	esac
	if [[ -n $PIN_SERIES ]]; then
		local commit
		patches=$(for commit in $(kbuild_git -C "$src" rev-list --reverse p2prig-base..HEAD); do
			jq -n --arg subject "$(kbuild_git -C "$src" log -1 --format=%s "$commit")" \
				--arg patch_id "$(kbuild_git -C "$src" show "$commit" | kbuild_git patch-id --stable | cut -d' ' -f1)" \
				--arg commit "$commit" '{subject: $subject, patch_id: $patch_id, commit: $commit}'
		done | jq -s .)
	fi
	jq -n --arg spec "$PIN_SPEC" --arg uname "$PIN_UNAME" --arg key "$PIN_KEY" \
		--argjson origin "$origin_json" --arg series "$PIN_SERIES" --arg series_sha "$PIN_SERIES_SHA" \
		--argjson patches "$patches" --arg fragments "$PIN_FRAGMENTS" --arg fragments_sha "$frag_sha" \
		--arg compiler "$(kbuild_compiler)" --arg built "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		'{spec: $spec, release: $uname, key: $key, source: $origin,
		  series: (if $series == "" then null else {path: $series, sha256_16: $series_sha, patches: $patches} end),
		  fragments: ($fragments | split("+")), fragments_sha256_16: $fragments_sha,
		  compiler: $compiler, built: $built}'
}

# kbuild_tools MODDIR: the kernel's own userspace for what the rig runs
# beside its own figures, built from the same source into
# MODDIR/p2prig-tools: dma_map_benchmark, from tools/dma (6.13 on, its
# header in uapi) or from tools/testing/selftests/dma (before, its header
# in include/linux), against that one header (the build root has the rest).
kbuild_tools() {
	local moddir=$1 src prog header
	src=$(kbuild_source_path)
	if [[ -r $src/tools/dma/dma_map_benchmark.c ]]; then
		prog=tools/dma/dma_map_benchmark.c header=include/uapi/linux/map_benchmark.h
	elif [[ -r $src/tools/testing/selftests/dma/dma_map_benchmark.c ]]; then
		prog=tools/testing/selftests/dma/dma_map_benchmark.c header=include/linux/map_benchmark.h
	else
		return 0
	fi
	in_buildroot sh -c "mkdir -p /tmp/uapi/linux $KB_OUT/$moddir/p2prig-tools &&
		cp $KB_SRC/$header /tmp/uapi/linux/ &&
		gcc-14 -O2 -Wall -D_GNU_SOURCE -I/tmp/uapi -o $KB_OUT/$moddir/p2prig-tools/dma_map_benchmark \
			$KB_SRC/$prog" ||
		die "kernel $PIN_UNAME: $prog does not build"
}
