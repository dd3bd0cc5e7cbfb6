#!/usr/bin/env bash
# Records the dma trace events' formats of the guest's kernel into the
# results folder (dma-formats/NAME), for tests/unit/test_dma_trace.c:
#   harness/run-guest-cmd.sh tests/unit/data/record-dma-formats.sh --kernel 7.3.4
# then copy RESULTS/dma-formats to tests/unit/data/dma-formats-VERSION.
set -euo pipefail
t=/sys/kernel/tracing
[[ -d $t/events ]] || mount -t tracefs nodev "$t"
out=/results/dma-formats
mkdir -p "$out"
for ev in dma_map_phys dma_unmap_phys dma_map_page dma_unmap_page dma_map_resource \
	dma_unmap_resource dma_map_sg dma_unmap_sg; do
	[[ ! -r $t/events/dma/$ev/format ]] || cp "$t/events/dma/$ev/format" "$out/$ev"
done
uname -r >"$out/kernel"
ls "$out"
