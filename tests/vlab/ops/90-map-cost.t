#!/usr/bin/env bash
# map-cost end to end in the virtual lab (vlab-rootport-iommu, 7.3.4): every
# method x granule measured or skipped with a reason, the kernel's figures
# sane (n = iterations x threads per repeat, min <= p50 <= p99 <= max), the
# CV computed and flagged above 3 % (never a failure), and the trace proof:
# attrs=MMIO on every mmio and resource map, none on RAM, every map with its
# unmap, no events for iova-link. Figures are reported, never asserted. The
# proof traces in a tracefs instance of its own: someone else's trace in the
# global instance (a 512 KiB buffer, a marker: P2PRIG_TRACE_WITNESS) is left as
# it was, and no p2prig instance is left behind.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 21
P2PRIG_TRACE_WITNESS=marker run_scenario map-cost
tap_is "exits 0: the step passed" "$RUN_RC" 0
tap_is "the guest finished, the run is complete" "$(cat "$RUN_DIR/outcome") $(jq_result .complete)" "done true"
tap_is "one map-cost step, passed" "$(jq_result '[.steps[] | "\(.action) \(.result)"] | join(",")')" "map-cost pass"

mc='.steps[0].map_cost'
measured="$mc.entries[] | select(.result == \"measured\")"
tap_is "five methods x three granules, in the line's order" \
	"$(jq_result "[$mc.entries[] | \"\(.method)/\(.granule_bytes)\"] | join(\",\")")" \
	"mmio/4096,mmio/65536,mmio/2097152,resource/4096,resource/65536,resource/2097152,iova-link/4096,iova-link/65536,iova-link/2097152,p2p-page/4096,p2p-page/65536,p2p-page/2097152,ram/4096,ram/65536,ram/2097152"
tap_is "every entry measured, or skipped with a reason" \
	"$(jq_result "[$mc.entries[] | .result == \"measured\" or (.result == \"skipped\" and (.reason // \"\" | length) > 0)] | all")" true
tap_is "mmio, resource and ram are measured on 7.3 at every granule" \
	"$(jq_result "[$measured | .method] | map(select(. == \"mmio\" or . == \"resource\" or . == \"ram\")) | length")" 9
tap_is "each measured entry has its five repeats" \
	"$(jq_result "[$measured | (.repeats | length) == 5 and .map.repeats == 5 and .unmap.repeats == 5] | all")" true
tap_is "every repeat timed n = iterations x threads calls, map and unmap" \
	"$(jq_result "($mc.iterations * $mc.threads) as \$n | [$measured | .repeats[] | .map.n == \$n and .unmap.n == \$n and .first_error == 0 and (.interrupted | not)] | all")" true
tap_is "every repeat's figures are ordered: 0 < min <= p50 <= p99 <= max, min <= mean <= max" \
	"$(jq_result "[$measured | .repeats[] | .map, .unmap | .min_ns > 0 and .min_ns <= .p50_ns and .p50_ns <= .p99_ns and .p99_ns <= .max_ns and .min_ns <= .mean_ns and .mean_ns <= .max_ns] | all")" true
tap_is "mean ± stddev and CV across repeats, flagged exactly when the CV exceeds 3 %" \
	"$(jq_result "$mc.cv_limit_percent as \$l | [$measured | .map, .unmap | .mean_ns > 0 and .stddev_ns >= 0 and (.cv_percent | type) == \"number\" and .cv_flagged == (.cv_percent > \$l)] | all")" true
tap_is "the flagged count matches the flags" \
	"$(jq_result "($mc.flagged) == ([$measured | .map, .unmap | select(.cv_flagged)] | length)")" true
tap_is "the trace proof used 7.3's events, and says iova-link has none" \
	"$(jq_result "$mc.trace | \"\(.used) \(.events) \(.note | test(\"no trace events for the dma_iova_link path\"))\"")" \
	"true dma_map_phys,dma_unmap_phys,dma_map_sg,dma_unmap_sg true"
tap_ok "the trace is kept in the results folder" grep -q "dma_map_phys: .* attrs=MMIO" "$RUN_DIR/trace-cost.txt"
tap_is "every measured entry's trace proof passed" \
	"$(jq_result "[$measured | .trace.result == \"pass\"] | all")" true
tap_is "mmio and resource: every map and unmap shows attrs=MMIO, all paired" \
	"$(jq_result "[$measured | select(.method == \"mmio\" or .method == \"resource\") | .trace | .expect_attrs == \"MMIO\" and .calls > 0 and .maps == .calls and .unmaps == .calls and .mmio_maps == .maps and .mmio_unmaps == .unmaps and .mismatched == 0 and .outstanding == 0] | all")" true
tap_is "ram: no map shows MMIO, all paired" \
	"$(jq_result "[$measured | select(.method == \"ram\") | .trace | .expect_attrs == \"no MMIO\" and .calls > 0 and .maps == .calls and .unmaps == .calls and .mmio_maps == 0 and .mmio_unmaps == 0] | all")" true
tap_ok "summary and ktap show a line per method x granule" \
	bash -c "[[ \$('$TOP/build/host/p2prig' summary '$RUN_DIR/result.json' | grep -cE '^  (mmio|resource|iova-link|p2p-page|ram) ') -eq 15 && \$(grep -c '^# map-cost ' '$RUN_DIR/ktap.txt') -eq 15 ]]"
tap_trace_witness ""
tap_done
