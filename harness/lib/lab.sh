# shellcheck shell=bash
# Lab mode's steps (harness/run-lab.sh): a scenario on this machine's own
# devices, named by the rig config. Sourced after session.sh and
# host-record.sh; the RIG_* variables are the resolved config.

EDU_ID=1234:11e8
# The scenario's name, set by run-lab.sh.
LAB_SCENARIO=${LAB_SCENARIO:-}

# The run's results folder, once there is one (run-lab.sh).
LAB_OUT=${LAB_OUT:-}

# lab_refuse MESSAGE: the run cannot start; nothing was loaded. Exit 2; the
# results folder, if there is one yet, keeps the reason (refused.txt).
lab_refuse() {
	printf '[p2prig] refused: %s\n' "$*" >&2
	[[ -z $LAB_OUT ]] || printf '%s\n' "$*" 2>/dev/null >"$LAB_OUT/refused.txt" ||
		warn "$LAB_OUT/refused.txt: could not keep the reason there"
	exit 2
}

# lab_skip_run OUT REASON: this machine cannot run the scenario; it is
# skipped whole, with the reason in result.json, KTAP and JUnit. Exit 4.
lab_skip_run() {
	local out=$1 reason=$2
	jq -n --arg scenario "$LAB_SCENARIO" --arg config "$RIG_CONFIG_NAME" --arg kernel "$(uname -r)" \
		--arg topology "$(rig_topology_text)" '
		{ format: 2, scenario: $scenario, rig: "lab", topology: $topology, config: $config,
		  node: null, kernel: $kernel, complete: true, error: null, steps: [],
		  health: { clean: null, watched: false, reason: "nothing ran", findings: [] },
		  summary: { passed: 0, failed: 0, skipped: 0 } }' >"$out/result.json"
	host_check "$out" lab-requirements skip "$reason"
	host_record "$out" "done" 4 || warn "$out: the skip is in result.json, but KTAP or JUnit could not be written"
	log "scenario $LAB_SCENARIO: $(paint_verdict skip): $reason"
	echo "results: $out"
	exit 4
}

# lab_find SELECTOR: "BDF VENDOR:DEVICE DRIVER" of the function, or nothing.
lab_find() {
	local line
	line=$("$P2PRIG_TOP/build/host/p2prig" pci-find "$1" 2>/dev/null) || return 1
	printf '%s\n' "${line#* }"
}

# lab_kinds SCENARIO KEYWORD: the kinds (third word) of its KEYWORD lines.
lab_kinds() { awk -v k="$2" '$1 == k { print $3 }' "$1" | sort -u; }

# lab_resolve_devices SCENARIO OUT: the config's devices for what the
# scenario uses. Sets LAB_PROVIDER_SEL, LAB_INITIATOR_SEL, LAB_BAR_SEL,
# LAB_BAR_BDF and LAB_BAR_DRIVER (the driver to give it back to).
lab_resolve_devices() {
	local file=$1 out=$2 found bdf id driver step device nic_dev=""
	LAB_PROVIDER_SEL=$(rig_lab_selector "$RIG_LAB_PROVIDER")
	LAB_INITIATOR_SEL=$(rig_lab_selector "$RIG_LAB_INITIATOR")
	LAB_BAR_SEL="" LAB_BAR_BDF="" LAB_BAR_DRIVER=""

	found=$(lab_find "$LAB_PROVIDER_SEL") ||
		lab_refuse "CONFIG_LAB_PROVIDER=$RIG_LAB_PROVIDER: no PCI function matches on this machine (lspci -nn lists them)"
	read -r bdf id driver <<<"$found"
	if lab_kinds "$file" provider | grep -qx nvme-cmb && [[ $driver != nvme ]]; then
		lab_refuse "CONFIG_LAB_PROVIDER: $bdf ($id) is bound to ${driver/#-/no driver}, not nvme: a CMB is published by the nvme driver"
	fi
	log "provider: $bdf ($id, $driver)"

	found=$(lab_find "$LAB_INITIATOR_SEL") ||
		lab_refuse "CONFIG_LAB_INITIATOR=$RIG_LAB_INITIATOR: no PCI function matches on this machine (lspci -nn lists them)"
	read -r bdf id driver <<<"$found"
	if lab_kinds "$file" initiator | grep -qx edu; then
		[[ $id == "$EDU_ID" ]] ||
			lab_skip_run "$out" "the scenario's initiator is QEMU's edu DMA engine, which only the virtual lab has; this lab's initiator is $bdf ($id, $driver)"
		if [[ $driver != - && $driver != p2prig_edu && $RIG_LAB_ALLOW_REBIND != y ]]; then
			lab_refuse "CONFIG_LAB_INITIATOR: $bdf ($id) is bound to $driver; the run would take it from $driver (CONFIG_LAB_ALLOW_REBIND=y allows that)"
		fi
	fi
	log "initiator: $bdf ($id, $driver)"

	if lab_kinds "$file" provider | grep -qx bar; then
		[[ -n $RIG_LAB_BAR_PROVIDER ]] ||
			lab_skip_run "$out" "the scenario lends a device's BAR (provider kind bar); CONFIG_LAB_BAR_PROVIDER names none on this machine"
		LAB_BAR_SEL=$(rig_lab_selector "$RIG_LAB_BAR_PROVIDER")
		found=$(lab_find "$LAB_BAR_SEL") ||
			lab_refuse "CONFIG_LAB_BAR_PROVIDER=$RIG_LAB_BAR_PROVIDER: no PCI function matches on this machine"
		read -r LAB_BAR_BDF id LAB_BAR_DRIVER <<<"$found"
		if [[ $LAB_BAR_DRIVER != - && $LAB_BAR_DRIVER != p2prig_bar && $RIG_LAB_ALLOW_REBIND != y ]]; then
			lab_refuse "CONFIG_LAB_BAR_PROVIDER: $LAB_BAR_BDF ($id) is bound to $LAB_BAR_DRIVER; the run would take it from $LAB_BAR_DRIVER (CONFIG_LAB_ALLOW_REBIND=y allows that; the rig gives it back afterwards)"
		fi
		log "bar provider: $LAB_BAR_BDF ($id, $LAB_BAR_DRIVER)"
	fi

	# An RDMA device the scenario names that this config does not is someone
	# else's: it may carry traffic. Absent ones are the runner's to skip.
	if [[ -n ${RIG_LAB_NIC:-} ]] && found=$(lab_find "$(rig_lab_selector "$RIG_LAB_NIC")"); then
		nic_dev=$(basename "$(find "/sys/bus/pci/devices/${found%% *}/infiniband" -mindepth 1 -maxdepth 1 2>/dev/null | head -n 1)" 2>/dev/null || true)
	fi
	while read -r step device; do
		[[ -e /sys/class/infiniband/$device && $device != "$nic_dev" ]] || continue
		lab_refuse "step $step uses RDMA device $device, which CONFIG_LAB_NIC does not name${nic_dev:+ (it names $nic_dev)}: it may carry someone else's traffic"
	done < <(awk '$1 == "step" && $3 == "rdma" { for (i = 4; i <= NF; i++) if ($i ~ /^device=/) print $2, substr($i, 8) }' "$file")
}

# lab_check_storage SCENARIO: every namespace the scenario may write
# (`storage ... scratch`) must be named in CONFIG_LAB_SCRATCH_NAMESPACES
# and not be mounted; writing destroys its data.
lab_check_storage() {
	local file=$1 name selector nsid key dev inventory
	while read -r name selector nsid; do
		inventory=${inventory:-$("$P2PRIG_TOP/build/host/p2prig" nvme --json - 2>/dev/null || echo '{}')}
		key=$(jq -r --arg sel "$selector" --argjson nsid "$nsid" '
			($sel | split("=")) as [$k, $v]
			| [.controllers[]? | select(($k == "serial" and .serial == $v) or
				($k == "slot" and .address == $v) or ($k == "name" and .name == $v))][0]
			| if . then "\(.serial):\($nsid) \([.namespaces[] | select(.nsid == $nsid) | .dev][0] // "")"
			  else empty end' <<<"$inventory")
		[[ -n $key ]] || lab_refuse "storage $name ($selector nsid=$nsid): no such NVMe namespace on this machine (nvme list)"
		dev=${key#* } key=${key%% *}
		[[ " $RIG_LAB_SCRATCH_NAMESPACES " == *" $key "* ]] ||
			lab_refuse "storage $name ($key): the scenario writes to it, but CONFIG_LAB_SCRATCH_NAMESPACES does not name it; writing destroys its data"
		if [[ -n $dev ]] && grep -qE "^$dev(p[0-9]+)? " /proc/mounts; then
			lab_refuse "storage $name ($key, $dev): mounted ($(grep -E "^$dev(p[0-9]+)? " /proc/mounts | awk '{ print $2 }' | head -n 1)); unmount it first"
		fi
		log "storage: $name is $key ($dev), named scratch in the config"
	done < <(awk '$1 == "storage" { s = 0; n = ""; for (i = 4; i <= NF; i++) { if ($i == "scratch") s = 1; if ($i ~ /^nsid=/) n = substr($i, 6) }
		if (s) print $2, $4, n }' "$file")
}

# lab_rewrite_scenario IN OUT: the scenario with the config's devices in
# place of its selectors, the file the run reads and keeps.
lab_rewrite_scenario() {
	awk -v prov="$LAB_PROVIDER_SEL" -v init="$LAB_INITIATOR_SEL" -v bar="$LAB_BAR_SEL" '
		$1 == "provider" && $3 == "nvme-cmb" { $4 = prov }
		$1 == "provider" && $3 == "bar" && bar != "" { $4 = bar }
		$1 == "initiator" && $3 == "edu" { $4 = init }
		{ print }' "$1" >"$2"
}

# lab_doctor_gate OUT: the doctor on this machine first; a pair that cannot
# do p2p is a skip with the doctor's reason, not a failure.
lab_doctor_gate() {
	local out=$1 missing type reason
	"$P2PRIG_TOP/build/host/p2prig" doctor --json "$out/doctor.json" \
		--provider "$LAB_PROVIDER_SEL" --initiator "$LAB_INITIATOR_SEL" >"$out/doctor.txt" 2>&1 || true
	[[ -s $out/doctor.json ]] || lab_refuse "the doctor wrote no doctor.json (see $out/doctor.txt)"
	missing=$(jq -r '.missing // [] | join("; ")' "$out/doctor.json")
	[[ -z $missing ]] || lab_skip_run "$out" "doctor: $missing"
	type=$(jq -r '.pair.map_type // "unknown"' "$out/doctor.json")
	reason=$(jq -r '.pair.reason // ""' "$out/doctor.json")
	log "doctor: $type${reason:+ ($reason)}"
	[[ $type != NOT_SUPPORTED ]] || lab_skip_run "$out" "doctor: the kernel cannot do p2p between the pair here: $reason"
}

# lab_build_module OUT: p2prig.ko for the running kernel, from a copy of
# the sources (the checkout may be read-only; its kmod/ may hold another
# kernel's objects).
lab_build_module() {
	local out=$1 src=$P2PRIG_TOP/kmod
	LAB_KMOD=$P2PRIG_TOP/build/lab/kmod-$(uname -r)
	[[ ! -e /sys/module/p2prig ]] ||
		lab_refuse "p2prig is loaded already (another run, or by hand): rmmod p2prig first"
	[[ -d /lib/modules/$(uname -r)/build ]] ||
		lab_refuse "no headers for the running kernel $(uname -r) at /lib/modules/$(uname -r)/build (Debian: apt-get install linux-headers-$(uname -r))"
	mkdir -p "$LAB_KMOD" || lab_refuse "cannot write $LAB_KMOD"
	# Times kept: kbuild rebuilds only what changed since the last lab run.
	if ! cp -p "$src"/Kbuild "$src"/Makefile "$src"/*.c "$src"/*.h "$LAB_KMOD/" ||
		! cp -rp "$src/include" "$LAB_KMOD/"; then
		lab_refuse "cannot copy the module's sources to $LAB_KMOD"
	fi
	log "build: p2prig.ko for $(uname -r)"
	make -C "$LAB_KMOD" KDIR="/lib/modules/$(uname -r)/build" >"$out/kmod-build.log" 2>&1 ||
		lab_refuse "p2prig.ko did not build for $(uname -r) (see $out/kmod-build.log)"
}

# lab_release OUT: undo what the run did to the machine, whatever happened:
# the module out, a taken device back to its driver, the kernel log kept.
lab_release() {
	local out=$1 dev
	if [[ -e /sys/module/p2prig ]]; then
		if rmmod p2prig 2>"$out/rmmod.txt"; then LAB_UNLOADED=yes; else LAB_UNLOADED=no; fi
	fi
	if [[ -n $LAB_BAR_BDF ]]; then
		dev=/sys/bus/pci/devices/$LAB_BAR_BDF
		[[ ! -e $dev/driver_override ]] || echo >"$dev/driver_override"
		if [[ $LAB_BAR_DRIVER != - && ! -e $dev/driver ]]; then
			echo "$LAB_BAR_BDF" >"/sys/bus/pci/drivers/$LAB_BAR_DRIVER/bind" 2>/dev/null ||
				warn "$LAB_BAR_BDF could not be bound back to $LAB_BAR_DRIVER"
		fi
	fi
	lab_keep_kernel_log "$out"
}

# lab_keep_kernel_log OUT: the kernel log's records from the run's first on
# (LAB_KMSG_SEQ, by sequence number: a wrapped log buffer cannot shift it),
# priorities kept, as dmesg.txt. Records overwritten before this read are
# named there, and the kernel-log check fails on that line. A log we could
# not read leaves no dmesg.txt: judged skip.
lab_keep_kernel_log() {
	local out=$1 rc=0
	if [[ -z ${LAB_KMSG_SEQ:-} ]]; then
		warn "the kernel log could not be read when the run began: no dmesg.txt"
		return
	fi
	"$P2PRIG_TOP/build/host/p2prig" kmsg --since "$LAB_KMSG_SEQ" >"$out/dmesg.txt" 2>"$out/kmsg.err" || rc=$?
	case $rc in
	0) rm -f "$out/kmsg.err" ;;
	3) warn "the kernel log overwrote some of this run's records before they were read ($(grep -m 1 -o 'overwrote [0-9]* records*' "$out/dmesg.txt")): raise log_buf_len" ;;
	*) warn "the kernel log could not be read: $(cat "$out/kmsg.err")"
		rm -f "$out/dmesg.txt" ;;
	esac
}

# lab_run OUT SCENARIO: load, hand over, run, release.
lab_run() {
	local out=$1 name=$2 dev rc=0
	# The number the run's first kernel record will get; dmesg.txt starts there.
	LAB_KMSG_SEQ=$("$P2PRIG_TOP/build/host/p2prig" kmsg --next) || LAB_KMSG_SEQ=""
	LAB_UNLOADED=""
	trap 'lab_release "'"$out"'"' EXIT
	insmod "$LAB_KMOD/p2prig.ko" || lab_refuse "insmod p2prig.ko failed (see dmesg)"
	log "module loaded: $(ls -l /dev/p2prig)"
	if [[ -n $LAB_BAR_BDF ]]; then
		dev=/sys/bus/pci/devices/$LAB_BAR_BDF
		[[ ! -e $dev/driver ]] || echo "$LAB_BAR_BDF" >"$dev/driver/unbind"
		echo p2prig_bar >"$dev/driver_override"
		echo "$LAB_BAR_BDF" >/sys/bus/pci/drivers_probe || true # the run's step says why if it failed
	fi
	"$P2PRIG_TOP/build/host/p2prig" run "$out/$name" --out "$out" --rig lab \
		--topology "$(rig_topology_text)" --config "$RIG_CONFIG_NAME" || rc=$?
	echo "$rc" >"$out/guest-exit"
	lab_release "$out"
	trap - EXIT
}

# lab_finish OUT SCENARIO T_START: the host's checks, the record, the verdict.
lab_finish() {
	local out=$1 name=$2 t_start=$3 rc=0
	HOST_VERDICT=0
	"$P2PRIG_TOP/build/host/p2prig" summary "$out/result.json" || rc=$?
	[[ $rc == 0 || $rc == 4 ]] || rc=1
	host_raise "$rc"
	host_judge_runner_exit "$out" "done" "the runner"
	if [[ $LAB_UNLOADED == yes ]]; then
		host_check "$out" module-unload pass ""
	else
		host_raise 1
		host_check "$out" module-unload fail "rmmod p2prig failed: $(cat "$out/rmmod.txt" 2>/dev/null)"
	fi
	host_judge_kernel_log "$out" "$out/$name"
	host_record "$out" "done" "$HOST_VERDICT" || host_raise 1
	echo "results: $out"
	log "scenario $name on this machine: $(paint_verdict "$(case $HOST_VERDICT in 0) echo pass ;; 4) echo skip ;; *) echo fail ;; esac)") in $(elapsed "$t_start") s"
	exit "$HOST_VERDICT"
}
