#!/usr/bin/env bash
# Inside a virtual-lab guest made the "lab machine" (tests/vlab/ops/95): the
# lab-mode front door exactly as a lab engineer runs it, as root, on a
# writable copy of the checkout, against the kernel the guest booted. Each
# command's exit code goes to /results/lab.env, its output to
# /results/lab-NAME.log, its results folder under /results/lab/; the host
# side judges them.
set -euo pipefail
export HOME=/tmp PATH=/usr/sbin:/usr/bin:/sbin:/bin
export P2PRIG_RESULTS=/results/lab
# A lab machine has /dev/fd (bash's process substitution); the guest's
# devtmpfs lacks the link.
[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
mkdir -p /tmp/rig "$P2PRIG_RESULTS"
# The checkout without what the host built or ran: this machine builds its own.
tar -C /rig --exclude=./build --exclude=./results --exclude=./.git -cf - . | tar -C /tmp/rig -xf -
rm -f /tmp/rig/kmod/*.o /tmp/rig/kmod/*.ko
cd /tmp/rig

# run NAME COMMAND...: NAME's exit code into lab.env, its output kept.
run() {
	local name=$1 rc=0
	shift
	echo "p2prig-lab: $name: $*"
	"$@" >"/results/lab-$name.log" 2>&1 || rc=$?
	echo "${name//-/_}=$rc" >>/results/lab.env
	echo "p2prig-lab: $name: exit $rc"
}

: >/results/lab.env
run defconfig make lab-vlab-guest_defconfig
run doctor make doctor
run nvme-cmb make scenario=nvme-cmb rig=host
# Lab CI calls the script itself for the exact exit code (0, 1, 2, 4); make
# turns every failure into its own 2.
run gpu-bar harness/run-lab.sh gpu-bar
# An RDMA device the config does not name: soft-RoCE on the guest's NIC,
# as a lab machine's NIC that carries someone else's traffic would be. A
# scenario with verbs steps on it is refused; the device goes afterwards.
# shellcheck source=harness/vlab/guest-rxe.sh
source harness/vlab/guest-rxe.sh
# The guest's NIC whatever the kernel named it: the one network device on
# a bus (lo and other virtual ones have no device link).
rxe_up_on_the_nic() {
	local dev
	local -a nics=()
	modprobe virtio_net
	# The NIC appears asynchronously once its driver is loaded.
	for _ in $(seq 50); do
		for dev in /sys/class/net/*; do
			[[ ! -e $dev/device ]] || nics+=("${dev##*/}")
		done
		((${#nics[@]} == 0)) || break
		sleep 0.1
	done
	if ((${#nics[@]} != 1)); then
		echo "p2prig-lab: expected one NIC, found ${#nics[@]}: ${nics[*]-}"
		return 1
	fi
	echo "p2prig-lab: the NIC is ${nics[0]}"
	rxe_up "${nics[0]}" rxe0
}
run rxe-up rxe_up_on_the_nic
run rdma-not-named harness/run-lab.sh gpu-bar
run rxe-down rdma link delete rxe0
# A config that names a device this machine does not have.
printf '# Help: a lab rig with a provider that is not here\nCONFIG_RIG_LAB=y\nCONFIG_LAB_PROVIDER="dead:beef"\nCONFIG_LAB_INITIATOR="1234:11e8"\n' \
	>/tmp/missing_defconfig
run missing-device harness/run-lab.sh nvme-cmb --config /tmp/missing_defconfig
# A scenario that writes a namespace the config does not name as scratch.
cat >/tmp/scratch-write <<'EOF'
describe fio writes the CMB controller's namespace through its CMB: only a scratch namespace may be written
provider cmb nvme-cmb id=1b36:0010 size=1M
storage disk nvme serial=p2prig0 nsid=1 scratch
step f fio storage=disk buffer=cmb rw=write-read sizes=4K iodepths=1 size=1M
expect verified
EOF
run not-scratch harness/run-lab.sh /tmp/scratch-write
# The same namespace named scratch, but with a file system mounted on it.
printf '# Help: a lab rig whose scratch namespace is mounted\nCONFIG_RIG_LAB=y\nCONFIG_LAB_PROVIDER="1b36:0010"\nCONFIG_LAB_INITIATOR="1234:11e8"\nCONFIG_LAB_SCRATCH_NAMESPACES="p2prig0:1"\n' \
	>/tmp/scratch_defconfig
# The namespace by its controller's serial and its nsid, never by the
# kernel's names (nvme0 is whichever controller probed first; n1 is the
# first namespace the scan registered, not nsid 1). Its device goes to
# lab.env for the host to find in the refusal.
mount_scratch() {
	local ctrl ns dev=""
	for ctrl in /sys/class/nvme/nvme*; do
		[[ $(tr -d ' ' <"$ctrl/serial") == p2prig0 ]] || continue
		for ns in "$ctrl"/nvme*n*; do
			if [[ -r $ns/nsid && $(<"$ns/nsid") == 1 && -b /dev/${ns##*/} ]]; then
				dev=/dev/${ns##*/}
			fi
		done
	done
	if [[ -z $dev ]]; then
		echo "p2prig-lab: no block device for p2prig0 nsid 1"
		return 1
	fi
	echo "scratch_dev=$dev" >>/results/lab.env
	mkfs.ext4 -q -F "$dev"
	modprobe ext4
	mkdir -p /tmp/scratch-mnt
	mount "$dev" /tmp/scratch-mnt
}
run mount-scratch mount_scratch
run mounted harness/run-lab.sh /tmp/scratch-write --config /tmp/scratch_defconfig
run umount-scratch umount /tmp/scratch-mnt
# A device its driver holds (the guest's virtio NIC) named as the bar provider.
for held in /sys/bus/pci/drivers/virtio-pci/0000:*; do break; done
printf '# Help: a lab rig whose bar provider a driver holds\nCONFIG_RIG_LAB=y\nCONFIG_LAB_PROVIDER="1b36:0010"\nCONFIG_LAB_INITIATOR="1234:11e8"\nCONFIG_LAB_BAR_PROVIDER="%s"\n' \
	"${held##*/}" >/tmp/held_defconfig
run held-device harness/run-lab.sh gpu-bar --config /tmp/held_defconfig
# Nothing may be left loaded or taken.
[[ -e /sys/module/p2prig ]] && echo "module_left=yes" >>/results/lab.env || echo "module_left=no" >>/results/lab.env
echo "ivshmem_override=$(cat /sys/bus/pci/devices/*/driver_override 2>/dev/null | grep -c p2prig || true)" >>/results/lab.env
echo "p2prig-lab: done"
