#!/usr/bin/env bash
# The kernel the rig builds (harness/vlab/kbuild.sh), on the host, against a
# small git tree of this test's own making: specs are parsed or refused with
# a reason; the key (and so the release) follows the source, its
# uncommitted changes, the series and the fragments, and nothing else; a
# two-patch series is applied with git am on a copy (the tree itself is
# untouched) and named in the provenance; a patch that does not apply is
# refused naming the patch and its first failing hunk; the fragments' last
# word wins; an option that did not stick is explained by its dependencies.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
command -v git >/dev/null || tap_skip_all "git not installed (harness/setup-host.sh --for cache installs it)"
command -v jq >/dev/null || tap_skip_all "jq not installed (harness/setup-host.sh installs it)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export P2PRIG_CACHE=$work/cache
# shellcheck source=harness/vlab/cache.sh
source "$TOP/harness/vlab/cache.sh"

# A kernel-shaped tree: a Makefile naming 7.9.0-rc1, kernel/dma, a Kconfig.
tree=$work/linux
mkdir -p "$tree/kernel/dma" "$tree/init"
printf 'VERSION = 7\nPATCHLEVEL = 9\nSUBLEVEL = 0\nEXTRAVERSION = -rc1\nNAME = Test\n' >"$tree/Makefile"
printf 'int map(void)\n{\n\treturn 1;\n}\n' >"$tree/kernel/dma/mapping.c"
cat >"$tree/init/Kconfig" <<'EOF'
config FOO
	bool "foo"
	depends on BAR && !BAZ

config SELECTED_ONLY
	bool
EOF
git_quiet() { kbuild_git -C "$tree" "$@" >/dev/null; }
git_quiet init -q
git_quiet add -A
git_quiet commit -q -m base

# The two-patch series, as git format-patch writes it.
series=$work/series
git_quiet checkout -q -b series
sed -i 's/return 1;/return 2;/' "$tree/kernel/dma/mapping.c"
git_quiet commit -q -am "dma: return two"
printf 'int unmap(void)\n{\n\treturn 0;\n}\n' >"$tree/kernel/dma/unmap.c"
git_quiet add kernel/dma/unmap.c
git_quiet commit -q -m "dma: add unmap"
git_quiet format-patch -q -o "$series" HEAD~2
git_quiet checkout -q -
git_quiet branch -q -D series

tap_plan 22

# fails_with REGEX CMD...: CMD (in a subshell) must fail, saying REGEX.
fails_with() {
	local want=$1 out
	shift
	if out=$( ("$@") 2>&1); then
		echo "#   succeeded: $*"
		return 1
	fi
	grep -qE "$want" <<<"$out" || { echo "#   said: $out"; return 1; }
}

# Specs.
kbuild_parse "tree:$tree+debug"
tap_is "tree spec: kind" "$KB_KIND" tree
tap_is "tree spec: the path, resolved" "$KB_BASE" "$(realpath "$tree")"
tap_is "tree spec: the extra fragment" "${KB_FRAGS[*]}" debug
tap_ok "an unknown fragment is refused, naming the known ones" \
	fails_with "unknown fragment 'nosuch' \(known: .*debug" kbuild_parse "src:7.3.4+nosuch"
tap_ok "rig.config is never named (it is in every built kernel)" \
	fails_with "rig.config is in every built kernel" kbuild_parse "src:7.3.4+rig"
tap_ok "src: takes a full pinned version" fails_with "takes a pinned version like 7.3.4" kbuild_parse "src:7.3"
mkdir -p "$work/notgit/kernel/dma" && touch "$work/notgit/Makefile"
tap_ok "a tree that is not a git checkout is refused" fails_with "is not a git checkout" kbuild_parse "tree:$work/notgit"
tap_ok "a folder that is not a kernel tree is refused" fails_with "is not a kernel tree" kbuild_parse "tree:$work"

# Keys and releases.
kbuild_load "tree:$tree+debug"
key0=$PIN_KEY
tap_ok "release: the tree's version, the fragments, 8 hex of the key" \
	grep -qxE '7\.9\.0-rc1-p2prig-debug-[0-9a-f]{8}' <<<"$PIN_UNAME"
KB_LOADED="" kbuild_load "tree:$tree+debug"
tap_is "the same inputs give the same key" "$PIN_KEY" "$key0"
echo "/* dirty */" >>"$tree/kernel/dma/mapping.c"
KB_LOADED="" kbuild_load "tree:$tree+debug"
tap_ok "an uncommitted change gives another key" test "$PIN_KEY" != "$key0"
git_quiet checkout -q -- kernel/dma/mapping.c
KB_LOADED="" kbuild_load "tree:$tree"
tap_ok "other fragments give another key" test "$PIN_KEY" != "$key0"
KB_LOADED="" P2PRIG_KERNEL_SERIES=$series kbuild_load "tree:$tree+debug"
series_key=$PIN_KEY
tap_ok "a series gives another key" test "$series_key" != "$key0"
KB_LOADED="" kbuild_load "tree:$tree+debug"
tap_is "back to the clean tree, back to its key" "$PIN_KEY" "$key0"

# The series, applied on a copy.
KB_LOADED="" P2PRIG_KERNEL_SERIES=$series kbuild_load "tree:$tree+debug"
copy=$(kbuild_source "tree-test" 2>"$work/apply.log")
tap_ok "the series is applied on the rig's copy, not the tree" \
	test "$copy" != "$tree" -a "$(grep -c 'return 2' "$copy/kernel/dma/mapping.c")" = 1
tap_is "the developer's tree is untouched" "$(git -C "$tree" status --porcelain)" ""
prov=$(BUILDROOT_BINDS="" kbuild_provenance "$copy")
tap_is "provenance: both patches by subject, in order" \
	"$(jq -r '[.series.patches[].subject] | join(" / ")' <<<"$prov")" "dma: return two / dma: add unmap"
tap_is "provenance: each patch has a patch-id, the source its HEAD" \
	"$(jq '(.series.patches | all(.patch_id | test("^[0-9a-f]{40}$"))) and .source.kind == "tree" and (.source.head | length) == 40 and .source.dirty == false' <<<"$prov")" true

# A series whose second patch does not apply to this base.
sed -i 's/return 1;/return 7;/' "$tree/kernel/dma/mapping.c"
git_quiet commit -q -am "dma: another base"
bad=$work/bad-series
mkdir -p "$bad"
cp "$series"/0001-*.patch "$bad/0002-dma-return-two.patch"
cp "$series"/0002-*.patch "$bad/0001-dma-add-unmap.patch"
KB_LOADED="" P2PRIG_KERNEL_SERIES=$bad kbuild_load "tree:$tree+debug"
tap_ok "a patch that does not apply stops the run, naming it and its first failing hunk" \
	fails_with 'patch 2 "dma: return two" \(0002-dma-return-two.patch\) does not apply to tree:.*first failing hunk: patch failed: kernel/dma/mapping.c:[0-9]+; nothing was built' \
	kbuild_source "tree-test"

# The fragments' requests: the last word on an option wins.
kbuild_parse "src:7.3.4+debug"
tap_is "debug.config turns rig.config's default tracers off" \
	"$(kbuild_requests | awk '$1 == "CONFIG_ENABLE_DEFAULT_TRACERS" { print $2 }')" n
tap_is "every request of debug.config is there (dma-debug, KASAN, lockdep, kmemleak)" \
	"$(kbuild_requests | grep -cE "^CONFIG_(DMA_API_DEBUG|KASAN|PROVE_LOCKING|DEBUG_KMEMLEAK) y$")" 4

# An option that did not stick, explained.
printf 'CONFIG_BAR=y\nCONFIG_BAZ=y\n' >"$work/dotconfig"
BUILDROOT_BINDS="$tree:$KB_SRC:ro"
tap_is "an unmet dependency is named with the values it saw" \
	"$(kbuild_explain CONFIG_FOO "$work/dotconfig")" "depends on (BAR=y && !BAZ=y)"
tap_done
