# shellcheck shell=bash
# The guest's initramfs: busybox-static, the modules 9p needs (none for a
# kernel the rig built: they are built in), and
# guest-init as /init. Cached by the hash of everything that goes in.
#
# virtio_iommu comes first: Debian builds it as a module, and the virtio
# devices behind a virtio-iommu (the 9p shares) do not probe until it is
# loaded. Without a virtio-iommu in the machine it loads and stays idle.

# shellcheck source=harness/vlab/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/cache.sh"

INITRAMFS_MODULES=(virtio_iommu 9pnet_virtio 9p)

# ensure_initramfs UNAME: print the path of the initramfs for that kernel.
ensure_initramfs() {
	initramfs_for "$1" "$P2PRIG_TOP/harness/vlab/guest-init" "" "${INITRAMFS_MODULES[@]}"
}

# initramfs_for UNAME INIT PREFIX MODULE...: print the path of an initramfs
# for that kernel holding busybox, INIT as /init and MODULE... with what
# they depend on (modules/order: the order to load them), named PREFIX
# UNAME-KEY under the cache; the LAVA device's init uses it too.
initramfs_for() {
	local uname=$1 init=$2 prefix=$3 busybox=/bin/busybox
	shift 3
	[[ -x $busybox ]] || die "$busybox missing (apt-get install busybox-static)"
	local deps key out shown m
	# A kernel the rig builds has them built in: an initramfs without modules.
	shown=$(for m in "$@"; do
		chroot "$BUILDROOT" modprobe -S "$uname" --show-depends "$m" ||
			die "modprobe finds no ${m} for $uname, as a module or built in"
	done)
	deps=$(awk '$1 == "insmod" && !seen[$2]++ { print $2 }' <<<"$shown")
	key=$({
		printf '%s\n' "$uname" "$deps"
		sha256sum "$busybox" "$init"
		cat "$BUILDROOT/.p2prig-kernel-$uname"
	} | sha256sum | cut -c1-16)
	out="$P2PRIG_CACHE/initramfs/$prefix$uname-$key.cpio.gz"
	if [[ -s $out ]]; then
		printf '%s\n' "$out"
		return
	fi
	log "initramfs: building for $uname" >&2
	local tmp ko
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,proc,sys,dev,newroot,modules}
	cp "$busybox" "$tmp/bin/busybox"
	install -m 0755 "$init" "$tmp/init"
	: >"$tmp/modules/order"
	while read -r ko; do
		[[ -n $ko ]] || continue
		xz -dc "$BUILDROOT$ko" >"$tmp/modules/$(basename "$ko" .xz)"
		basename "$ko" .xz >>"$tmp/modules/order"
	done <<<"$deps"
	mkdir -p "$(dirname "$out")"
	(cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	printf '%s\n' "$out"
}
