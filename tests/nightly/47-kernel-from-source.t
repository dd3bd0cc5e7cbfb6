#!/usr/bin/env bash
# The kernel under test built by the rig (harness/vlab/kbuild.sh): Debian's
# 7.3.4 source with the kernel's debug checkers on (configs/kernel/
# debug.config) runs nvme-cmb cleanly, and says so in result.json's
# provenance; the same source plus a two-patch series of this test's own
# making (tests/vlab/data/series-7.3.4) is applied, built, booted (each
# patch prints a line at boot) and named patch by patch; a series whose
# second patch does not apply stops the run before the kernel builds or a
# guest boots, naming the patch and its first failing hunk.
#
# The first run on a machine builds the kernel (minutes: README.md, "The
# kernel under test"); later runs take it from the cache.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires

tap_plan 16
spec=${P2PRIG_TEST_DEBUG_KERNEL:-src:7.3.4+debug}

# 1. nvme-cmb on the debug kernel.
RUN_KERNEL=$spec run_scenario nvme-cmb
tap_is "nvme-cmb on $spec: exit 0" "$RUN_RC" 0
release=$(jq_result .kernel)
tap_ok "the guest ran the built kernel ($release)" grep -qxE '7\.3\.4-p2prig-debug-[0-9a-f]{8}' <<<"$release"
tap_is "provenance: Debian's source of the pinned version, checksummed" \
	"$(jq_result '.kernel_build.source | "\(.kind) \(.package) \(.version) \(.sha256 | length)"')" \
	"debian-source linux-source-7.3 7.3.4-1~bpo13+1 64"
tap_is "provenance: the fragments, no series, the compiler" \
	"$(jq_result '"\(.kernel_build.fragments | join("+")) \(.kernel_build.series) \(.kernel_build.compiler | test("gcc-14 14"))"')" \
	"rig+debug null true"
tap_is "every host check passed (kernel log clean under the checkers)" \
	"$(jq_result '[.host.checks[] | select(.result != "pass") | .name] | join(",")')" ""
tap_ok "the checkers were on: dma-debug and kmemleak said so at boot" \
	grep -q 'DMA-API: debugging enabled by kernel config' "$RUN_DIR/dmesg.txt"
tap_is "no checker report in the serial log" \
	"$(grep -cE 'DMA-API: .*device driver|BUG: KASAN|possible circular locking|UBSAN:|sleeping function called' "$RUN_DIR/serial.log")" 0

# 2. The same source with the two-patch series.
RUN_KERNEL=$spec RUN_SERIES=$TOP/tests/vlab/data/series-7.3.4 run_scenario nvme-cmb
tap_is "nvme-cmb with the series: exit 0" "$RUN_RC" 0
tap_ok "a kernel of its own (another key)" test "$(jq_result .kernel)" != "$release"
tap_is "provenance: both patches by subject, in order" \
	"$(jq_result '[.kernel_build.series.patches[].subject] | join(" / ")')" \
	"dma-mapping: say that the rig's test series is in (1/2) / PCI/P2PDMA: say that the rig's test series is in (2/2)"
tap_is "provenance: each patch's patch-id" \
	"$(jq_result '[.kernel_build.series.patches[].patch_id | test("^[0-9a-f]{40}$")] | all')" true
tap_ok "patch 1 was built and booted" grep -q 'p2prig-series: patch 1 of 2' "$RUN_DIR/dmesg.txt"
tap_ok "patch 2 was built and booted" grep -q 'p2prig-series: patch 2 of 2' "$RUN_DIR/dmesg.txt"

# 3. A series whose second patch does not apply.
RUN_KERNEL=$spec RUN_SERIES=$TOP/tests/vlab/data/series-bad run_scenario nvme-cmb
tap_ok "a series that does not apply fails the run" test "$RUN_RC" -ne 0
tap_ok "it names the patch and the first failing hunk" grep -qE \
	'patch 2 "PCI/P2PDMA: a patch written against another tree" \(0002-[^)]*\) does not apply to src:7\.3\.4\+debug: first failing hunk: patch failed: drivers/pci/p2pdma\.c:[0-9]+; nothing was built' \
	"$RUN_LOG"
tap_ok "no guest booted" test ! -e "${RUN_DIR:-/nonexistent}/serial.log"
tap_done
