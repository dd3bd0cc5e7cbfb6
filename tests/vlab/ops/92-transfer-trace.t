#!/usr/bin/env bash
# The dma trace around transfer steps (nvme-cmb, 7.3.4): each step's trace
# kept, every map paired with its unmap, attrs=MMIO on every single mapping
# of the mmio and of the resource step (dma_map_resource is MMIO since
# 6.18), the p2pdma probe's scatterlist aside. The runner traces in a
# tracefs instance of its own: someone else's trace in the global instance
# (a dma event on, a 512 KiB buffer, a marker: P2PRIG_TRACE_WITNESS) is
# left as it was, and no p2prig instance is left behind, not even by a runner
# stopped with SIGTERM in the middle of a step.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 14
P2PRIG_TRACE_WITNESS=dma run_scenario nvme-cmb
tap_is "exits 0: both steps passed" "$RUN_RC" 0
tap_is "both steps traced with 7.3's events and judged" \
	"$(jq_result '[.steps[] | "\(.name):\(.trace.result):\(.trace.events)"] | join(",")')" \
	"mmio:pass:dma_map_phys,dma_unmap_phys,dma_map_sg,dma_unmap_sg,resource:pass:dma_map_phys,dma_unmap_phys,dma_map_sg,dma_unmap_sg"
tap_is "the transfer's own map per step (the timed pairs run untraced), MMIO, unmapped alike" \
	"$(jq_result '[.steps[] | .trace | "\(.maps - .sg_maps) \(.mmio_maps) \(.unmaps - .mmio_unmaps) \(.mismatched) \(.outstanding)"] | join(",")')" \
	"1 1 1 0 0,1 1 1 0 0"
tap_ok "the mmio step's trace is kept" grep -q "dma_map_phys: .* attrs=MMIO" "$RUN_DIR/trace-mmio.txt"
tap_ok "the resource step's trace is kept" grep -q "dma_unmap_phys: .* attrs=MMIO" "$RUN_DIR/trace-resource.txt"

tap_trace_witness ""

# A runner stopped by SIGTERM while its instance is there takes the instance with it.
P2PRIG_TRACE_WITNESS=marker P2PRIG_INJECT=term run_scenario nvme-cmb
tap_is "SIGTERM: the runner was stopped mid-step (exit 143)" "$(cat "$RUN_DIR/guest-exit" 2>/dev/null)" 143
tap_trace_witness "SIGTERM: "
tap_done
