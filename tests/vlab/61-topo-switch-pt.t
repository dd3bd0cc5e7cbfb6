#!/usr/bin/env bash
# Behind one switch with the IOMMU in passthrough: BUS_ADDR, and every
# method hands edu the CMB's own bus address.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../lib/topology.sh"

topology_test topo-switch-pt vlab-switch-iommu-pt \
	mmio:pass:BUS_ADDR:bar:BUS_ADDR \
	resource:pass:BUS_ADDR:bar:BUS_ADDR \
	mmio-host:pass:BUS_ADDR:bar:HOST_BRIDGE \
	p2p-page:pass:BUS_ADDR:bar:BUS_ADDR
