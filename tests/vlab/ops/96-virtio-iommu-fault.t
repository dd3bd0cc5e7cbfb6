#!/usr/bin/env bash
# A real IOMMU fault fails the run, and the verdict names it. The scenario
# (tests/vlab/data/virtio-iommu-fault) hands edu the CMB's PCI bus address
# under a translating virtio-iommu; QEMU sends the DMA through the IOMMU,
# which finds no mapping, and the guest's driver logs "page fault from EP
# N at ADDR" as a plain error line: no WARNING, no call trace. Before the
# health watch knew virtio-iommu's words and the log's priority, such a
# run failed on wrong bytes alone, its kernel health "clean".
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
vlab_requires

tap_plan 10
run_scenario "$TOP/tests/vlab/data/virtio-iommu-fault"
tap_ok "the run exits non-zero" test "$RUN_RC" -ne 0
tap_is "the guest finished (the failure is the verdict, not a crash)" "$(cat "$RUN_DIR/outcome")" "done"
tap_is "p2pdma decided BUS_ADDR and edu got the bus address, under virtio-iommu translating" \
	"$(jq_result '"\(.steps[0].map_type) \([.steps[0].expectations[] | select(.expect == "dma-address") | .met][0])"')" \
	"BUS_ADDR true"
tap_is "the step failed" "$(jq_result '.steps[0].result')" fail
# shellcheck disable=SC2016 # the inner script expands its argument
tap_ok "its reason names the IOMMU's fault first" \
	bash -c '[[ $1 =~ ^IOMMU:\ virtio_iommu\ [^:]+:\ page\ fault\ from\ EP\ [0-9]+\ at\ 0x[0-9a-f]+ ]]' _ "$(jq_result '.steps[0].reason')"
tap_ok "the runner's health watch: not clean, the fault among the step's findings" \
	jq -e '.health.clean == false and ([.health.findings[] | select(.step == "bus-addr" and (.line | test("virtio_iommu .*: page fault from EP [0-9]+ at 0x")))] | length > 0)' \
	"$RUN_DIR/result.json"
tap_is "the host's look at dmesg.txt fails on it too" \
	"$(jq_result '.host.checks[] | select(.name == "kernel-log") | "\(.result) \([.details[]? | tostring | select(test("page fault from EP"))] | length > 0)"')" \
	"fail true"
# What only the new rules catch: the fault line is an error with no marker
# the watch had before (WARNING:, BUG:, Oops, Call Trace) anywhere after
# the run's marker.
tap_ok "dmesg.txt keeps the priority: the fault is logged at err (<3>)" \
	grep -qE '^<3>\[ *[0-9.]+\] (\[ *T[0-9]+\] )?virtio_iommu [^:]+: page fault from EP' "$RUN_DIR/dmesg.txt"
tap_is "no WARNING, BUG, Oops or call trace after the run's marker: the fault line alone fails the run" \
	"$(sed -n '/p2prig: begin scenario/,$p' "$RUN_DIR/dmesg.txt" | grep -cE 'WARNING:|BUG:|Oops|Call Trace' || true)" 0
tap_ok "KTAP reports the step as not ok" grep -q '^not ok 1 bus-addr' "$RUN_DIR/ktap.txt"
tap_done
