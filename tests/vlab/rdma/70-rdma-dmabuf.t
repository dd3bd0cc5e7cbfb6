#!/usr/bin/env bash
# rdma-dmabuf end to end in the virtual lab (root ports, AMD CPU, IOMMU
# translating): on soft-RoCE (rxe0 on the guest's virtio-net), RDMA WRITE
# and READ loopback from host memory verify every byte of every size with
# bandwidth and latency figures; the NVMe CMB dma-buf step is skipped
# because rxe cannot register dma-buf memory, and says so naming the
# device; the same CMB exported by each method and imported for edu moves
# its bytes both ways with the exporter's counters balanced; the kernel log
# stays clean.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 35
run_scenario rdma-dmabuf
tap_is "exits 4: nothing failed, the dma-buf step was skipped" "$RUN_RC" 4
tap_ok "a results folder was written" test -s "$RUN_DIR/result.json"
tap_is "the guest finished" "$(cat "$RUN_DIR/outcome")" "done"
tap_is "the run is complete" "$(jq_result .complete)" true
tap_is "six steps: pass, pass, skip, then the three imports pass" "$(jq_result '[.steps[].result] | join(",")')" "pass,pass,skip,pass,pass,pass"
tap_is "all on rxe0: write, read, write" \
	"$(jq_result '[.steps[] | select(.rdma) | .rdma | "\(.device) \(.op) \(.memory)"] | join(",")')" \
	"rxe0 write host,rxe0 read host,rxe0 write dmabuf"

for op in write read; do
	step=".steps[] | select(.rdma.op == \"$op\" and .rdma.memory == \"host\")"
	tap_is "$op: RoCE v2 over IPv4 on port 1" \
		"$(jq_result "$step | .rdma | \"\(.port) \(.link_layer) \(.gid)\"")" "1 Ethernet ::ffff:10.0.2.15"
	tap_is "$op: sizes 4K, 64K, 1M" \
		"$(jq_result "[$step | .rdma.sizes[].bytes] | join(\",\")")" "4096,65536,1048576"
	tap_is "$op: every size verified, 0 bad bytes, each checked after both passes" \
		"$(jq_result "[$step | .rdma.sizes[] | .verified and .mismatched_bytes == 0 and .checked_bytes == 2 * .bytes] | all")" true
	tap_is "$op: step verified" "$(jq_result "$step | .verified")" true
	tap_is "$op: bandwidth figures for every size (peak >= average > 0, Gbit/s, message rate)" \
		"$(jq_result "[$step | .rdma.sizes[] | .bw_avg_mibps > 0 and .bw_peak_mibps >= .bw_avg_mibps and .bw_avg_gbit_s > 0 and .msg_rate_mpps > 0 and .elapsed_ns > 0] | all")" true
	tap_is "$op: a latency sample per iteration, min <= p50 <= p99" \
		"$(jq_result "[$step | .rdma.sizes[] | .latency_ns.n == .iterations and .latency_ns.min <= .latency_ns.p50 and .latency_ns.p50 <= .latency_ns.p99] | all")" true
done

dmabuf='.steps[] | select(.rdma.memory == "dmabuf")'
tap_is "dma-buf: skipped" "$(jq_result "$dmabuf | .result")" skip
tap_ok "dma-buf: the reason names the device and why it cannot register the memory" \
	grep -qE 'rxe0.*(dma-buf|ibv_reg_dmabuf_mr)' <<<"$(jq_result "$dmabuf | .reason")"
tap_is "dma-buf: provider cmb, export method mmio" \
	"$(jq_result "$dmabuf | \"\(.rdma.provider) \(.rdma.method)\"")" "cmb mmio"
tap_is "dma-buf: nothing claimed as verified" "$(jq_result "$dmabuf | [.verified, (.rdma.sizes[].verified)] | any")" false
for method in mmio resource phys-vec; do
	step=".steps[] | select(.name == \"import-$method\")"
	tap_is "import-$method: edu moved 256 KiB both ways through the dma-buf, verified" \
		"$(jq_result "$step | \"\(.action) \(.method) \(.to_peer.bytes) \(.from_peer.bytes) \(.verified)\"")" \
		"dmabuf $method 262144 262144 true"
	tap_is "import-$method: through the host bridge and the IOMMU, as the doctor predicted" \
		"$(jq_result "$step | \"\(.map_type) \(.predicted_map_type) \(.dma_direct)\"")" \
		"THRU_HOST_BRIDGE THRU_HOST_BRIDGE false"
	tap_is "import-$method: the exporter's counters balance (attaches = detaches, maps = unmaps)" \
		"$(jq_result "$step | .dmabuf | .balanced and .attaches == .detaches and .maps == .unmaps and .maps > 0")" true
done
tap_is "kernel health clean" "$(jq_result .health.clean)" true
tap_ok "KTAP: ok 1-6 with 3 a SKIP, kernel-health and 5 host checks ok, no not ok" \
	bash -c "grep -q '^ok 3 write-dmabuf # SKIP' '$RUN_DIR/ktap.txt' && [[ \$(grep -c '^ok ' '$RUN_DIR/ktap.txt') == 12 && \$(grep -c '^not ok' '$RUN_DIR/ktap.txt') == 0 ]]"
tap_ok "the figures are printed in ib_write_bw's columns" \
	grep -q '#bytes *#iterations *BW peak\[MiB/sec\] *BW average\[MiB/sec\] *MsgRate\[Mpps\]' "$RUN_LOG"
tap_ok "dmesg.txt kept, module unloaded cleanly (the runner exits 0: not every step skipped)" \
	bash -c "test -s '$RUN_DIR/dmesg.txt' && test \"\$(cat '$RUN_DIR/guest-exit')\" = 0"
tap_done
