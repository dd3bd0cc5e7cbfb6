#!/usr/bin/env bash
# make test's share of make topology-matrix (harness/topology-matrix.sh), one
# boot of 69-topo-matrix-subset.list: each kind of path between the CMB and
# an edu (same switch, nested to depth 3, sibling switches, the outer
# switch, root ports with and without ACS, another host bridge), each edu
# found where the tree puts it, the doctor's prediction equal to the
# kernel's p2pdma decision for every method, and the bytes moved.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires
tap_plan 11

out=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
rc=0
"$TOP/harness/topology-matrix.sh" --list "$TOP/tests/vlab/topology/69-topo-matrix-subset.list" \
	--out "$out" --methods "mmio p2p-page mmio-host" >"$out/matrix.log" 2>&1 || rc=$?
sed 's/^/# /' "$out/matrix.log"
matrix=$out/matrix.json
tap_is "the matrix passed: every row as predicted" "$rc $(jq -r .ok "$matrix" 2>/dev/null)" "0 true"
tap_is "one boot, seven pairs by three methods" \
	"$(jq -r '"\(.boots | length) \(.rows | length)"' "$matrix" 2>/dev/null)" "1 21"
tap_is "every row names its run's result.json" \
	"$(jq -r '[.rows[].result_json | select(. != null and (. | test("/result.json$")))] | length' "$matrix")" 21

# pair EDU: the edu's path kind, depths and root ports' ACS, then per
# method what the doctor predicted = what the kernel decided, where the
# DMA address pointed, and whether the row holds (its device where the
# tree puts it, the bytes verified).
pair() {
	jq -r --arg edu "$1" '[.rows[] | select(.edu == $edu)]
		| "\(.[0].path_kind) \(.[0].depth) \(.[0].root_port_acs):"
		+ (map(" \(.method) \(.predicted_map_type)=\(.map_type) \(.dma_address) \(if .ok then "ok" else .problems | join(", ") end)") | join(","))' "$matrix"
}
bus_addr="mmio BUS_ADDR=BUS_ADDR bar ok, p2p-page BUS_ADDR=BUS_ADDR bar ok, mmio-host BUS_ADDR=BUS_ADDR bar ok"
# Passthrough: the host bridge's route hands out the CPU address, the BAR's own.
host_bridge="mmio THRU_HOST_BRIDGE=THRU_HOST_BRIDGE bar ok, p2p-page THRU_HOST_BRIDGE=THRU_HOST_BRIDGE bar ok, mmio-host THRU_HOST_BRIDGE=THRU_HOST_BRIDGE bar ok"
tap_is "edu0 beside the CMB, one switch: bus addresses" "$(pair edu0)" "same-switch 2/2 -: $bus_addr"
tap_is "edu1 a switch further down (depth 3): bus addresses" "$(pair edu1)" "inner-switch 2/3 -: $bus_addr"
tap_is "edu2 under a sibling switch: bus addresses" "$(pair edu2)" "sibling-switches 2/2 -: $bus_addr"
tap_is "edu3 on the outer switch: bus addresses" "$(pair edu3)" "outer-switch 2/1 -: $bus_addr"
tap_is "edu4 on another root port: through the host bridge (EPYC)" "$(pair edu4)" "root-ports 2/0 on/on: $host_bridge"
tap_is "edu5 on a root port without ACS: the same, ACS is not on a host-bridge path's judged ports" \
	"$(pair edu5)" "root-ports 2/0 on/off: $host_bridge"
tap_is "edu6 behind an expander host bridge: through the host bridges (EPYC)" \
	"$(pair edu6)" "host-bridges 2/0 on/on: $host_bridge"
tap_ok "the table is printed with the matrix's verdict" grep -qx 'matrix: every row as predicted' "$out/matrix.txt"
# A failed test keeps the runs for a look.
if [[ $TAP_FAILED -eq 0 ]]; then rm -rf "$out"; else echo "# kept: $out"; fi
tap_done
