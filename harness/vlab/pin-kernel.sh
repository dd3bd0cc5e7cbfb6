#!/usr/bin/env bash
# Pin a Debian kernel for the virtual lab: find the packages a guest needs
# (image, modules, headers, kbuild) in one suite of the archive this
# machine uses, and the same version's linux-source for kernels the rig
# builds; download them into the cache, and write
# harness/vlab/kernels/VERSION.pin with each package's exact version and
# sha256. Commit the pin; runs then fetch exactly those files.
#
#   harness/vlab/pin-kernel.sh SUITE VERSION     e.g. sid 7.2, trixie 6.12
#
# VERSION is an upstream prefix (7.2 picks the newest 7.2.x in SUITE).
# Newer Debian kernels split the image into linux-binary(-unsigned),
# linux-base and linux-modules; older ones ship linux-image-*-unsigned:
# the pin lists whichever the suite has.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

[[ $# -eq 2 ]] || die "usage: $0 SUITE VERSION (e.g. sid 7.2)"
suite=$1 want=$2
[[ $want =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]] || die "VERSION is like 7.2 or 6.12.117, not '$want'"

log "reading $suite's package lists"
apt_private "$suite" update >/dev/null
# The generic amd64 flavour's headers name the ABI: linux-headers-6.12.117+deb13-amd64.
uname=$(apt_cache_private "$suite" pkgnames linux-headers- |
	grep -E "^linux-headers-${want//./\\.}[.0-9]*\+deb[0-9]+-amd64$" |
	sed 's/^linux-headers-//' | sort -V | tail -n 1)
[[ -n $uname ]] || die "no linux-headers-$want*-amd64 in $suite"
abi=${uname%-amd64}
upstream=${abi%%+*}
candidate() { apt_cache_private "$suite" policy "$1" | awk '$1 == "Candidate:" { print $2 }'; }
version=$(candidate "linux-headers-$uname")

packages=()
if [[ -n $(candidate "linux-binary-unsigned-$uname") ]]; then
	packages+=("linux-binary-unsigned-$uname" "linux-base-$uname" "linux-modules-$uname")
elif [[ -n $(candidate "linux-image-$uname-unsigned") ]]; then
	packages+=("linux-image-$uname-unsigned")
else
	die "no unsigned image package for $uname in $suite"
fi
packages+=("linux-headers-$uname" "linux-headers-$abi-common" "linux-kbuild-$abi")

dir="$P2PRIG_CACHE/kernels/$uname"
mkdir -p "$dir"
lines=()
n=0
for name in "${packages[@]}"; do
	[[ $(candidate "$name") == "$version" ]] ||
		die "$name is at $(candidate "$name") in $suite, not $version: the suite is mid-upload, try later"
	log "downloading $name=$version"
	(cd "$dir" && apt_private "$suite" download "$name=$version" >/dev/null)
	n=$((n + 1))
	lines+=("PKG_$n=$name $(sha256sum "$dir/${name}_${version}_"*.deb | cut -d' ' -f1)")
done

# The same version's source, for kernels the rig builds (kbuild.sh).
source_pkg="linux-source-$(cut -d. -f1,2 <<<"$upstream")"
[[ $(candidate "$source_pkg") == "$version" ]] ||
	die "$source_pkg is at $(candidate "$source_pkg") in $suite, not $version"
log "downloading $source_pkg=$version"
(cd "$dir" && apt_private "$suite" download "$source_pkg=$version" >/dev/null)
lines+=("SOURCE=$source_pkg $(sha256sum "$dir/${source_pkg}_${version}_"*.deb | cut -d' ' -f1)")

pin="$P2PRIG_TOP/harness/vlab/kernels/$upstream.pin"
{
	echo "# Debian $suite's $upstream, pinned by harness/vlab/pin-kernel.sh $suite $want."
	echo "# When the archive drops this version, run it again and commit the file it writes."
	echo "SUITE=$suite"
	echo "UNAME=$uname"
	echo "VERSION=$version"
	printf '%s\n' "${lines[@]}"
} >"$pin"
log "wrote ${pin#"$P2PRIG_TOP"/}: $n packages, $(du -sh "$dir" | cut -f1) in the cache"
