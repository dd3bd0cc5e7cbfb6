#!/bin/bash
# Runs inside one guest (P2PRIG_GUEST_CMD of harness/bench-rdma.sh, after
# guest-run.sh brought up rxe0 on the user-network NIC): for each size, the runner's RDMA
# WRITE bandwidth from an rdma step, then ib_write_bw's with the same size,
# iteration count, tx depth and rxe device, server and client both here,
# connected through rxe0's own address. Figures go to /results/bench/.
#
#   bench-rdma-guest.sh SIZES ITERATIONS    (SIZES: 64K,1M)
set -euo pipefail

sizes=${1:?SIZES} iterations=${2:?ITERATIONS}
device=rxe0 addr=10.0.2.15 tx_depth=128
out=/results/bench
runner=/rig/build/guest/p2prig
mkdir -p "$out"

say() { echo "p2prig: bench: $*"; }

# bytes SIZE: 64K -> 65536, as ib_write_bw -s wants.
bytes() {
	local n=${1%[KMG]}
	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}

# The GID index the runner picks too: RoCE v2 over rxe0's IPv4 address.
roce_v2_ipv4_gid_index() {
	local port=/sys/class/infiniband/$device/ports/1 gid index
	for gid in "$port"/gids/*; do
		index=${gid##*/}
		[[ $(<"$gid") == 0000:0000:0000:0000:0000:ffff:* ]] || continue
		[[ $(cat "$port/gid_attrs/types/$index" 2>/dev/null) == "RoCE v2" ]] || continue
		echo "$index"
		return
	done
	return 1
}
gid_index=$(roce_v2_ipv4_gid_index) || {
	say "no RoCE v2 IPv4 GID on $device"
	exit 1
}

# The runner: one rdma step per size, so each size stands alone as ib_write_bw's run does.
scenario=$out/bench-scenario
{
	echo "describe the runner's RDMA WRITE bandwidth on $device, for comparison with ib_write_bw"
	for size in ${sizes//,/ }; do
		echo "step write-${size,,} rdma device=$device op=write memory=host sizes=$size iterations=$iterations seed=0x5eed0b00 tx-depth=$tx_depth"
		echo "expect verified"
	done
} >"$scenario"
say "runner: $runner run (sizes $sizes, $iterations iterations, tx-depth $tx_depth)"
rc=0
timeout 1800 "$runner" run "$scenario" --out "$out/runner" >"$out/runner.txt" 2>&1 || rc=$?
cat "$out/runner.txt"
[[ $rc == 0 ]] || { say "runner exit $rc"; exit 1; }

# ib_write_bw on the same device; each size on its own port, server first.
port=18515
for size in ${sizes//,/ }; do
	n=$(bytes "$size")
	common=(-d "$device" -x "$gid_index" -s "$n" -n "$iterations" -t "$tx_depth" -F -p "$port")
	timeout 1800 ib_write_bw "${common[@]}" >"$out/perftest-$size-server.txt" 2>&1 &
	server=$!
	for _ in $(seq 100); do
		ss -ltn "sport = :$port" | grep -q LISTEN && break
		sleep 0.1
	done
	say "ib_write_bw ${common[*]} $addr"
	rc=0
	timeout 1800 ib_write_bw "${common[@]}" "$addr" >"$out/perftest-$size.txt" 2>&1 || rc=$?
	wait "$server" || true
	cat "$out/perftest-$size.txt"
	[[ $rc == 0 ]] || { say "ib_write_bw exit $rc for $size"; exit 1; }
	port=$((port + 1))
done

# One line per size: the runner's and ib_write_bw's average MiB/s and their ratio.
{
	printf '%-8s %-11s %-22s %-22s %s\n' "#bytes" "#iterations" "runner BW avg[MiB/s]" \
		"ib_write_bw BW avg[MiB/s]" "ratio"
	for size in ${sizes//,/ }; do
		n=$(bytes "$size")
		ours=$(awk -v n="$n" -v it="$iterations" '$1 == "p2prig:" && $2 == n && $3 == it { print $5; exit }' "$out/runner.txt")
		theirs=$(awk -v n="$n" -v it="$iterations" '$1 == n && $2 == it { print $4; exit }' "$out/perftest-$size.txt")
		ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
		printf '%-8s %-11s %-22s %-22s %s\n' "$n" "$iterations" "${ours:--}" "${theirs:--}" "$ratio"
	done
} >"$out/compare.txt"
cat "$out/compare.txt"
