# shellcheck shell=bash
# Soft-RoCE inside a virtual-lab guest, for guest-run.sh and for the lab
# guest (tests/vlab/ops/lab-guest.sh).

# netdev_with_mac MAC: the name the kernel gave the NIC whose address is
# MAC (the host sets it on QEMU's command line): names follow probe order,
# addresses do not. The NIC appears asynchronously once its driver loads.
netdev_with_mac() {
	local mac=$1 i dev
	modprobe virtio_net
	for ((i = 0; i < 50; i++)); do
		for dev in /sys/class/net/*; do
			[[ $(<"$dev/address") != "$mac" ]] || { printf '%s\n' "${dev##*/}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# rxe_up NETDEV RXE [ADDR]: the virtio NIC NETDEV up (with ADDR/24 when
# given; rxe takes its GIDs from the addresses) and the rxe device RXE on it.
rxe_up() {
	local netdev=$1 rxe=$2 addr=${3:-} i
	modprobe virtio_net
	# The NIC appears asynchronously once its driver is loaded.
	for ((i = 0; i < 50; i++)); do
		[[ -e /sys/class/net/$netdev ]] && break
		sleep 0.1
	done
	ip link set "$netdev" up
	[[ -z $addr ]] || ip addr add "$addr/24" dev "$netdev"
	modprobe rdma_rxe
	modprobe ib_uverbs
	rdma link add "$rxe" type rxe netdev "$netdev"
}
