# shellcheck shell=bash
# Boot the virtual lab once, as the loaded rig config (RIG_*, from
# harness/lib/rigconfig.sh) describes it: a q35 machine whose NVMe
# controller(s) (the first with a CMB), QEMU's edu DMA engine and an ivshmem
# BAR sit behind one PCIe switch or on root ports of their own, with an
# intel-iommu, a virtio-iommu or no IOMMU, plus virtio-net for soft-RoCE.
# The guest runs harness/vlab/guest-run.sh and powers off.
#
# Limits of the emulation, stated where users look (README.md too): QEMU
# sends every device DMA through the IOMMU and does not route peer traffic
# inside the switch, so a raw bus address faults under a translating IOMMU.

# shellcheck source=harness/vlab/initramfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/initramfs.sh"
# shellcheck source=harness/lib/rigconfig.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/rigconfig.sh"

# Seconds before the watchdog kills a guest that neither finished nor panicked
# (vlab_watchdog: three times that for a kernel with KASAN, unless set).
P2PRIG_BOOT_TIMEOUT_GIVEN=${P2PRIG_BOOT_TIMEOUT:-}
P2PRIG_BOOT_TIMEOUT=${P2PRIG_BOOT_TIMEOUT:-600}

# vlab_watchdog UNAME: set P2PRIG_BOOT_TIMEOUT for a boot of that kernel.
# The debug kernel the rig builds (KASAN, lockdep, kmemleak, dma-debug)
# takes 1-2 min to reach userspace under TCG where Debian's takes 6 s, and
# its end-of-run kmemleak scan takes minutes more on a busy machine.
vlab_watchdog() {
	[[ -z $P2PRIG_BOOT_TIMEOUT_GIVEN ]] || return 0
	if grep -qx 'CONFIG_KASAN=y' "$BUILDROOT/usr/lib/modules/$1/config" 2>/dev/null; then
		P2PRIG_BOOT_TIMEOUT=1800
	else
		P2PRIG_BOOT_TIMEOUT=600
	fi
}

# vlab_kernel_image UNAME: the kernel image in the build root. Split
# packages (7.x) keep it beside the modules, older ones in /boot.
vlab_kernel_image() {
	local image
	image=$({
		find "$BUILDROOT/usr/lib/modules/$1" -maxdepth 1 -name "vmlinuz*"
		find "$BUILDROOT/boot" -maxdepth 1 -name "vmlinuz-$1"
	} 2>/dev/null | sort | head -n 1)
	[[ -n $image ]] || die "no kernel image for $1 in the build root"
	printf '%s\n' "$image"
}

# vlab_kernel_pvh UNAME IMAGE: the kernel as the ELF inside IMAGE (a
# bzImage), cached, for QEMU to start through PVH; IMAGE itself when that
# cannot be had. Under TCG the bzImage's decompressor costs ~2.4 s a boot.
# The payload's last 4 bytes are the ELF's size: a truncated or failed
# extraction never gets into the cache.
vlab_kernel_pvh() {
	local uname=$1 image=$2 config dir out key setup offset length size tool
	config=$BUILDROOT/usr/lib/modules/$uname/config
	[[ -r $config ]] || config=$BUILDROOT/boot/config-$uname
	# A KASAN kernel entered through PVH dies before its console here
	# (seen with the rig's own debug build, QEMU 7.2): it boots its bzImage.
	if ! grep -qx 'CONFIG_PVH=y' "$config" 2>/dev/null || grep -qx 'CONFIG_KASAN=y' "$config"; then
		printf '%s
' "$image"
		return
	fi
	key=$(sha256sum "$image" | cut -c1-16)
	dir=$P2PRIG_CACHE/vmlinux
	out=$dir/$uname-$key.elf
	if [[ -s $out ]]; then
		printf '%s
' "$out"
		return
	fi
	# Boot protocol header: setup_sects at 0x1f1, payload_offset/_length
	# at 0x248/0x24c (from the protected-mode code, after the setup sectors).
	setup=$(od -An -tu1 -j $((0x1f1)) -N1 "$image" | tr -d ' ')
	offset=$(od -An -tu4 -j $((0x248)) -N4 "$image" | tr -d ' ')
	length=$(od -An -tu4 -j $((0x24c)) -N4 "$image" | tr -d ' ')
	offset=$(((setup + 1) * 512 + offset))
	case $(od -An -tx1 -j "$offset" -N4 "$image" | tr -d ' ') in
	28b52ffd) tool="zstd -dcq" ;;
	fd377a58) tool="xz -dcq --single-stream" ;;
	1f8b08*) tool="gzip -dcq" ;;
	*) tool="" ;;
	esac
	size=$(od -An -tu4 -j $((offset + length - 4)) -N4 "$image" | tr -d ' ')
	mkdir -p "$dir"
	# The decompressors complain about the size trailer: the size check judges.
	# shellcheck disable=SC2086 # $tool is a command and its options
	if [[ -n $tool ]] && command -v "${tool%% *}" >/dev/null &&
		tail -c +$((offset + 1)) "$image" | head -c "$length" | $tool >"$out.$$.tmp" 2>/dev/null
		[[ -n $tool && -s $out.$$.tmp && $(stat -c %s "$out.$$.tmp") == "$size" &&
			$(head -c 4 "$out.$$.tmp" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
		mv "$out.$$.tmp" "$out"
		printf '%s
' "$out"
	else
		rm -f "$out.$$.tmp"
		printf '%s
' "$image"
	fi
}

# vlab_guest_cmdline: the guest kernel's command line for the rig.
# Under TCG every PAUSE and RDTSC leaves QEMU's translated code, so the
# kernel's busy-wait calibrations cost seconds of wall time for a few
# hundred virtual ms: nolapic_timer skips the local APIC timer's (~5 s; the
# tick comes from the HPET instead), no_timer_check the IO-APIC timer check.
# cryptomgr.notests skips the crypto self-tests (~1 s of RSA/ECC math), which
# nothing here depends on.
vlab_guest_cmdline() {
	local append="console=ttyS0 panic=-1 loglevel=4 quiet nolapic_timer no_timer_check cryptomgr.notests"
	case $RIG_VLAB_IOMMU_DEVICE:$RIG_VLAB_IOMMU in
	none:*) append+=" intel_iommu=off" ;;
	intel-iommu:translated) append+=" intel_iommu=on" ;;
	intel-iommu:passthrough) append+=" intel_iommu=on iommu=pt" ;;
	virtio-iommu:translated) ;;
	virtio-iommu:passthrough) append+=" iommu=pt" ;;
	*) die "no guest command line for IOMMU $RIG_VLAB_IOMMU_DEVICE $RIG_VLAB_IOMMU" ;;
	esac
	[[ $RIG_VLAB_SWIOTLB_FORCE != y ]] || append+=" swiotlb=force"
	# Test knob: an init that does not exist panics the kernel before /init.
	[[ ${P2PRIG_INJECT:-} != early-panic ]] || append+=" rdinit=/p2prig-no-such-init"
	printf '%s\n' "$append"
}

# vlab_pcie_devices SCRATCH: the devices under test and the ports that hold
# them, as QEMU arguments one a line: CONFIG_VLAB_TREE as the host's runner
# spells it (harness/src/topology/), the NVMe disks and ivshmem's file in
# SCRATCH. The ids are what a hot-unplug names on the QEMU monitor
# (nvme-cmb, edu0, ivshmem0); the serials what scenarios name (p2prigN).
vlab_pcie_devices() {
	"$P2PRIG_TOP/build/host/p2prig" topology-tree qemu "$RIG_VLAB_TREE" --at CONFIG_VLAB_TREE \
		--nvme-count "$RIG_VLAB_NVME_COUNT" --namespaces "$RIG_VLAB_NVME_NAMESPACES" \
		--cmb-mb "$RIG_VLAB_CMB_MB" --ivshmem-mb "$RIG_VLAB_IVSHMEM_MB" --scratch "$1"
}

# vlab_qemu_binary: the words that start QEMU, as CONFIG_VLAB_QEMU chooses:
# the host's qemu-system-x86_64, or the build root's, run by the build
# root's own loader with its libraries, modules and firmware.
vlab_qemu_binary() {
	case $RIG_VLAB_QEMU in
	host) printf '%s\n' qemu-system-x86_64 ;;
	buildroot)
		local lib=$BUILDROOT/usr/lib/x86_64-linux-gnu
		[[ -x $BUILDROOT/usr/bin/qemu-system-x86_64 ]] ||
			die "no qemu-system-x86_64 in the build root $BUILDROOT"
		printf '%s\n' env "QEMU_MODULE_DIR=$lib/qemu" "$BUILDROOT/lib64/ld-linux-x86-64.so.2" \
			--library-path "$lib:$BUILDROOT/lib/x86_64-linux-gnu" \
			"$BUILDROOT/usr/bin/qemu-system-x86_64" \
			-L "$BUILDROOT/usr/share/seabios" -L "$BUILDROOT/usr/share/qemu"
		;;
	*) die "unknown CONFIG_VLAB_QEMU '$RIG_VLAB_QEMU'" ;;
	esac
}

# The guests' NICs by address: the guest finds each by it (guest-rxe.sh),
# whatever name the kernel gave it.
VLAB_USER_NET_MAC=52:54:00:70:00:10
vlab_link_mac() { case $1 in server) echo 52:54:00:70:00:01 ;; *) echo 52:54:00:70:00:02 ;; esac; }

# vlab_qemu_cmd UNAME RESULTS SCRATCH: print the QEMU command, one word a line.
vlab_qemu_cmd() {
	local uname=$1 results=$2 scratch=$3 kernel initrd append
	kernel=$(vlab_kernel_image "$uname")
	kernel=$(vlab_kernel_pvh "$uname" "$kernel")
	initrd=$(ensure_initramfs "$uname")
	append=$(vlab_guest_cmdline)
	local share=security_model=none,multidevs=remap
	vlab_qemu_binary
	printf '%s\n' \
		-nodefaults -nographic -no-reboot \
		-M q35,kernel-irqchip=split -accel tcg,thread=single \
		-cpu "$RIG_VLAB_CPU" -smp 1 -m "$RIG_VLAB_MEM_MB" \
		-serial "file:$results/serial.log" -monitor none \
		-qmp "unix:$scratch/qmp.sock,server=on,wait=off" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$append"
	# One guest runs on instruction-counted time, so edu's 100 ms DMA timer
	# costs nothing while the guest waits. Two guests talking to each other
	# cannot: idle time would jump ahead on each side, and every network
	# timeout would fire at once. They run on the host's clock.
	# Nor can storage I/O (CONFIG_VLAB_HOST_CLOCK says why).
	[[ -n ${VLAB_LINK:-} || $RIG_VLAB_HOST_CLOCK == y ]] || printf '%s\n' -icount shift=0,sleep=off
	# The IOMMU comes before the devices it translates for.
	case $RIG_VLAB_IOMMU_DEVICE in
	intel-iommu) printf '%s\n' -device intel-iommu,intremap=on ;;
	virtio-iommu) printf '%s\n' -device virtio-iommu-pci,bus=pcie.0 ;;
	esac
	vlab_pcie_devices "$scratch"
	# The NICs on q35's own bus, named: left to choose, QEMU may take an
	# expander's (pxb-pcie), where only bridges fit.
	printf '%s\n' -netdev user,id=net0 -device "virtio-net-pci,netdev=net0,mac=$VLAB_USER_NET_MAC,bus=pcie.0"
	# The link between the two guests of a two-node run (vlab_boot_pair).
	[[ -z ${VLAB_LINK:-} ]] || printf '%s\n' -netdev "socket,id=net1,$VLAB_LINK" \
		-device "virtio-net-pci,netdev=net1,mac=${VLAB_LINK_MAC:?},bus=pcie.0"
	vlab_share buildroot "$BUILDROOT" "readonly=on,$share"
	vlab_share rig "$P2PRIG_TOP" "readonly=on,$share"
	vlab_share results "$results" "$share"
}

# vlab_share TAG PATH OPTIONS: a 9p share as QEMU arguments, what -virtfs
# spells in one, in two: -virtfs cannot name the share device's bus, and
# left to choose, QEMU may take an expander's, which holds only bridges.
vlab_share() {
	printf '%s\n' -fsdev "local,id=$1,path=$2,$3" -device "virtio-9p-pci,fsdev=$1,mount_tag=$1,bus=pcie.0"
}

# Show the guest's progress lines live until process $2 (QEMU's watchdog)
# ends, each headed by VLAB_LABEL (the node's name in a two-node run).
# With a third argument, the host's time when the guest's userspace came up
# ("p2prig: guest up") goes to that file: where boot ends and the run begins.
follow_progress() {
	local line up=${3:-}
	tail --pid="$2" -n +1 -F "$1" 2>/dev/null | grep --line-buffered -E '^(p2prig|p2prig-init):' |
		while IFS= read -r line; do
			if [[ -n $up && $line == "p2prig: guest up"* ]]; then
				now_s >"$up"
				up=""
			fi
			printf '  %s| %s\n' "${VLAB_LABEL:-guest}" "$line"
		done
}

# vlab_host_agent SERIAL QMP_SOCKET QEMU_PID LOG: what a guest asks of the
# host on its console until QEMU ends. One request so far, a line
# "p2prig-host: device_del ID": QEMU's monitor removes device ID the way a
# slot's attention button or a surprise removal would (the guest's pciehp
# takes it out). Each request and QEMU's answers go to LOG.
vlab_host_agent() {
	local serial=$1 sock=$2 pid=$3 log=$4 line id to_qemu=""
	local fifo=${sock%/*}/qmp-agent.in
	tail --pid="$pid" -n +1 -F "$serial" 2>/dev/null | while IFS= read -r line; do
		[[ ${line%$'\r'} =~ ^p2prig-host:\ device_del\ ([a-z0-9-]+)$ ]] || continue
		id=${BASH_REMATCH[1]}
		printf 'device_del %s\n' "$id" >>"$log"
		if [[ -z $to_qemu ]]; then
			# One monitor session for the rest of the boot: QEMU serves one
			# client at a time, and DEVICE_DELETED only comes once the guest
			# has let the device go. Held open read-write, the FIFO never
			# blocks this loop, even if socat could not connect.
			mkfifo "$fifo"
			{ socat - "UNIX-CONNECT:$sock" <"$fifo" 2>&1 || echo "monitor: socat exit $?"; } >>"$log" &
			exec {to_qemu}<>"$fifo"
			printf '{"execute":"qmp_capabilities"}\n' >&"$to_qemu"
		fi
		printf '{"execute":"device_del","arguments":{"id":"%s"}}\n' "$id" >&"$to_qemu"
	done
}

# vlab_boot UNAME RESULTS: one boot, retried once if the kernel panics before
# /init starts. Sets VLAB_OUTCOME to done, panic, early-panic, hang or error.
# The scratch folder (in /dev/shm) holds the NVMe disks and ivshmem, the
# file behind ivshmem's BAR 2. A caller that wants to see that BAR from the
# host names functions in VLAB_SCRATCH_READY (called before QEMU starts)
# and VLAB_GUEST_ENDED (after the guest ended, before the folder goes),
# each with SCRATCH and RESULTS (the host oracle: run-scenario.sh).
vlab_boot() {
	local uname=$1 results=$2 try scratch rc qemu agent t0
	# The tree is checked first, where a bad one can stop the boot (the
	# QEMU command is read from a pipe below, its errors would be lost).
	vlab_pcie_devices /nonexistent >/dev/null || die "CONFIG_VLAB_TREE: not a tree QEMU can be given (above)"
	scratch=$(mktemp -d /dev/shm/p2prig-vlab.XXXXXX)
	local i n
	truncate -s "${RIG_VLAB_NVME_DISK_MB}M" "$scratch/nvme0n1.img"
	for ((i = 1; i < RIG_VLAB_NVME_COUNT; i++)); do
		for ((n = 1; n <= RIG_VLAB_NVME_NAMESPACES; n++)); do
			truncate -s "${RIG_VLAB_NVME_DISK_MB}M" "$scratch/nvme${i}n$n.img"
		done
	done
	truncate -s "${RIG_VLAB_IVSHMEM_MB}M" "$scratch/ivshmem"
	if [[ -n ${VLAB_SCRATCH_READY:-} ]] && ! "$VLAB_SCRATCH_READY" "$scratch" "$results"; then
		warn "$VLAB_SCRATCH_READY failed on the scratch folder $scratch"
	fi
	local -a cmd
	vlab_watchdog "$uname"
	phase_begin initramfs
	mapfile -t cmd < <(vlab_qemu_cmd "$uname" "$results" "$scratch")
	phase_end
	[[ ${#cmd[@]} -gt 10 ]] || die "could not assemble the QEMU command"
	printf '%q ' "${cmd[@]}" >"$results/qemu-cmdline.txt"
	for try in 1 2; do
		: >"$results/serial.log"
		log "boot: $uname (try $try, watchdog ${P2PRIG_BOOT_TIMEOUT}s)"
		t0=$(now_s)
		rm -f "$scratch/guest-up"
		timeout -k 10 "$P2PRIG_BOOT_TIMEOUT" "${cmd[@]}" </dev/null >"$results/qemu.log" 2>&1 &
		qemu=$!
		vlab_host_agent "$results/serial.log" "$scratch/qmp.sock" "$qemu" "$results/host-agent.log" &
		agent=$!
		follow_progress "$results/serial.log" "$qemu" "$scratch/guest-up" || true # display only
		rc=0
		wait "$qemu" || rc=$?
		vlab_boot_phases "$t0" "$scratch/guest-up"
		wait "$agent" || warn "the host agent ended with $?: see $results/host-agent.log"
		VLAB_OUTCOME=$(classify_boot "$results/serial.log" "$rc")
		if [[ $VLAB_OUTCOME == early-panic && $try == 1 ]]; then
			warn "kernel panicked before /init; keeping serial.try1.log and retrying once"
			mv "$results/serial.log" "$results/serial.try1.log"
			continue
		fi
		break
	done
	if [[ -n ${VLAB_GUEST_ENDED:-} ]] && ! "$VLAB_GUEST_ENDED" "$scratch" "$results"; then
		warn "$VLAB_GUEST_ENDED failed on the scratch folder $scratch"
	fi
	rm -rf "$scratch"
	log "boot: outcome $VLAB_OUTCOME (qemu exit $rc)"
}

# vlab_boot_phases T0 GUEST_UP_FILE: QEMU's wall time since T0, split at the
# guest's userspace coming up into "boot" and "guest run".
vlab_boot_phases() {
	local t0=$1 up total
	total=$(elapsed "$t0")
	up=$(cat "$2" 2>/dev/null || true)
	if [[ -z $up ]]; then
		phase_add boot "$total"
		return
	fi
	up=$(awk -v a="$t0" -v b="$up" 'BEGIN { printf "%.1f", b - a }')
	phase_add boot "$up"
	phase_add "guest run" "$(awk -v a="$total" -v b="$up" 'BEGIN { printf "%.1f", a - b }')"
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

# vlab_free_port: a TCP port on the loopback that nothing listens on.
vlab_free_port() {
	local port try
	for try in $(seq 20); do
		port=$((20000 + (RANDOM % 40000)))
		if ! ss -Htln "sport = :$port" | grep -q .; then
			printf '%s\n' "$port"
			return 0
		fi
	done
	die "no free TCP port for the two-node link after $try tries"
}

# vlab_wait_listen PORT PID: until QEMU (PID) listens on PORT; false if it died.
vlab_wait_listen() {
	local port=$1 pid=$2
	until ss -Htln "sport = :$port" | grep -q .; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# vlab_boot_pair UNAME SERVER_RESULTS CLIENT_RESULTS: two guests at once,
# joined by a QEMU socket link (a second NIC in each), each booted as vlab_boot
# boots one. The server's QEMU listens on the link, so it starts first: a
# connecting QEMU with no listener exits at once. Each guest's outcome goes
# to its RESULTS/outcome; VLAB_OUTCOME is the server's unless that is done.
vlab_boot_pair() {
	local uname=$1 server=$2 client=$3 port server_pid client_pid
	port=$(vlab_free_port)
	(
		VLAB_LABEL=server VLAB_LINK="listen=127.0.0.1:$port" VLAB_LINK_MAC=$(vlab_link_mac server)
		vlab_boot "$uname" "$server"
		printf '%s\n' "$VLAB_OUTCOME" >"$server/outcome"
	) &
	server_pid=$!
	vlab_wait_listen "$port" "$server_pid" || warn "the server guest stopped before it listened on the link"
	(
		VLAB_LABEL=client VLAB_LINK="connect=127.0.0.1:$port" VLAB_LINK_MAC=$(vlab_link_mac client)
		vlab_boot "$uname" "$client"
		printf '%s\n' "$VLAB_OUTCOME" >"$client/outcome"
	) &
	client_pid=$!
	wait "$server_pid" || true
	wait "$client_pid" || true
	VLAB_OUTCOME=$(cat "$server/outcome" 2>/dev/null || echo error)
	[[ $VLAB_OUTCOME != "done" ]] || VLAB_OUTCOME=$(cat "$client/outcome" 2>/dev/null || echo error)
}
