#!/usr/bin/env bash
# swiotlb=force without an IOMMU: RAM is bounced, DMA_ATTR_MMIO mappings
# are refused, bus-address p2p is left alone.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../lib/topology.sh"

topology_test topo-swiotlb vlab-swiotlb-force \
	ram:pass:null:bounced \
	mmio:pass:BUS_ADDR:refused \
	resource:pass:BUS_ADDR:refused \
	p2p-page:pass:BUS_ADDR:bar
