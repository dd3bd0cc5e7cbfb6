#!/usr/bin/env bash
# Unit tests of the runner (cmocka): map-cost steps, their figures across
# repeats and their JSON (test_map_cost), and the kernel's dma_map_benchmark
# beside the ram method (test_map_cost_kbench). Run from the repo root.
#
# Two programs, one TAP stream: each program's tests numbered on from the
# last one's, a single plan at the end; either program failing fails this.
set -euo pipefail
unit=$(dirname "$0")/../unit
(
	rc=0
	for program in test_map_cost test_map_cost_kbench; do
		"$unit/cmocka-tap.sh" "$program" || rc=1
	done
	exit "$rc"
) | awk '
	/^1\.\.[0-9]+$/ { next }
	match($0, /^(not )?ok [0-9]+/) {
		n++
		prefix = substr($0, 1, RLENGTH)
		sub(/[0-9]+$/, n, prefix)
		print prefix substr($0, RLENGTH + 1)
		next
	}
	{ print }
	END { print "1.." n + 0 }'
