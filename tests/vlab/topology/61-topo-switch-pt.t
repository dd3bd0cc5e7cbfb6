#!/usr/bin/env bash
# Behind one switch with the IOMMU in passthrough: BUS_ADDR, and every
# method hands edu the CMB's own bus address: mmio and resource by the
# kernel's rule, with no DMA-layer map in the trace (uAPI 8), mmio-host by
# dma_map_phys(MMIO).
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../../lib/topology.sh"

topology_test topo-switch-pt vlab-switch-iommu-pt \
	mmio:pass:BUS_ADDR:bar:BUS_ADDR:0 \
	resource:pass:BUS_ADDR:bar:BUS_ADDR:0 \
	mmio-host:pass:BUS_ADDR:bar:HOST_BRIDGE:1 \
	p2p-page:pass:BUS_ADDR:bar:BUS_ADDR
