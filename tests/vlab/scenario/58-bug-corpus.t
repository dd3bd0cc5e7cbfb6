#!/usr/bin/env bash
# The bug corpus end to end (harness/bugs.sh, bugs/README.md), on its
# cheapest entry: resource-ram-check puts back dma_map_resource()'s old
# pfn_valid() "is this RAM" check (upstream af0c3f058662 removed it), which
# refuses a p2pmem BAR because its ZONE_DEVICE pages make pfn_valid() true.
# The buggy kernel is the debug kernel with one file of kernel/dma rebuilt;
# its run must fail where the bug is (the resource steps, with the WARN the
# health watch reports) and nowhere else (the mmio step still passes), and
# the same check on the kernel without the patch must pass. make bugs runs
# every entry (the nightly slice: README.md, "The bug corpus").
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 9
results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
rc=0
P2PRIG_RESULTS=$results "$TOP/harness/bugs.sh" resource-ram-check >"$results/bugs.log" 2>&1 || rc=$?
sed 's/^/# /' "$results/bugs.log"
RUN_DIR=$(sed -n 's/^results: //p' "$results/bugs.log" | tail -n 1)

tap_is "make bug id=resource-ram-check: exit 0 (caught, no false alarm)" "$rc" 0
tap_is "the corpus's result.json: caught on the buggy kernel, passed unmodified" \
	"$(jq_result '.steps[0] | "\(.name) \(.caught) \(.unmodified.verdict) \(.result)"')" \
	"resource-ram-check yes pass pass"
tap_ok "caught by the WARN in dma_map_resource(), quoted from the run" \
	grep -qE 'WARNING: .*kernel/dma/mapping\.c:[0-9]+.*dma_map_resource' <<<"$(jq_result '.steps[0].evidence')"
buggy=$RUN_DIR/runs/resource-ram-check-buggy
tap_is "buggy kernel: mmio passes, both dma_map_resource() steps fail" \
	"$(jq -r '[.steps[].result] | join(" ")' "$buggy/result.json")" "pass fail fail"
tap_is "buggy kernel: built from the pinned source with the entry's patch as its series" \
	"$(jq -r '.kernel_build | "\(.spec) \(.series.patches[0].subject)"' "$buggy/result.json")" \
	"src:7.3.4+debug dma-mapping: refuse dma_map_resource() of any pfn_valid() address"
tap_is "unmodified kernel: every step moved and verified its bytes, no series" \
	"$(jq -r '"\([.steps[] | "\(.result)/\(.verified)"] | join(" ")) \(.kernel_build.series)"' \
		"$RUN_DIR/runs/unmodified-resource-ram-check/result.json")" "pass/true pass/true pass/true null"
tap_ok "the table names the entry, its fix and the verdicts" \
	grep -qE '^resource-ram-check +af0c3f058662 +yes +WARNING.* pass$' "$results/bugs.log"
tap_ok "KTAP and JUnit for the corpus, as for any run" \
	bash -c "grep -q '^ok 1 resource-ram-check' '$RUN_DIR/ktap.txt' && grep -q '<testcase' '$RUN_DIR/junit.xml'"
tap_is "host verdict recorded" "$(jq_result '.host.verdict')" "pass"
tap_done
