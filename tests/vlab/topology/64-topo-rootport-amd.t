#!/usr/bin/env bash
# Root ports on an AMD Zen host bridge with a translating IOMMU:
# THRU_HOST_BRIDGE, IOVAs, data verified.
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../../lib/topology.sh"

topology_test topo-rootport-amd vlab-rootport-iommu \
	mmio:pass:THRU_HOST_BRIDGE:iova:HOST_BRIDGE:1 \
	resource:pass:THRU_HOST_BRIDGE:iova:HOST_BRIDGE \
	p2p-page:pass:THRU_HOST_BRIDGE:iova:HOST_BRIDGE
