#!/usr/bin/env bash
# Behind one switch with a translating IOMMU: IOVAs for the -host methods,
# which map through the host bridge on purpose; the bus-address steps (mmio
# by the kernel's rule, p2p-page) are skipped as a stated virtual-lab limit,
# never a pass.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../../lib/topology.sh"

topology_test topo-switch-iommu vlab-switch-iommu \
	mmio:skip:BUS_ADDR:bar:BUS_ADDR \
	mmio-host:pass:BUS_ADDR:iova:HOST_BRIDGE \
	resource-host:pass:BUS_ADDR:iova:HOST_BRIDGE \
	p2p-page:skip:BUS_ADDR:bar:BUS_ADDR
