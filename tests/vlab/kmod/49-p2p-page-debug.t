#!/usr/bin/env bash
# What the debug checkers found in the module stays fixed: p2p-page used to
# map a whole chunk as one scatterlist entry, and dma-debug reported a
# 1 MiB transfer's map as "mapping sg segment longer than device claims to
# support [len=1048576] [max=65536]" (edu keeps the PCI default 64 KiB).
# On the debug kernel the same transfer (BUS_ADDR, IOMMU in passthrough)
# moves and checks its bytes, with no report and a clean debug-checkers check.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 4
RUN_KERNEL=${P2PRIG_TEST_DEBUG_KERNEL:-src:7.3.4+debug} run_scenario "$TOP/tests/vlab/data/p2p-page-1m"
tap_is "p2p-page 1M on the debug kernel: exit 0" "$RUN_RC" 0
tap_is "the bytes moved by bus address, verified" \
	"$(jq_result '.steps[0] | "\(.map_type) \(.verified)"')" "BUS_ADDR true"
tap_is "debug-checkers and kernel-log passed" \
	"$(jq_result '[.host.checks[] | select(.name == "debug-checkers" or .name == "kernel-log") | .result] | join(",")')" "pass,pass"
tap_is "no entry longer than edu's max_seg_size" \
	"$(grep -c 'sg segment longer than device claims' "$RUN_DIR/dmesg.txt")" 0
tap_done
