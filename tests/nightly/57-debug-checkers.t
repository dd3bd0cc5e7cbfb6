#!/usr/bin/env bash
# The rig reads the kernel's debug checkers, and is seen to: on the debug
# kernel (src:7.3.4+debug: dma-debug, KASAN, lockdep, kmemleak...), the
# module's test knob inject_dma_debug makes it unmap RAM one byte short,
# then in another direction, and each run must fail with dma-debug's report
# quoted on the terminal and a failed debug-checkers check naming
# dma-debug, while the module still releases the mapping and unloads; the
# same scenario without the knob passes, its debug-checkers check clean.
#
# The first run on a machine builds the kernel (minutes, as for
# tests/nightly/47); later runs take it from the cache. P2PRIG_TEST_DEBUG_KERNEL
# names another kernel spec with dma-debug and kmemleak.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../lib/vlab.sh"
vlab_requires
[[ -r $TOP/configs/kernel/debug.config && -r $TOP/harness/vlab/kbuild.sh ]] ||
	tap_skip_all "this checkout cannot build the debug kernel (configs/kernel/debug.config, harness/vlab/kbuild.sh)"
spec=${P2PRIG_TEST_DEBUG_KERNEL:-src:7.3.4+debug}

# One RAM transfer through edu, mapped by dma_map_page (the method the knob
# is in), with few map/unmap pairs: every DMA API call is slow under
# KASAN, lockdep and dma-debug.
scenario=$(mktemp -d)/debug-checkers
trap 'rm -rf "${scenario%/*}"' EXIT
cat >"$scenario" <<'SCN'
describe   edu DMA to and from RAM mapped by dma_map_page, a few map/unmap pairs
provider   buf  ram  size=64K
initiator  edu  edu  id=1234:11e8
step  ram  transfer  provider=buf initiator=edu method=page size=64K piece=4K seed=0x57dc0001 warmup=4 map-repeat=4
expect verified
SCN

# check FIELD: the debug-checkers host check's FIELD (result, reason, details).
check() { jq_result ".host.checks[] | select(.name == \"debug-checkers\") | .$1"; }
# env KEY: the guest's checkers.env value of KEY.
env_of() { sed -n "s/^$1=//p" "$RUN_DIR/checkers.env"; }

tap_plan 19

# 1. One unmap one byte short.
P2PRIG_KMOD_PARAMS=inject_dma_debug=size RUN_KERNEL=$spec run_scenario "$scenario"
tap_is "size: the run fails (exit 1), the guest finished" "$RUN_RC $(cat "$RUN_DIR/outcome")" "1 done"
tap_ok "size: the terminal quotes dma-debug's report: wrong size, 64K mapped, one byte less unmapped" \
	grep -qE '^  \| \[dma-debug\] DMA-API: p2prig_edu [0-9a-f:.]+: device driver frees DMA memory with different size .*\[map size=65536 bytes\] \[unmap size=65535 bytes\]' \
	"$RUN_LOG"
tap_ok "size: and where it was unmapped (the call trace)" grep -qE '^  \|   p2prig_page_unmap\+' "$RUN_LOG"
tap_is "size: the debug-checkers check failed, naming dma-debug" \
	"$(check result) $(check reason)" "fail dma-debug: 1 error during the run"
tap_ok "size: its details hold the report" grep -q '^\[dma-debug\] DMA-API: .*different size' <<<"$(check 'details[]')"
tap_is "size: the kernel-log check failed too, the line named" \
	"$(jq_result '.host.checks[] | select(.name == "kernel-log") | "\(.result) \([.details[] | select(startswith("[dma-debug] DMA-API:"))] | length)"')" \
	"fail 1"
tap_ok "size: the runner's own watch named it, after the step" \
	test "$(jq_result '[.health.findings[] | select(.step == "ram" and (.line | startswith("[dma-debug] DMA-API:")))] | length')" -ge 1
tap_is "size: one error counted (all_errors on), once: the knob is one-shot" \
	"$(env_of DMA_DEBUG) $(($(env_of DMA_DEBUG_ERRORS_AFTER) - $(env_of DMA_DEBUG_ERRORS_BEFORE)))" "on 1"
tap_is "size: the mapping was released all the same: no pending mapping at unbind, unloaded" \
	"$(grep -c 'has pending DMA allocations' "$RUN_DIR/dmesg.txt") $(grep -c 'rmmod p2prig failed' "$RUN_DIR/serial.log")" "0 0"
tap_is "size: kmemleak scanned after the unload" "$(env_of KMEMLEAK_SCAN)" "done"
tap_ok "size: KTAP fails the host's debug-checkers check" grep -qE '^not ok [0-9]+ host-debug-checkers' "$RUN_DIR/ktap.txt"

# 2. One unmap in another direction: the same check's other half.
P2PRIG_KMOD_PARAMS=inject_dma_debug=dir RUN_KERNEL=$spec run_scenario "$scenario"
tap_is "dir: the run fails (exit 1), the guest finished" "$RUN_RC $(cat "$RUN_DIR/outcome")" "1 done"
tap_ok "dir: the terminal quotes dma-debug's report: wrong direction, both named" \
	grep -qE '^  \| \[dma-debug\] DMA-API: p2prig_edu .*different direction .*\[mapped with DMA_[A-Z_]+\] \[unmapped with DMA_[A-Z_]+\]' \
	"$RUN_LOG"
tap_is "dir: the debug-checkers check failed, naming dma-debug" \
	"$(check result) $(check reason)" "fail dma-debug: 1 error during the run"
tap_is "dir: released and unloaded all the same" \
	"$(grep -c 'has pending DMA allocations' "$RUN_DIR/dmesg.txt") $(grep -c 'rmmod p2prig failed' "$RUN_DIR/serial.log")" "0 0"

# 3. Without the knob: nothing to report.
RUN_KERNEL=$spec run_scenario "$scenario"
tap_is "clean: the run passes" "$RUN_RC" 0
tap_is "clean: the debug-checkers check passed" "$(check result)" pass
tap_is "clean: it says dma-debug counted nothing and what kmemleak found" \
	"$(check 'details[]' | grep -cxE -e 'dma-debug: no error during the run \(all_errors on\)' -e 'kmemleak: (no leak|[0-9]+ leaks? elsewhere).*')" 2
tap_is "clean: no checker's report in the terminal" "$(grep -c '^  | \[' "$RUN_LOG")" 0
tap_done
