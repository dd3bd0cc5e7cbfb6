#!/usr/bin/env bash
# `p2prig kmsg`, which lab mode keeps a run's kernel log with (by the
# records' sequence numbers, their priorities kept), on a real kernel's
# /dev/kmsg (tests/vlab/ops/kmsg-guest.sh in a guest): the records from the
# run's first on, none lost; then a log flooded past its buffer, which
# lost the run's first records, marker included. The old cut by line
# count would have started at whatever line the count then pointed to;
# this one says what was lost, and scan-log fails on it.
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires
tap_plan 9

run_guest_script tests/vlab/ops/kmsg-guest.sh vlab-switch-noiommu kmsg script
dir=$GUEST_DIR

tap_is "kmsg --since: exit 0, nothing lost" "${GUEST_CODE[since_rc]-}" 0
tap_ok "... the run's marker there, its priority kept (user.warning: <12>)" \
	grep -qE '^<12>\[ *[0-9]+\.[0-9]+\] p2prig: begin scenario kmsg-check$' "$dir/kmsg-since.txt"
tap_ok "... user space's \"<3>\" line kept as the kernel filed it: user.err (<11>)" \
	grep -qE '^<11>\[ *[0-9.]+\] virtio_iommu virtio0: a line user space wrote at err$' "$dir/kmsg-since.txt"
tap_is "... and scan-log does not take it for an IOMMU driver's error" "${GUEST_CODE[since_scan_rc]-}" 0
tap_ok "flooded past the buffer (${GUEST_CODE[written]-?} lines, the loss seen before 200000): kmsg --since exits 3" \
	test "${GUEST_CODE[wrapped_rc]-}" = 3 -a "${GUEST_CODE[written]-200000}" -lt 200000
tap_ok "... its first line says how many records were lost, from the run's first" \
	grep -qE '^p2prig: the kernel log overwrote [0-9]+ records? \(numbers [0-9]+ to [0-9]+\) before they were read' \
	<(head -n 1 "$dir/kmsg-wrapped.txt")
tap_ok "... the marker is gone, the records after the loss are there" \
	bash -c "! grep -q 'begin scenario kmsg-wrap' '$dir/kmsg-wrapped.txt' && grep -q 'after_wrap' '$dir/kmsg-wrapped.txt'"
tap_ok "... scan-log fails on the loss" \
	bash -c "test '${GUEST_CODE[wrapped_scan_rc]-}' = 1 && grep -q 'overwrote' '$dir/kmsg-wrapped-scan.txt'"
tap_done
