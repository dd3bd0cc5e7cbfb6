#!/usr/bin/env bash
# rdma-2node end to end in the virtual lab: two guests joined by a QEMU
# socket link, soft-RoCE rxe-link on eth1 in each. The client writes into
# and reads from the server's host memory through one RC QP each; both
# guests finish, both runs are complete, every step is verified on both
# sides, the client holds the figures, and both kernel logs stay clean.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

# on NODE FILTER: FILTER on that node's result.json.
on() { jq -r "$2" "$RUN_DIR/$1/result.json"; }

tap_plan 23
run_scenario rdma-2node
tap_is "exits 0: every step passed on both nodes" "$RUN_RC" 0
for node in server client; do
	tap_is "$node: the guest finished" "$(cat "$RUN_DIR/$node/outcome" 2>/dev/null)" "done"
	tap_is "$node: the run is complete" "$(on "$node" .complete)" true
	tap_is "$node: node and peer recorded" "$(on "$node" '"\(.node) \(.peer)"')" \
		"$node $([[ $node == server ]] && echo 10.77.0.2 || echo 10.77.0.1)"
	tap_is "$node: write and read, both pass" \
		"$(on "$node" '[.steps[] | "\(.rdma.op) \(.result)"] | join(",")')" "write pass,read pass"
	tap_is "$node: every step verified, every size right after both passes" \
		"$(on "$node" '[.steps[] | .verified and ([.rdma.sizes[] | .verified and .mismatched_bytes == 0 and .checked_bytes == 2 * .bytes] | all)] | all')" true
	tap_is "$node: on rxe-link, RoCE v2 over the link's IPv4 address" \
		"$(on "$node" '[.steps[].rdma | "\(.device) \(.gid)"] | unique | join(",")')" \
		"rxe-link ::ffff:$([[ $node == server ]] && echo 10.77.0.1 || echo 10.77.0.2)"
	tap_is "$node: connected to the other node's GID" \
		"$(on "$node" '[.steps[].rdma.remote_gid] | unique | join(",")')" \
		"::ffff:$([[ $node == server ]] && echo 10.77.0.2 || echo 10.77.0.1)"
	tap_is "$node: kernel health clean" "$(on "$node" .health.clean)" true
	tap_ok "$node: KTAP has no not ok" bash -c "! grep -q '^not ok' '$RUN_DIR/$node/ktap.txt'"
done
tap_is "client: bandwidth figures for every size (peak >= average > 0, message rate)" \
	"$(on client '[.steps[].rdma.sizes[] | .bw_avg_mibps > 0 and .bw_peak_mibps >= .bw_avg_mibps and .msg_rate_mpps > 0 and .elapsed_ns > 0] | all')" true
tap_is "client: a latency sample per iteration, min <= p50 <= p99" \
	"$(on client '[.steps[].rdma.sizes[] | .latency_ns.n == .iterations and .latency_ns.min <= .latency_ns.p50 and .latency_ns.p50 <= .latency_ns.p99] | all')" true
tap_is "server: no figures of its own (it only answers)" \
	"$(on server '[.steps[].rdma.sizes[] | .bw_avg_mibps == null and .latency_ns.n == 0] | all')" true
tap_ok "the client's figures are printed in ib_write_bw's columns" \
	grep -q 'client| p2prig: *#bytes *#iterations *BW peak\[MiB/sec\]' "$RUN_LOG"
tap_done
