#!/usr/bin/env bash
# The module's uAPI under a fuzzer (tests/kmod/fuzz.c and fuzz_*.c, on the
# kernel's kselftest harness) inside the virtual lab on the default rig:
# uid nobody cannot open the device, no call reaches outside a chunk,
# foreign handles and fds are refused; then 100000 ioctls, random and at
# the boundaries, from one thread and from seven at once. Its KTAP results
# pass through to prove, with the histogram as diagnostics, followed by
# what the run's fuzz.json says (the call count, no errno outside its
# ioctl's set, everything released, the kernel log clean as the program
# read it) and by the harness's own verdict: the guest finished, the
# module unloaded, the kernel log stayed clean.
set -euo pipefail
# shellcheck source=tests/lib/kmod.sh
source "$(dirname "$0")/../../lib/kmod.sh"
vlab_requires

kmod_run kmod-fuzz vlab-switch-iommu
json=${KMOD_RUN_DIR:+$KMOD_RUN_DIR/fuzz.json}

# holds DESCRIPTION FILTER: one result, passing when FILTER is true of fuzz.json.
holds() {
	if jq -e "$2" "$json" >/dev/null; then
		kmod_add 0 "fuzz.json: $1"
	else
		kmod_add 1 "fuzz.json: $1"
	fi
}

if [[ -n $json && -s $json ]] && jq -e . "$json" >/dev/null 2>&1; then
	kmod_add 0 "fuzz.json: written, and JSON"
	holds "at least 100000 calls ($(jq .calls "$json"), seed $(jq .seed "$json"))" \
		'.calls >= 100000 and .calls >= .calls_requested'
	holds "every answer an errno its ioctl may return ($(jq .undefined "$json") outside)" \
		'.undefined == 0'
	holds "every answer what its input must get ($(jq .unexpected "$json") not)" \
		'.unexpected == 0 and .failures_total == 0'
	holds "every ioctl called; unknown numbers answered ENOTTY only" \
		'([.ioctls[] | .calls > 0] | all) and .ioctls.UNKNOWN.ok == 0 and
		 (.ioctls.UNKNOWN.errors | keys) == ["ENOTTY"]'
	holds "7 threads, 4 sharing one file; files replaced mid-use; dma-bufs closed while imported" \
		'.threads == 7 and .threads_sharing_one_file == 4 and .files_reopened > 0 and
		 .dmabuf_closes_while_imported > 0'
	holds "transfers reached edu, within their budget ($(jq .xfers_reaching_initiator "$json"))" \
		'.xfers_reaching_initiator > 0 and .xfers_reaching_initiator <= .xfer_budget'
	holds "released: p2pmem back to $(jq .resources.available_before "$json") bytes, no dma-buf or import alive" \
		'.resources.released and .resources.available_after == .resources.available_before and
		 .resources.nr_exports == 0 and .resources.nr_imports == 0'
	holds "a sentinel chunk no call could name kept its bytes; edu still moves bytes" \
		'.resources.sentinel_intact and .resources.engine_works'
	holds "the program read the kernel log from its start: clean" \
		'.kernel_log.read and .kernel_log.clean'
	if jq -e '.fuzz.calls >= 100000 and (.fuzz.ioctls | length) >= 14 and .host.verdict == "pass"' \
		"$KMOD_RUN_DIR/result.json" >/dev/null 2>&1; then
		kmod_add 0 "result.json: the call count and the histogram of all 14 ioctl kinds, the host's pass"
	else
		kmod_add 1 "result.json: the call count and the histogram of all 14 ioctl kinds, the host's pass"
	fi
	KMOD_LINES+=("# fuzz.json: $(jq -r '"\(.calls) calls in \(.guest_elapsed_s) s of guest time, seed \(.seed)"' "$json")")
else
	kmod_add 1 "fuzz.json: written, and JSON (none in ${KMOD_RUN_DIR:-the results})"
fi
kmod_print
