#!/usr/bin/env bash
# make matrix end to end: map-cost on 7.3.4 and 6.12.117, one run each, one
# table with a column per kernel. 7.3 measures every method; 6.12 has no
# DMA_ATTR_MMIO (before 6.18) and no dma_iova_link, so those rows are skips
# there, each with its reason, while RAM is measured on both.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires
command -v jq >/dev/null || tap_skip_all "jq not installed (harness/setup-host.sh installs it)"

tap_plan 8
results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
log=$results/matrix.log
rc=0
P2PRIG_RESULTS=$results make -s -C "$TOP" matrix scenario=map-cost kernels="7.3.4 6.12.117" \
	>"$log" 2>&1 || rc=$?
sed 's/^/# /' "$log"
# The table: from its header to the end.
table=$(sed -n '/^METHOD /,$p' "$log")

tap_is "make matrix exits 0 (both runs passed or skipped with reasons)" "$rc" 0
tap_ok "the header has a column per kernel, 7.3.4 first" \
	grep -qE '^METHOD +7\.3\.4\+deb13-amd64 +6\.12\.117\+deb13-amd64 *$' <<<"$table"
tap_is "a row per method x granule" "$(grep -cE '^(mmio|resource|iova-link|p2p-page|ram) (4K|64K|2M) ' <<<"$table")" 15
tap_ok "7.3.4 measures mmio: map and unmap, mean ± stddev" \
	grep -qE '^mmio 4K +[0-9]+ ± [0-9]+\*? / [0-9]+ ± [0-9]+\*? +skipped' <<<"$table"
tap_is "6.12 skips mmio at every granule" "$(grep -cE '^mmio [0-9]+[KM] .* skipped *$' <<<"$table")" 3
tap_ok "the reason: no DMA_ATTR_MMIO method in 6.12's module" \
	grep -qE "^6\.12\.117\+deb13-amd64, mmio 4K: skipped: method mmio: not in the module's method_mask" <<<"$table"
tap_ok "RAM is measured on both kernels" \
	grep -qE '^ram 4K +[0-9]+ ± [0-9]+\*? / [0-9]+ ± [0-9]+\*? +[0-9]+ ± [0-9]+\*? / [0-9]+ ± [0-9]+' <<<"$table"
tap_is "two results folders, one per kernel" \
	"$(find "$results" -mindepth 2 -maxdepth 2 -name result.json | wc -l)" 2
tap_done
