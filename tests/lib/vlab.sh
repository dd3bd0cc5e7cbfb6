# shellcheck shell=bash
# Shared by the virtual-lab tests: run a scenario through the front door into
# a results folder of the test's own, and read its result.json with jq.

# shellcheck source=tests/lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The rig comes from the scenario's `config` line or the default, never from
# the developer's .config (harness/lib/rigconfig.sh reads KCONFIG_CONFIG).
export KCONFIG_CONFIG=/nonexistent/p2prig-tests-ignore-.config

vlab_requires() {
	[[ $(id -u) -eq 0 ]] || tap_skip_all "the virtual lab needs root (chroot, 9p shares)"
	command -v qemu-system-x86_64 >/dev/null || tap_skip_all "qemu-system-x86_64 not installed"
}

# run_scenario SCENARIO: sets RUN_RC, RUN_LOG and RUN_DIR (the results folder),
# read by the test that sourced this file. RUN_KERNEL and RUN_SERIES, when
# set, are the run's --kernel and --series.
# shellcheck disable=SC2034
run_scenario() {
	local results
	results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
	RUN_LOG="$results/run.log"
	RUN_RC=0
	P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" "$1" ${RUN_KERNEL:+--kernel "$RUN_KERNEL"} \
		${RUN_SERIES:+--series "$RUN_SERIES"} >"$RUN_LOG" 2>&1 || RUN_RC=$?
	RUN_DIR=$(find "$results" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	sed 's/^/# /' "$RUN_LOG"
}

# run_guest_script SCRIPT CONFIG NAME WHAT: run SCRIPT of this checkout in a
# guest of rig CONFIG (harness/run-guest-cmd.sh) into a results folder of
# the test's own, its log shown, and check it ran to its end (exit 0, its
# "p2prig-NAME: done" line): the result "the guest ran the WHAT to its
# end". Sets GUEST_DIR, the run's folder, and GUEST_CODE from the KEY=VALUE
# lines the script wrote to NAME.env, each shown.
declare -A GUEST_CODE=()
# shellcheck disable=SC2034 # GUEST_CODE and GUEST_DIR: read by the test that sourced this file
run_guest_script() {
	local script=$1 config=$2 name=$3 results rc=0 key value
	results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
	P2PRIG_RESULTS=$results "$TOP/harness/run-guest-cmd.sh" "$script" --config "$config" \
		>"$results/run.log" 2>&1 || rc=$?
	sed 's/^/# /' "$results/run.log"
	GUEST_DIR=$(find "$results" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	tap_is "the guest ran the $4 to its end" \
		"$rc $(grep -c "p2prig-$name: done" "$GUEST_DIR/guest-cmd.out" 2>/dev/null)" "0 1"
	while IFS='=' read -r key value; do GUEST_CODE[$key]=$value; done <"$GUEST_DIR/$name.env"
	sed "s/^/# $name.env: /" "$GUEST_DIR/$name.env"
}

# jq_result FILTER: evaluate FILTER on the run's result.json.
jq_result() { jq -r "$1" "$RUN_DIR/result.json"; }

# The kernel names NVMe controllers and namespaces in probe order, which
# changes from boot to boot (nvme0 is the CMB controller in one boot, the
# plain one in the next; a controller's n1 is not always nsid 1): tests
# name a namespace by its controller's serial and its nsid, and take the
# kernel's names from what libnvme listed in that run (doctor.nvme).
#
# nvme_ns_device SERIAL NSID: the namespace's block device, as libnvme listed it.
nvme_ns_device() {
	jq_result "[.doctor.nvme.controllers[] | select(.serial == \"$1\") | .namespaces[]
		| select(.nsid == $2) | .dev] | if length == 1 then .[0] else \"(\(length) namespaces)\" end"
}
# nvme_ctrl_address SERIAL: the controller's PCI address, as libnvme listed it.
nvme_ctrl_address() {
	jq_result "[.doctor.nvme.controllers[] | select(.serial == \"$1\") | .address]
		| if length == 1 then .[0] else \"(\(length) controllers)\" end"
}

# copy_ends STEP SERIAL FROM_NSID TO_NSID: for nvme-copy step STEP, each
# end as "NAME SERIAL:NSID" as result.json recorded it resolved, followed by
# "listed" when its device and PCI address are the ones libnvme listed for
# SERIAL and that nsid, else by what differs; the ends joined by a comma.
# Want: "src SERIAL:FROM_NSID listed,dst SERIAL:TO_NSID listed".
copy_ends() {
	local step=$1 serial=$2 end nsid line name got_serial got_nsid pci dev want_dev want_pci
	local -a ends=()
	for end in from to; do
		[[ $end == from ]] && nsid=$3 || nsid=$4
		line=$(jq_result ".steps[] | select(.name == \"$step\") | .copy.$end
			| \"\(.name) \(.serial) \(.nsid) \(.pci) \(.device)\"")
		read -r name got_serial got_nsid pci dev <<<"$line"
		want_dev=$(nvme_ns_device "$serial" "$nsid")
		want_pci=$(nvme_ctrl_address "$serial")
		if [[ $dev =~ ^/dev/nvme[0-9]+n[0-9]+$ && $dev == "$want_dev" && $pci == "$want_pci" ]]; then
			ends+=("$name $got_serial:$got_nsid listed")
		else
			ends+=("$name $got_serial:$got_nsid at $pci $dev, but libnvme lists $serial:$nsid at $want_pci $want_dev")
		fi
	done
	local IFS=,
	echo "${ends[*]}"
}

# tap_trace_witness [PREFIX]: four results on the global tracefs instance of a run
# made with P2PRIG_TRACE_WITNESS (harness/vlab/guest-run.sh): recorded
# before and after, its settings unchanged, the marker still in its buffer,
# no p2prig instance left behind.
tap_trace_witness() {
	local p=${1:-} before=$RUN_DIR/trace-witness-before.txt after=$RUN_DIR/trace-witness-after.txt
	tap_ok "${p}the global trace instance was recorded before and after the run" \
		test -s "$before" -a -s "$after"
	tap_is "${p}the global instance as the run found it (tracing_on, buffer_size_kb, current_tracer, set_event, dma events' enable)" \
		"$(diff <(grep -v '^marker=\|^instances=' "$before" 2>&1) <(grep -v '^marker=\|^instances=' "$after" 2>&1) || true)" ""
	tap_is "${p}the marker written to the global buffer before the run is still there" \
		"$(grep -h '^marker=' "$before" "$after" 2>/dev/null | paste -sd' ')" "marker=yes marker=yes"
	tap_is "${p}no p2prig instance left behind" \
		"$(grep '^instances=' "$after" 2>/dev/null | grep -o 'p2prig-[^ ]*' || true)" ""
}
