#!/usr/bin/env bash
# swiotlb=force without an IOMMU: RAM is bounced, DMA_ATTR_MMIO mappings
# through the host bridge (the -host methods) are refused, bus-address p2p
# (mmio and resource by the kernel's rule, p2p-page) is left alone.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../../lib/topology.sh"

topology_test topo-swiotlb vlab-swiotlb-force \
	ram:pass:null:bounced:null \
	mmio:pass:BUS_ADDR:bar:BUS_ADDR \
	resource:pass:BUS_ADDR:bar:BUS_ADDR \
	mmio-host:pass:BUS_ADDR:refused:null \
	resource-host:pass:BUS_ADDR:refused:null \
	p2p-page:pass:BUS_ADDR:bar:BUS_ADDR
