#!/usr/bin/env bash
# gpu-bar end to end in the virtual lab (root ports, AMD CPU, IOMMU
# translating): ivshmem's BAR 2, handed to p2prig_bar and published as
# p2pmem, is moved by edu through each map method and each dma-buf export
# method; every region is proven by the host oracle (the host's bytes read
# out by edu, the step's bytes found by the host in the BAR's backing file);
# RDMA from host memory verified, the BAR's dma-buf skipped on rxe with the
# reason; health clean, module unloaded. Then the oracle is seen to fail:
# told the wrong seed, the host fails the step and the run, and says so.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 36
run_scenario gpu-bar
tap_is "exits 4: nothing failed, the rxe dma-buf step was skipped" "$RUN_RC" 4
tap_ok "a results folder was written" test -s "$RUN_DIR/result.json"
tap_is "the guest finished" "$(cat "$RUN_DIR/outcome")" "done"
tap_is "the run is complete" "$(jq_result .complete)" true
tap_ok "the guest handed ivshmem to p2prig_bar, which published its BAR" \
	grep -q 'bar provider: .* bound to p2prig_bar, its BAR published as p2pmem' "$RUN_DIR/serial.log"
tap_is "nine steps: six moves pass, RDMA from host memory passes, the rxe dma-buf skips" \
	"$(jq_result '[.steps[].result] | join(",")')" "pass,pass,pass,pass,pass,pass,pass,pass,skip"

moves='.steps[] | select(.action == "transfer" or .action == "dmabuf")'
tap_is "the moves: three map methods, three export methods" \
	"$(jq_result "[$moves | \"\(.action) \(.method)\"] | join(\",\")")" \
	"transfer mmio,transfer resource,transfer p2p-page,dmabuf mmio,dmabuf resource,dmabuf phys-vec"
tap_is "every move on the bar provider, ivshmem's BAR 2" \
	"$(jq_result "[$moves | \"\(.provider.kind) \(.provider.bar)\"] | unique | join(\",\")")" "bar 2"
tap_is "every move verified, 64 KiB both ways, 0 bad bytes" \
	"$(jq_result "[$moves | .verified and .to_peer.bytes == 65536 and .from_peer.bytes == 65536 and .to_peer.mismatched_bytes == 0 and .from_peer.mismatched_bytes == 0] | all")" true
tap_is "every move through the host bridge and the IOMMU, as the doctor predicted" \
	"$(jq_result "[$moves | \"\(.map_type) \(.predicted_map_type) \(.dma_in_bar)\"] | unique | join(\",\")")" \
	"THRU_HOST_BRIDGE THRU_HOST_BRIDGE false"

oracle='.steps[] | select(.oracle != null)'
tap_is "six oracle steps, every move" "$(jq_result "[$oracle] | length")" 6
tap_is "every oracle judged by the host" "$(jq_result "[$oracle | .oracle] | unique | join(\",\")")" host
tap_is "every oracle verified by the host, 0 mismatched bytes" \
	"$(jq_result "[$oracle | .oracle_verified == true and .oracle_mismatched_bytes == 0 and .oracle_first_mismatch == null] | all")" true
tap_is "the host checked 64 KiB per step, 384 KiB in all" \
	"$(jq_result "[$oracle | .oracle_bytes] | add")" 393216
regions_ok=yes
while read -r phys bar_phys offset bar_offset; do
	((phys - bar_phys + offset == bar_offset)) || regions_ok=no
done < <(jq_result "$oracle | \"\(.provider.phys_addr) \(.provider.bar_phys) \(.offset) \(.oracle_bar_offset)\"")
tap_is "each region's BAR offset is the chunk's offset in the BAR plus the step's offset=" "$regions_ok" yes
tap_is "six distinct BAR offsets" "$(jq_result "[$oracle | .oracle_bar_offset] | unique | length")" 6
seed=$(sed -n 's/^P2PRIG_ORACLE_SEED=//p' "$RUN_DIR/run.env")
fill_seeds=$(jq_result "[$oracle | .oracle_fill_seed] | unique | join(\",\")")
tap_is "edu read out the host's pattern, of the seed the host filled the file with" \
	"$((fill_seeds))" "$((seed))"
tap_is "the step's own pattern is what the host looked for" \
	"$(jq_result "[$oracle | .oracle_seed == .seed] | all")" true
tap_is "every 'expect oracle' met" \
	"$(jq_result "[$oracle | .expectations[] | select(.expect == \"oracle\") | .met] | all")" true
tap_ok "oracle.txt: six steps verified by the host" \
	grep -q '6 oracle steps, 6 verified by the host' "$RUN_DIR/oracle.txt"
tap_ok "the summary shows the oracle, every step verified" \
	bash -c "[[ \$(grep -cE '^  (xfer|import)-.*: 64K at BAR offset 0x[0-9a-f]+: verified' '$RUN_LOG') == 6 ]]"

tap_is "dma-buf imports: the exporter's counters balance" \
	"$(jq_result '[.steps[] | select(.action == "dmabuf") | .dmabuf | .balanced and .attaches == .detaches and .maps == .unmaps and .maps > 0] | (length == 3 and all)')" true
tap_is "RDMA WRITE and READ from host memory: every size verified" \
	"$(jq_result '[.steps[] | select(.rdma.memory == "host") | .verified and ([.rdma.sizes[].verified] | all)] | (length == 2 and all)')" true
dmabuf='.steps[] | select(.rdma.memory == "dmabuf")'
tap_is "RDMA on the BAR's dma-buf: skipped, on provider vram" \
	"$(jq_result "$dmabuf | \"\(.result) \(.rdma.provider)\"")" "skip vram"
tap_ok "its reason names the device and why it cannot register the memory" \
	grep -qE 'rxe0.*(dma-buf|ibv_reg_dmabuf_mr)' <<<"$(jq_result "$dmabuf | .reason")"
tap_is "kernel health clean" "$(jq_result .health.clean)" true
tap_ok "KTAP: 15 ok lines (9 a SKIP; 5 host checks), no not ok" \
	bash -c "grep -q '^ok 9 write-dmabuf # SKIP' '$RUN_DIR/ktap.txt' && [[ \$(grep -c '^ok ' '$RUN_DIR/ktap.txt') == 15 && \$(grep -c '^not ok' '$RUN_DIR/ktap.txt') == 0 ]]"
tap_ok "dmesg.txt kept, module unloaded cleanly" \
	bash -c "test -s '$RUN_DIR/dmesg.txt' && test \"\$(cat '$RUN_DIR/guest-exit')\" = 0"

# The oracle can fail: the guest does everything right, the host is told the wrong seed.
P2PRIG_ORACLE_CHECK_SEED=0xbad run_scenario "$TOP/tests/vlab/data/oracle-wrong-seed"
tap_is "wrong seed: the run fails" "$RUN_RC" 1
tap_is "wrong seed: the guest saw nothing wrong (done, runner exit 0)" \
	"$(cat "$RUN_DIR/outcome") $(cat "$RUN_DIR/guest-exit")" "done 0"
tap_is "wrong seed: the step failed, judged by the host, not verified" \
	"$(jq_result '.steps[0] | "\(.result) \(.oracle) \(.oracle_verified)"')" "fail host false"
tap_ok "wrong seed: the host found (nearly) every byte wrong" \
	test "$(jq_result '.steps[0].oracle_mismatched_bytes')" -gt 16000
tap_ok "wrong seed: the reason says oracle" grep -q '^oracle: the host found' <<<"$(jq_result '.steps[0].reason')"
tap_is "wrong seed: 'expect oracle' unmet, the summary counts the failure" \
	"$(jq_result '"\(.steps[0].expectations[] | select(.expect == "oracle") | .met) \(.summary.failed)"')" "false 1"
tap_ok "wrong seed: KTAP reports the step as not ok, the oracle's reason above it" \
	bash -c "grep -B1 '^not ok 1 wrong' '$RUN_DIR/ktap.txt' | grep -q '^# oracle: '"
tap_ok "wrong seed: the summary says oracle" \
	bash -c "grep -q 'wrong: 16K at BAR offset 0x[0-9a-f]*: NOT verified' '$RUN_LOG' && grep -q 'oracle: the host found' '$RUN_LOG'"
tap_done
