# shellcheck shell=bash
# What every virtual-lab run does before and after its boot, shared by the
# front doors: run-scenario.sh (scenarios), run-guest-test.sh (the module's
# own tests), run-guest-cmd.sh, run-doctor.sh and bench-rdma.sh.

# shellcheck source=harness/vlab/boot.sh
source "$(dirname "${BASH_SOURCE[0]}")/boot.sh"

# vlab_host_packages [GROUP]: the host packages of GROUP (setup-host.sh:
# run, the default, or lab on a lab machine), checked and installed before
# anything else a front door does, the rig config's resolution included.
vlab_host_packages() {
	phase_begin apt
	"$P2PRIG_TOP/harness/setup-host.sh" --for "${1:-run}"
	phase_end
}

# vlab_front_door CONFIG SCENARIO_FILE LAB_RIG [GUEST_BUILD]: the preamble
# of every front door, once it has read its command line: the packages a
# rig config needs, the config chosen (CONFIG, else SCENARIO_FILE's line,
# else .config, else the default), checked and loaded, the guest kernel
# (--kernel or the config's) pinned, the host prepared (vlab_prepare_host),
# then VLAB_HOST_READY, when a front door names a function there (a check
# made with the host's runner before the guest builds), and the guest build
# (vlab_build_guest KERNEL GUEST_BUILD). Sets kernel and t_start (the run's
# clock, started once the rig is known). LAB_RIG is why a lab rig is
# refused (CONFIG in it stands for the config's name), or "doctor": a lab
# rig then gets the lab packages and the runner, and the front door goes on
# on this machine.
# shellcheck disable=SC2034 # the front door reads t_start
vlab_front_door() {
	local config=$1 scenario_file=$2 lab_rig=$3 guest_build=${4:-}
	vlab_host_packages config
	vlab_select_config "$config" "$scenario_file"
	if [[ $RIG_RIG_KIND == lab ]]; then
		[[ $lab_rig == doctor ]] || die "config $RIG_CONFIG_NAME is a lab rig${lab_rig//CONFIG/$RIG_CONFIG_NAME}"
		t_start=$(now_s)
		vlab_host_packages lab
		vlab_build_host
		return 0
	fi
	vlab_select_kernel
	t_start=$(now_s)
	vlab_prepare_host "$kernel"
	[[ -z ${VLAB_HOST_READY:-} ]] || "$VLAB_HOST_READY"
	vlab_build_guest "$kernel" "$guest_build"
}

# vlab_prepare_host VERSION: once the rig config is chosen, what the host
# does before the build root is ready: the packages that fill the cache,
# then the cache filling in the background (kernel VERSION and the build
# root, VLAB_LAYERS included) while the rest of the host packages install
# and the runner builds for this machine. vlab_build_guest waits for it.
vlab_prepare_host() {
	vlab_host_packages cache
	vlab_cache_start "$1"
	vlab_host_packages run
	vlab_build_host
}

# vlab_cache_start VERSION: ensure_vlab_cache in the background, its lines
# in build/cache-fill.PID.log until vlab_cache_wait shows them. A front door
# that gives up meanwhile leaves it to finish: the cache is kept either way.
vlab_cache_start() {
	mkdir -p "$P2PRIG_TOP/build"
	VLAB_CACHE_LOG="$P2PRIG_TOP/build/cache-fill.$$.log"
	local log=$VLAB_CACHE_LOG
	(
		t0=$(now_s)
		ensure_vlab_cache "$1" ${VLAB_LAYERS[@]+"${VLAB_LAYERS[@]}"}
		elapsed "$t0" >"$log.seconds"
		printf '%s\n' "$1" >"$log.kernel"
	) >"$log" 2>&1 &
	VLAB_CACHE_PID=$!
}

# vlab_cache_wait: until the background fill ends; its lines as they come
# (a kernel the rig builds takes minutes), its time.
vlab_cache_wait() {
	[[ -n ${VLAB_CACHE_PID:-} ]] || return 0
	local log=$VLAB_CACHE_LOG rc=0
	tail --pid="$VLAB_CACHE_PID" -n +1 -f "$log" 2>/dev/null || true # display only
	wait "$VLAB_CACHE_PID" || rc=$?
	VLAB_CACHE_PID=""
	[[ $rc == 0 ]] || die "the virtual lab's cache could not be filled (above; $log)"
	phase_add "kernel + build root (beside apt and host build)" "$(cat "$log.seconds")"
	# shellcheck disable=SC2034 # read by ensure_vlab_cache (cache.sh)
	VLAB_CACHE_VERIFIED=$(cat "$log.kernel")
	rm -f "$log" "$log.seconds" "$log.kernel"
}

# vlab_build_host: the runner for this machine.
vlab_build_host() {
	phase_begin "host build"
	make -s -j"$(nproc)" -C "$P2PRIG_TOP/harness" BUILD="$P2PRIG_TOP/build/host" >/dev/null
	phase_end
}

# vlab_module_cc: the compiler for the module. The one the kernel was
# built with when the build root has it; else (sid's kernels come from a
# newer gcc than trixie ships) the root's gcc-14, said out loud: kbuild
# only warns about the mismatch, and the counted_by attributes gcc-14 does
# not know are ignored with a warning.
vlab_module_cc() {
	local vars="$BUILDROOT/usr/src/linux-headers-$PIN_UNAME/.kernelvariables" cc
	# A kernel the rig built was built by the root's gcc-14 (kbuild.sh).
	[[ $PIN_KIND != built ]] || { printf 'CC=gcc-14\n'; return 0; }
	cc=$(sed -n -E 's/^CC = .*[)](gcc-[0-9]+)$/\1/p' "$vars" 2>/dev/null)
	if [[ -z $cc || -x $BUILDROOT/usr/bin/x86_64-linux-gnu-$cc ]]; then
		return 0
	fi
	warn "$PIN_UNAME was built with $cc, which the $BUILDROOT_SUITE build root lacks: building p2prig.ko with gcc-14"
	printf 'CC=x86_64-linux-gnu-gcc-14\n'
}

# vlab_kmod_sources: the module's sources copied into a build folder of
# this kernel's own (VLAB_KMOD_DIR, build/kmod/UNAME): runs on two kernels
# at once each build and load theirs (kmod/ shared, one run's build was
# another's "Invalid module format"). Objects of the last build there stay,
# and make rebuilds what a changed source touches.
vlab_kmod_sources() {
	local src=$P2PRIG_TOP/kmod file
	VLAB_KMOD_DIR=$P2PRIG_TOP/build/kmod/$PIN_UNAME
	mkdir -p "$VLAB_KMOD_DIR"
	# Sources only (cp -p keeps their times): never another kernel's objects.
	(cd "$src" && find . \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) -print0 |
		xargs -0 cp -p --parents -t "$VLAB_KMOD_DIR") ||
		die "cannot copy the module's sources to $VLAB_KMOD_DIR"
	# A source deleted since the last copy must not linger.
	while IFS= read -r -d '' file; do
		[[ -e $src/$file ]] || rm -f "$VLAB_KMOD_DIR/$file"
	done < <(cd "$VLAB_KMOD_DIR" && find . -name '*.[ch]' ! -name '*.mod.c' -print0)
}

# vlab_build_guest VERSION [tests|module-optional]: cache, then the module
# and the guest runner (and with "tests" the module's own tests,
# tests/kmod), built in the build root for that kernel. The module's build
# log is build/kmod-UNAME.log; its errors are shown. With
# "module-optional" a module that does not build is reported and the run
# goes on without it (VLAB_MODULE=no): the doctor looks at any kernel.
# shellcheck disable=SC2034 # VLAB_MODULE is read by run-doctor.sh
vlab_build_guest() {
	vlab_cache_wait
	phase_begin "kernel + build root"
	ensure_vlab_cache "$1" ${VLAB_LAYERS[@]+"${VLAB_LAYERS[@]}"}
	phase_end
	phase_begin "guest build"
	log "build: p2prig.ko for $PIN_UNAME and the guest runner (in the build root)"
	VLAB_MODULE=yes
	local build_log="$P2PRIG_TOP/build/kmod-$PIN_UNAME.log" cc
	mkdir -p "$P2PRIG_TOP/build"
	cc=$(vlab_module_cc)
	# Runs side by side (a bug corpus, helpers, two shells) share build/: one
	# builds at a time, the others wait and find it made.
	local lock_fd
	exec {lock_fd}>"$P2PRIG_TOP/build/.guest-build.lock"
	flock "$lock_fd"
	# The module and the runner build side by side: each is mostly serial.
	# The build root has no git: the version comes from here.
	local version
	version=$(git -C "$P2PRIG_TOP" describe --always --dirty 2>/dev/null || echo unknown)
	in_buildroot make -s -j"$(nproc)" -C /rig/harness BUILD=/rig/build/guest CC=gcc-14 \
		P2PRIG_VERSION="$version" \
		>"$P2PRIG_TOP/build/guest-runner.log" 2>&1 &
	local runner=$!
	vlab_kmod_sources
	# shellcheck disable=SC2086 # $cc is empty or one word
	if ! in_buildroot make -s -C "/rig/${VLAB_KMOD_DIR#"$P2PRIG_TOP"/}" KDIR="/usr/src/linux-headers-$PIN_UNAME" $cc \
		>"$build_log" 2>&1; then
		grep -m 12 -E 'error|Error|No such file|not found' "$build_log" | sed 's/^/  | /' >&2 || true
		[[ ${2:-} == module-optional ]] || die "p2prig.ko does not build for $PIN_UNAME (above; whole log: $build_log)"
		warn "p2prig.ko does not build for $PIN_UNAME (above; whole log: $build_log); going on without it"
		VLAB_MODULE=no
	fi
	wait "$runner" || {
		tail -n 20 "$P2PRIG_TOP/build/guest-runner.log" >&2
		die "the guest runner does not build (whole log: $P2PRIG_TOP/build/guest-runner.log)"
	}
	phase_end
	[[ ${2:-} == tests ]] || { exec {lock_fd}>&-; return 0; }

	# Written against the kernel's own kselftest harness, from linux-source.
	local selftests
	selftests="$(ensure_linux_source_files "$1")/tools/testing/selftests"
	mkdir -p "$P2PRIG_TOP/build/kselftest"
	cp "$selftests"/kselftest.h "$selftests"/kselftest_harness.h "$P2PRIG_TOP/build/kselftest/"
	log "build: the module's tests (tests/kmod)"
	in_buildroot make -s -C /rig/tests/kmod BUILD=/rig/build/guest \
		KSELFTEST=/rig/build/kselftest CC=gcc-14 >/dev/null
	exec {lock_fd}>&-
}

# vlab_kernel_label: the guest kernel as a results folder names it: its
# release, less a built kernel's key (not final before the build root is).
vlab_kernel_label() {
	if [[ $PIN_KIND == built ]]; then
		printf '%s\n' "${PIN_UNAME%-*}"
	else
		printf '%s\n' "$PIN_UNAME"
	fi
}

# vlab_results_dir NAME [KERNEL]: make and print a fresh results folder for
# NAME on KERNEL (the pinned guest kernel unless given).
vlab_results_dir() {
	local out
	local root=${P2PRIG_RESULTS:-$P2PRIG_TOP/results} why free_mb
	local need_mb=${P2PRIG_RESULTS_MIN_FREE_MB:-64}
	out="$root/$(date -u +%Y%m%dT%H%M%SZ)-$1-${2:-$(vlab_kernel_label)}"
	# A run that cannot keep its results is refused before it boots, never
	# run for nothing: the folder must be creatable, writable and roomy.
	why=$(mkdir -p "$out" 2>&1) || die "results: cannot create $out: ${why##*: }; nothing was run"
	why=$( (: >"$out/.writable") 2>&1) || {
		rmdir "$out" 2>/dev/null
		die "results: cannot write in $out: ${why##*: }; nothing was run"
	}
	rm -f "$out/.writable"
	free_mb=$(($(stat -f -c '%a * %S' "$out") / 1048576))
	if ((free_mb < need_mb)); then
		rmdir "$out" 2>/dev/null
		die "results: only $free_mb MiB free under $root, a run needs $need_mb (serial log, traces, fio files; P2PRIG_RESULTS_MIN_FREE_MB sets it); nothing was run"
	fi
	printf '%s\n' "$out"
}

# vlab_results_room RESULTS: a results folder that filled up during the run
# holds cut-short files, and judging the run would only fail on the next
# write: say so plainly and stop, leaving what was written.
vlab_results_room() {
	local free
	free=$(stat -f -c '%a * %S' "$1")
	(($((free)) >= 65536)) ||
		die "results: $1 filled up during the run ($(($((free)) / 1024)) KiB left): its files may be cut short (the guest's serial.log says what it could not write); free space and run again"
}

# vlab_verdict_outcome RESULTS: say how the guest ended; false unless "done".
vlab_verdict_outcome() {
	local out=$1
	printf '%s\n' "$VLAB_OUTCOME" >"$out/outcome"
	case $VLAB_OUTCOME in
	done) return 0 ;;
	panic | early-panic)
		echo "guest: kernel panic:"
		grep -a -m1 -A8 'Kernel panic' "$out/serial.log" | sed 's/^/  | /'
		;;
	hang) echo "guest: no progress within ${P2PRIG_BOOT_TIMEOUT}s; the watchdog stopped it" ;;
	*) echo "guest: stopped without finishing (see serial.log)" ;;
	esac
	return 1
}

# vlab_select_config CMDLINE_CONFIG [SCENARIO_FILE]: choose the run's rig
# config by precedence (rigconfig.sh), check and resolve it before anything
# builds or boots, and load it (RIG_*). The resolved file waits in
# RIG_CONFIG_RESOLVED until vlab_keep_config files it with the results.
vlab_select_config() {
	rig_config_select "$1" "${2:-}" || die "no such config; nothing was run"
	RIG_CONFIG_RESOLVED=$(mktemp "${TMPDIR:-/tmp}/p2prig-config.XXXXXX")
	# shellcheck disable=SC2064 # the name is fixed now
	trap "rm -f '$RIG_CONFIG_RESOLVED'" EXIT
	rig_config_resolve "$RIG_CONFIG_SRC" "$RIG_CONFIG_RESOLVED" ||
		die "config $RIG_CONFIG_NAME ($(rig_path_shown "$RIG_CONFIG_SRC"), from $RIG_CONFIG_FROM) rejected; nothing was run"
	log "config: $RIG_CONFIG_NAME (from $RIG_CONFIG_FROM): $(rig_topology_text)"
}

# vlab_keep_config RESULTS KERNEL: the resolved config as RESULTS/rig.config,
# headed by its name and origin (and the kernel, when kernel= overrode it).
vlab_keep_config() {
	local out=$1 kernel=$2
	{
		printf '# p2prig rig config %s: %s, chosen by %s\n' \
			"$RIG_CONFIG_NAME" "$(rig_path_shown "$RIG_CONFIG_SRC")" "$RIG_CONFIG_FROM"
		if [[ $RIG_RIG_KIND == vlab && $kernel != "$(rig_kernel_spec)" ]]; then
			printf '# guest kernel %s from the command line, not the config'"'"'s %s\n' "$kernel" "$(rig_kernel_spec)"
		fi
		[[ -z ${P2PRIG_KERNEL_SERIES:-} ]] || printf '# patch series %s\n' "$P2PRIG_KERNEL_SERIES"
		cat "$RIG_CONFIG_RESOLVED"
	} >"$out/rig.config"
}

# vlab_record_kernel_build DIR: a built kernel's provenance (kbuild.sh:
# source, series with each patch, fragments, compiler) as result.json's
# kernel_build; nothing for Debian's binary kernels.
vlab_record_kernel_build() {
	local dir=$1 prov="$BUILDROOT/usr/lib/modules/$PIN_UNAME/p2prig-kernel.json" tmp
	[[ $PIN_KIND == built && -s $dir/result.json ]] || return 0
	[[ -r $prov ]] || die "kernel $PIN_UNAME: no provenance ($prov)"
	cp "$prov" "$dir/kernel-build.json"
	tmp=$(mktemp "$dir/.result.json.XXXXXX")
	chmod 0644 "$tmp"
	jq --slurpfile build "$prov" '.kernel_build = $build[0]' "$dir/result.json" >"$tmp" && mv "$tmp" "$dir/result.json"
}

# vlab_run_env: the lines of run.env every vlab run shares.
vlab_run_env() {
	printf 'P2PRIG_RIG=vlab\n'
	printf 'P2PRIG_CONFIG=%q\n' "$RIG_CONFIG_NAME"
	printf 'P2PRIG_TOPOLOGY=%q\n' "$(rig_topology_text)"
	printf 'P2PRIG_USER_NET_MAC=%q\n' "$VLAB_USER_NET_MAC"
	local kmod=${VLAB_KMOD_DIR:-$P2PRIG_TOP/kmod}
	printf 'P2PRIG_KMOD_DIR=%q\n' "/rig/${kmod#"$P2PRIG_TOP"/}"
}

# vlab_check_guest_facts RESULTS: the machine the guest saw (guest-facts.env,
# written by guest-run.sh) must be the one the config describes, or the
# run's results would be filed under the wrong topology. Prints each
# difference; false if there is any.
vlab_check_guest_facts() {
	local facts=$1/guest-facts.env key value domain
	[[ -r $facts ]] || return 0 # the guest stopped earlier; the outcome says so
	local -A guest=()
	while IFS='=' read -r key value; do guest[$key]=$value; done <"$facts"
	local -a wrong=()
	if [[ $RIG_VLAB_IOMMU == off ]]; then
		[[ ${guest[IOMMU_GROUPS]} == 0 ]] ||
			wrong+=("no IOMMU asked, but the guest has ${guest[IOMMU_GROUPS]} IOMMU groups")
	else
		[[ ${guest[IOMMU_GROUPS]} != 0 ]] ||
			wrong+=("$RIG_VLAB_IOMMU_DEVICE asked, but the guest has no IOMMU group")
		for domain in ${guest[IOMMU_DOMAINS]}; do
			case $RIG_VLAB_IOMMU:${domain#*=} in
			passthrough:identity | translated:DMA | translated:DMA-FQ) ;;
			*) wrong+=("IOMMU $RIG_VLAB_IOMMU asked, but ${domain%%=*} has a ${domain#*=} domain") ;;
			esac
		done
	fi
	if [[ $RIG_VLAB_CPU_EPYC == y ]] &&
		[[ ${guest[CPU_VENDOR]} != AuthenticAMD || ${guest[CPU_FAMILY]} -lt 23 ]]; then
		wrong+=("an AMD Zen CPU asked, but the guest sees ${guest[CPU_VENDOR]} family ${guest[CPU_FAMILY]}")
	fi
	if [[ $RIG_VLAB_CPU_INTEL == y && ${guest[CPU_VENDOR]} != GenuineIntel ]]; then
		wrong+=("an Intel CPU asked, but the guest sees ${guest[CPU_VENDOR]}")
	fi
	if [[ $RIG_VLAB_SWIOTLB_FORCE == y && ${guest[SWIOTLB]} != force ]]; then
		wrong+=("swiotlb=force asked, but the guest's command line lacks it")
	fi
	[[ ${#wrong[@]} -eq 0 ]] && return 0
	echo "guest: the machine is not the one config $RIG_CONFIG_NAME describes:"
	printf '  | %s\n' "${wrong[@]}"
	return 1
}

# vlab_front_door_args USAGE ARG...: what every virtual-lab front door takes,
# one NAME then --kernel SPEC, --series FILE|DIR and --config NAME|FILE in
# any order. Sets FRONT_DOOR_NAME, kernel, config and the series
# (P2PRIG_KERNEL_SERIES); a wrong command line prints USAGE and exits 2.
# shellcheck disable=SC2034 # the front door reads them
vlab_front_door_args() {
	local usage=$1
	shift
	[[ $# -ge 1 && $1 != -* ]] || { echo "$usage" >&2; exit 2; }
	FRONT_DOOR_NAME=$1
	shift
	kernel="" config="" VLAB_SERIES_ARG=""
	while [[ $# -gt 0 ]]; do
		case $1 in
		--kernel) kernel=${2:?--kernel needs a version}; shift 2 ;;
		--series) VLAB_SERIES_ARG=${2:?--series needs a file or folder}; shift 2 ;;
		--config) config=${2:?--config needs a name}; shift 2 ;;
		*) echo "$usage" >&2; exit 2 ;;
		esac
	done
}

# vlab_select_kernel: once the rig config is loaded, the run's guest kernel
# (--kernel, else the config's) and series (--series, else the config's),
# checked before anything is built: an unknown kernel, a series on a
# Debian binary kernel, a series that is not there. Sets kernel.
vlab_select_kernel() {
	kernel=${kernel:-$(rig_kernel_spec)}
	P2PRIG_KERNEL_SERIES=${VLAB_SERIES_ARG:-${P2PRIG_KERNEL_SERIES:-${RIG_VLAB_KERNEL_SERIES:-}}}
	if [[ -n $P2PRIG_KERNEL_SERIES ]]; then
		kernel_spec_built "$kernel" ||
			die "series $P2PRIG_KERNEL_SERIES: kernel $kernel is Debian's binary; a series needs one the rig builds (kernel=src:${kernel%%+*} or tree:PATH)"
		P2PRIG_KERNEL_SERIES=${P2PRIG_KERNEL_SERIES/#\~/$HOME}
	fi
	load_kernel_pin "$kernel" # rejects an unknown kernel before any work
}
