#!/usr/bin/env bash
# The host's debug-checkers check (harness/lib/host-record.sh,
# host_judge_checkers) on canned guest results: a dma-debug error fails the
# run with its report quoted; kmemleak's leaks are sorted by backtrace, the
# rig's (p2prig, p2pdma, dma-buf, the DMA layer, nvme) failing it and the
# others recorded; lockdep's report fails it by name; a kernel without
# dma-debug and kmemleak, or a run that ended early, is a skip, never a pass.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
p2prig=${P2PRIG_BUILD:-$TOP/build/host}/p2prig
[[ -x $p2prig ]] || tap_skip_all "$p2prig not built (make runner)"
command -v jq >/dev/null || tap_skip_all "jq not installed"
# shellcheck source=harness/lib/common.sh
source "$TOP/harness/lib/common.sh"
# shellcheck source=harness/lib/host-record.sh
source "$TOP/harness/lib/host-record.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# host-record.sh runs $P2PRIG_TOP/build/host/p2prig: the one under test.
mkdir -p "$tmp/top/build/host"
ln -s "$p2prig" "$tmp/top/build/host/p2prig"
P2PRIG_TOP=$tmp/top
data=$TOP/tests/host/data/debug-checkers
debug_env=(DMA_DEBUG=on DMA_DEBUG_ERRORS_BEFORE=0 KMEMLEAK=on LOCKDEP=on
	DMA_DEBUG_ERRORS_AFTER=0 DMA_DEBUG_DISABLED_AFTER=N KMEMLEAK_SCAN=done
	KMEMLEAK_LEAKS=0 KMEMLEAK_SCAN_MS=2100 CHECKERS_END=yes)

# results NAME DMESG KMEMLEAK [KEY=VALUE...]: a guest's results folder;
# no KEY=VALUE at all: no checkers.env (the guest never got that far).
results() {
	local dir=$tmp/$1
	mkdir -p "$dir"
	cp "$2" "$dir/dmesg.txt"
	[[ -z $3 ]] || cp "$3" "$dir/kmemleak.txt"
	shift 3
	[[ $# -eq 0 ]] || printf '%s\n' "$@" >"$dir/checkers.env"
	echo "$dir"
}

# lines_in TEXT LINE...: each LINE is a whole line of TEXT.
lines_in() {
	local text=$1 line
	shift
	for line; do grep -qxF -- "$line" <<<"$text" || return 1; done
}

# judge DIR: host_judge_checkers on DIR; sets OUT (what it printed), RESULT,
# REASON, DETAILS (one a line) and VERDICT (HOST_VERDICT after it).
judge() {
	HOST_VERDICT=0
	rm -f "$1/host-checks.jsonl"
	host_judge_checkers "$1" "$TOP/scenarios/nvme-cmb" >"$1/out"
	OUT=$(<"$1/out")
	VERDICT=$HOST_VERDICT
	RESULT=$(jq -r 'select(.name == "debug-checkers") | .result' "$1/host-checks.jsonl")
	REASON=$(jq -r 'select(.name == "debug-checkers") | .reason // ""' "$1/host-checks.jsonl")
	DETAILS=$(jq -r 'select(.name == "debug-checkers") | .details[]' "$1/host-checks.jsonl")
}

tap_plan 18

dir=$(results dma "$data/dmesg-dma-debug.txt" "" "${debug_env[@]}" DMA_DEBUG_ERRORS_AFTER=1)
judge "$dir"
tap_is "a dma-debug error fails the run, named" "$VERDICT $RESULT $REASON" \
	"1 fail dma-debug: 1 error during the run"
dma_line="[dma-debug] DMA-API: p2prig_edu 0000:04:00.0: device driver frees DMA memory with different size [device address=0x00000000fffe0000] [map size=65536 bytes] [unmap size=65535 bytes]"
tap_ok "the terminal quotes the report: DMA-API, wrong size, where it was unmapped" \
	lines_in "$OUT" "debug checkers: dma-debug: 1 error during the run:" "  | $dma_line" \
	"  |   p2prig_page_unmap+0x1ad/0x270 [p2prig]"
tap_ok "the check's details hold the report and what else was checked" \
	lines_in "$DETAILS" "$dma_line" "lockdep: on"

# Five errors (dma-debug's all_errors): each named, three quoted whole.
{
	sed -n '1,/kmemleak scan begins/p' "$data/dmesg-dma-debug.txt" | sed '$d'
	for _ in 1 2 3 4; do sed -n '/cut here/,/end scenario/p' "$data/dmesg-dma-debug.txt" | sed '$d'; done
} >"$tmp/five.txt"
dir=$(results five "$tmp/five.txt" "" "${debug_env[@]}" DMA_DEBUG_ERRORS_AFTER=5)
judge "$dir"
tap_is "five reports: the count is the reason, five first lines and three whole reports printed" \
	"$REASON $(grep -c '^  | \[dma-debug\]' <<<"$OUT") $(grep -c '^  |   ' <<<"$OUT")" \
	"dma-debug: 5 errors during the run 5 42"

read -r -d '' leaks < <(host_leaks "$data/kmemleak-stacks.txt") || true
tap_is "leak classification: nvme, iommu, dma-buf, swiotlb and p2pdma stacks are the rig's; kernfs and virtio are not" \
	"$(grep -v '^quote ' <<<"$leaks")" $'rig 5\nother 2\nother-first kernfs_new_node+0x5b/0x120'
tap_is "only the first two rig leaks are quoted, without hex dumps" \
	"$(grep -c '^quote unreferenced object' <<<"$leaks") $(grep -c '^quote     [0-9a-f][0-9a-f] ' <<<"$leaks")" "2 0"

dir=$(results leak "$data/dmesg-clean.txt" "$data/kmemleak-mixed.txt" "${debug_env[@]}" KMEMLEAK_LEAKS=3)
judge "$dir"
tap_is "a leak in the module fails the run, named kmemleak" "$VERDICT $RESULT $REASON" \
	"1 fail kmemleak: 1 leak in the rig's code (p2prig, p2pdma, dma-buf, the DMA layer or nvme)"
tap_ok "the terminal quotes the leak: the object, who made it, its backtrace" \
	lines_in "$OUT" "  | unreferenced object 0xffff888104f1e600 (size 64):" \
	'  |   comm "p2prig", pid 391, jiffies 4294901234' "  |     p2prig_ioctl_map+0x1a4/0x6d0 [p2prig]"
tap_is "but not its hex dump, nor the other leaks" "$(grep -c 'hex dump\|acpi_ut\|kobject' <<<"$OUT")" 0
tap_ok "the other two leaks are recorded, where the first was made named" grep -qx \
	"kmemleak: 2 leaks elsewhere, not the rig's (the first made in acpi_ut_allocate_object_desc_dbg+0x4f/0x110); kept in kmemleak.txt" \
	<<<"$DETAILS"

awk '/^unreferenced object/ { skip = /0xffff888104f1e600/ } !skip' "$data/kmemleak-mixed.txt" >"$tmp/others.txt"
dir=$(results others "$data/dmesg-clean.txt" "$tmp/others.txt" "${debug_env[@]}" KMEMLEAK_LEAKS=2)
judge "$dir"
tap_is "leaks elsewhere only: a pass, with them recorded" "$VERDICT $RESULT $(grep -c 'kmemleak: 2 leaks elsewhere' <<<"$DETAILS")" \
	"0 pass 1"
tap_is "and nothing printed" "$OUT" ""

dir=$(results clean "$data/dmesg-clean.txt" "/dev/null" "${debug_env[@]}")
judge "$dir"
tap_is "a clean debug kernel passes, saying what it checked" "$VERDICT $RESULT $DETAILS" \
	$'0 pass dma-debug: no error during the run (all_errors on)\nkmemleak: no leak after the module\'s unload (scan 2100 ms)\nlockdep: on'

dir=$(results debian "$data/dmesg-clean.txt" "" DMA_DEBUG=absent DMA_DEBUG_ERRORS_BEFORE= KMEMLEAK=absent LOCKDEP=absent CHECKERS_END=yes)
judge "$dir"
tap_is "a kernel without dma-debug and kmemleak: a skip with the reason, the verdict untouched" \
	"$VERDICT $RESULT $REASON" "0 skip kernel has no dma-debug/kmemleak"

dir=$(results early "$data/dmesg-clean.txt" "")
judge "$dir"
tap_is "no checkers.env (the guest stopped first): a skip" "$VERDICT $RESULT $REASON" \
	"0 skip the guest stopped before it looked for the kernel's debug checkers"

dir=$(results unfinished "$data/dmesg-clean.txt" "" DMA_DEBUG=on DMA_DEBUG_ERRORS_BEFORE=0 KMEMLEAK=on LOCKDEP=on)
judge "$dir"
tap_is "a run that ended before the end-of-run reading: a skip, not a pass" "$VERDICT $RESULT $REASON" \
	"0 skip the run ended before dma-debug's count and the kmemleak scan were read"

dir=$(results unseen "$data/dmesg-clean.txt" "/dev/null" "${debug_env[@]}" DMA_DEBUG_ERRORS_BEFORE=2 DMA_DEBUG_ERRORS_AFTER=5)
judge "$dir"
tap_is "errors counted but not in the log still fail, and say so" \
	"$VERDICT $RESULT $REASON $(grep -c 'the kernel log does not show' <<<"$DETAILS")" \
	"1 fail dma-debug: 3 errors during the run 1"

dir=$(results lockdep "$data/dmesg-lockdep.txt" "" DMA_DEBUG=absent KMEMLEAK=absent LOCKDEP=on CHECKERS_END=yes)
judge "$dir"
tap_is "lockdep's report fails the run by name, even on a kernel without dma-debug and kmemleak" \
	"$VERDICT $RESULT $REASON $(grep -c '^  | ' <<<"$OUT")" "1 fail lockdep: 1 report in the kernel log 6"
tap_done
