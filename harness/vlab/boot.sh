# shellcheck shell=bash
# Boot the virtual lab once: QEMU (TCG) with an IOMMU and a PCIe switch
# carrying an NVMe controller with a CMB, QEMU's edu DMA engine and an
# ivshmem BAR, plus virtio-net for soft-RoCE. The guest runs
# harness/vlab/guest-run.sh and powers off.
#
# Limits of the emulation, stated where users look (README.md too): QEMU
# sends every device DMA through the IOMMU and does not route peer traffic
# inside the switch, so a raw bus address faults under a translating IOMMU.

# shellcheck source=harness/vlab/initramfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/initramfs.sh"

VLAB_CMB_MB=${VLAB_CMB_MB:-64}
VLAB_IVSHMEM_MB=${VLAB_IVSHMEM_MB:-64}
VLAB_MEM_MB=${VLAB_MEM_MB:-2048}
# Seconds before the watchdog kills a guest that neither finished nor panicked.
P2PRIG_BOOT_TIMEOUT=${P2PRIG_BOOT_TIMEOUT:-600}

vlab_topology_text() {
	printf 'q35, intel-iommu (translated), root port > switch: nvme (CMB %d MiB), edu, ivshmem (%d MiB); virtio-net' \
		"$VLAB_CMB_MB" "$VLAB_IVSHMEM_MB"
}

# vlab_qemu_cmd UNAME RESULTS SCRATCH: print the QEMU command, one word a line.
vlab_qemu_cmd() {
	local uname=$1 results=$2 scratch=$3 kernel initrd
	kernel=$(find "$BUILDROOT/usr/lib/modules/$uname" -maxdepth 1 -name "vmlinuz*" | sort | head -n 1)
	initrd=$(ensure_initramfs "$uname")
	local share=security_model=none,multidevs=remap
	local append="console=ttyS0 intel_iommu=on panic=-1 loglevel=4 quiet"
	# Test knob: an init that does not exist panics the kernel before /init.
	[[ ${P2PRIG_INJECT:-} != early-panic ]] || append+=" rdinit=/p2prig-no-such-init"
	printf '%s\n' \
		qemu-system-x86_64 -nodefaults -nographic -no-reboot \
		-M q35,kernel-irqchip=split -accel tcg,thread=single \
		-icount shift=0,sleep=off -cpu max -smp 1 -m "$VLAB_MEM_MB" \
		-serial "file:$results/serial.log" -monitor none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$append" \
		-device intel-iommu,intremap=on \
		-device pcie-root-port,id=rp0,chassis=1,slot=1,bus=pcie.0 \
		-device x3130-upstream,id=sw0,bus=rp0 \
		-device xio3130-downstream,id=sw0p0,bus=sw0,chassis=2,slot=0 \
		-device xio3130-downstream,id=sw0p1,bus=sw0,chassis=3,slot=0 \
		-device xio3130-downstream,id=sw0p2,bus=sw0,chassis=4,slot=0 \
		-drive "file=$scratch/nvme0.img,if=none,id=nvm0,format=raw" \
		-device "nvme,serial=p2prig0,drive=nvm0,cmb_size_mb=$VLAB_CMB_MB,bus=sw0p0" \
		-device edu,dma_mask=0xffffffffffffffff,bus=sw0p1 \
		-object "memory-backend-file,id=ivmem,share=on,mem-path=$scratch/ivshmem,size=${VLAB_IVSHMEM_MB}M" \
		-device ivshmem-plain,memdev=ivmem,bus=sw0p2 \
		-netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
		-virtfs "local,path=$BUILDROOT,mount_tag=buildroot,readonly=on,$share" \
		-virtfs "local,path=$P2PRIG_TOP,mount_tag=rig,readonly=on,$share" \
		-virtfs "local,path=$results,mount_tag=results,$share"
}

# Show the guest's progress lines live until process $2 (QEMU's watchdog) ends.
follow_progress() {
	tail --pid="$2" -n +1 -F "$1" 2>/dev/null | grep --line-buffered -E '^(p2prig|p2prig-init):' |
		sed -u 's/^/  guest| /'
}

# vlab_boot UNAME RESULTS: one boot, retried once if the kernel panics before
# /init starts. Sets VLAB_OUTCOME to done, panic, early-panic, hang or error.
vlab_boot() {
	local uname=$1 results=$2 try scratch rc qemu
	scratch=$(mktemp -d /dev/shm/p2prig-vlab.XXXXXX)
	truncate -s 64M "$scratch/nvme0.img"
	local -a cmd
	mapfile -t cmd < <(vlab_qemu_cmd "$uname" "$results" "$scratch")
	[[ ${#cmd[@]} -gt 10 ]] || die "could not assemble the QEMU command"
	printf '%q ' "${cmd[@]}" >"$results/qemu-cmdline.txt"
	for try in 1 2; do
		: >"$results/serial.log"
		log "boot: $uname (try $try, watchdog ${P2PRIG_BOOT_TIMEOUT}s)"
		timeout -k 10 "$P2PRIG_BOOT_TIMEOUT" "${cmd[@]}" </dev/null >"$results/qemu.log" 2>&1 &
		qemu=$!
		follow_progress "$results/serial.log" "$qemu" || true # display only
		rc=0
		wait "$qemu" || rc=$?
		VLAB_OUTCOME=$(classify_boot "$results/serial.log" "$rc")
		if [[ $VLAB_OUTCOME == early-panic && $try == 1 ]]; then
			warn "kernel panicked before /init; keeping serial.try1.log and retrying once"
			mv "$results/serial.log" "$results/serial.try1.log"
			continue
		fi
		break
	done
	rm -rf "$scratch"
	log "boot: outcome $VLAB_OUTCOME (qemu exit $rc)"
}

# classify_boot SERIAL_LOG QEMU_RC
classify_boot() {
	local serial=$1 rc=$2
	if grep -q 'Kernel panic' "$serial"; then
		if grep -q '^p2prig-init: start' "$serial"; then echo panic; else echo early-panic; fi
	elif [[ $rc == 124 || $rc == 137 ]]; then
		echo hang
	elif grep -q '^p2prig: guest done' "$serial"; then
		echo "done"
	else
		echo error
	fi
}
