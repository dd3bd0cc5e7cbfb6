#!/usr/bin/env bash
# Root ports on a host bridge the kernel does not trust: NOT_SUPPORTED,
# and every mapping is refused (a pass as expected, not a crash).
set -euo pipefail
# shellcheck source=tests/lib/topology.sh
source "$(dirname "$0")/../../lib/topology.sh"

topology_test topo-rootport-intel vlab-rootport-intel-cpu \
	mmio:pass:NOT_SUPPORTED:refused:null \
	resource:pass:NOT_SUPPORTED:refused:null \
	p2p-page:pass:NOT_SUPPORTED:refused:null
