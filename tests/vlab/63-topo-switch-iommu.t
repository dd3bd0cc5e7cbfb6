#!/usr/bin/env bash
# Behind one switch with a translating IOMMU: IOVAs for the MMIO methods; the
# bus-address step is skipped as a stated virtual-lab limit, never a pass.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../lib/topology.sh"

topology_test topo-switch-iommu vlab-switch-iommu \
	mmio:pass:BUS_ADDR:iova \
	resource:pass:BUS_ADDR:iova \
	p2p-page:skip:BUS_ADDR:bar
