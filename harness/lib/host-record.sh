# shellcheck shell=bash
# What the host holds against a run, written into its results folder: each
# check the host made after the guest ended (how it ended, the machine it
# saw, its kernel log, the runner's exit), the run's verdict, its metrics,
# and the KTAP and JUnit made from the finished result.json.
#
#   host_check DIR NAME pass|fail|skip REASON [DETAIL...]
#   host_record DIR OUTCOME EXIT_CODE
#
# Sourced after common.sh.

# host_check DIR NAME RESULT REASON [DETAIL...]: one check, kept until host_record.
host_check() {
	local dir=$1 name=$2 result=$3 reason=$4
	shift 4
	jq -nc --arg name "$name" --arg result "$result" --arg reason "$reason" \
		'{ name: $name, result: $result, reason: (if $reason == "" then null else $reason end),
		   details: $ARGS.positional }' --args "$@" >>"$dir/host-checks.jsonl"
}

# host_record DIR OUTCOME EXIT_CODE: result.json gains `host` and `metrics`
# (results/README.md); ktap.txt and junit.xml are made from it, the guest's
# own KTAP kept as guest-ktap.txt. A result.json that cannot be rewritten is
# an error, never a silent loss: the exit code says so.
host_record() {
	local dir=$1 outcome=$2 code=$3 verdict tmp
	case $code in
	0) verdict=pass ;;
	4) verdict=skip ;;
	*) verdict=fail ;;
	esac
	tmp=$(mktemp "$dir/.result.json.XXXXXX") || return 1
	chmod 0644 "$tmp" # mktemp's 0600 would hide the record from other readers
	if ! jq -L "$P2PRIG_TOP/harness/lib" --arg outcome "$outcome" --argjson code "$code" \
		--arg verdict "$verdict" --slurpfile checks <(cat "$dir/host-checks.jsonl" 2>/dev/null) \
		'include "metrics";
		 .host = { outcome: $outcome, exit_code: $code, verdict: $verdict, checks: $checks }
		 | .metrics = run_metrics' "$dir/result.json" >"$tmp"; then
		rm -f "$tmp"
		warn "$dir/result.json: could not add the host's verdict"
		return 1
	fi
	mv "$tmp" "$dir/result.json" && rm -f "$dir/host-checks.jsonl" || return 1
	[[ ! -f $dir/ktap.txt || -f $dir/guest-ktap.txt ]] || mv "$dir/ktap.txt" "$dir/guest-ktap.txt"
	if ! "$P2PRIG_TOP/build/host/p2prig" ktap "$dir/result.json" >"$dir/ktap.txt" ||
		! "$P2PRIG_TOP/build/host/p2prig" junit "$dir/result.json" >"$dir/junit.xml"; then
		warn "$dir: could not write ktap.txt and junit.xml"
		return 1
	fi
}

# The run's verdict as the host sees it: 0 pass, 4 nothing failed but
# something was skipped, 1 anything failed. host_raise never lowers it.
HOST_VERDICT=0
host_raise() { [[ $HOST_VERDICT == 1 || ($HOST_VERDICT == 4 && $1 == 0) ]] || HOST_VERDICT=$1; }

# host_judge_guest DIR [SCENARIO_FILE]: what the host holds against one
# guest's run, each a check for host_record: how the guest ended, the
# machine it saw (the one the config describes), its kernel log, the
# kernel's debug checkers and the runner's exit. A failed check is printed
# and raises HOST_VERDICT.
host_judge_guest() {
	local dir=$1 scenario_file=${2:-} said lines=()
	if said=$(vlab_verdict_outcome "$dir"); then
		host_check "$dir" guest-outcome pass "" "$VLAB_OUTCOME"
	else
		host_raise 1
		printf '%s\n' "$said"
		mapfile -t lines <<<"$said"
		said=${lines[0]#guest: }
		host_check "$dir" guest-outcome fail "${said%:}" "${lines[@]:1}"
	fi
	if [[ ! -r $dir/guest-facts.env ]]; then
		host_check "$dir" guest-machine skip "the guest stopped before it reported its machine"
	elif said=$(vlab_check_guest_facts "$dir"); then
		host_check "$dir" guest-machine pass ""
	else
		host_raise 1
		printf '%s\n' "$said"
		mapfile -t lines <<<"$said"
		host_check "$dir" guest-machine fail "not the machine the config describes" "${lines[@]}"
	fi
	host_judge_kernel_log "$dir" "$scenario_file"
	host_judge_checkers "$dir" "$scenario_file"
	host_judge_runner_exit "$dir" "$VLAB_OUTCOME" "the runner or the module unload"
}

# host_judge_kernel_log DIR [SCENARIO_FILE]: the run's kernel log
# (dmesg.txt) by the runner's rules, the scenario's allow-dmesg lines
# included; a check for host_record. A virtual-lab guest and a lab run alike.
host_judge_kernel_log() {
	local dir=$1 scenario_file=${2:-} findings scan_rc=0 lines=()
	if [[ ! -s $dir/dmesg.txt ]]; then
		host_check "$dir" kernel-log skip "no dmesg.txt: the kernel log was never saved or could not be read"
		return
	fi
	findings=$("$P2PRIG_TOP/build/host/p2prig" scan-log "$dir/dmesg.txt" ${scenario_file:+"$scenario_file"} 2>&1) ||
		scan_rc=$?
	if [[ $scan_rc -ne 0 ]]; then
		host_raise 1
		echo "kernel log: unexpected lines after the run started:"
		while IFS= read -r line; do printf "  | %s\n" "$line"; done <<<"$findings"
		mapfile -t lines <<<"$findings"
		host_check "$dir" kernel-log fail "unexpected lines after the run started" "${lines[@]}"
	else
		host_check "$dir" kernel-log pass ""
	fi
}

# Where a leak was allocated, for kmemleak: a backtrace touching one of
# these is the rig's business (its module, p2pdma, dma-buf, the DMA layer,
# nvme) and fails the run; any other leak is recorded, not judged.
HOST_LEAK_RIG_CODE='p2prig|p2pdma|dma[-_]buf|dma_|iommu|swiotlb|nvme'
# The allocator's own frames, skipped when naming where a leak was made.
HOST_LEAK_ALLOCATOR='^(kmemleak_|__?kmalloc|kmalloc|kmem_cache_|__kmem_cache|kzalloc|kvmalloc|__kvmalloc|krealloc|kstrdup|kmemdup|__?vmalloc|__alloc_|alloc_pages|__do_kmalloc|slab_|__slab_|pcpu_|__pcpu_|___slab)'

# host_leaks KMEMLEAK_TXT: kmemleak's report sorted into the rig's leaks and
# the others. Prints "rig N", "other N", "other-first FRAME" (where the first
# other leak was made) and "quote LINE" lines: the first two rig leaks as
# kmemleak reports them, less their hex dumps.
host_leaks() {
	awk -v rig="$HOST_LEAK_RIG_CODE" -v alloc="$HOST_LEAK_ALLOCATOR" '
		function flush(i) {
			if (!in_object)
				return
			if (ours) {
				n_rig++
				for (i = 1; n_rig <= 2 && i <= n_lines; i++)
					print "quote " lines[i]
			} else if (++n_other == 1) {
				other_first = made_in
			}
			in_object = 0
		}
		/^unreferenced object/ {
			flush()
			in_object = 1; ours = 0; frames = 0; made_in = ""; n_lines = 0
			lines[++n_lines] = $0
			next
		}
		!in_object { next }
		/^  comm / { lines[++n_lines] = $0; next }
		/^  backtrace/ { frames = 1; lines[++n_lines] = $0; next }
		frames && /^    / {
			frame = $0
			sub(/^ +/, "", frame)
			if (frame ~ rig)
				ours = 1
			if (made_in == "" && frame !~ alloc)
				made_in = frame
			if (frames++ <= 10)
				lines[++n_lines] = $0
		}
		END {
			flush()
			printf "rig %d\nother %d\n", n_rig, n_other
			if (n_other)
				print "other-first " other_first
		}' "$1"
}

# host_judge_checkers DIR [SCENARIO_FILE]: what the kernel's own debug
# checkers found (harness/vlab/guest-checkers.sh wrote checkers.env and
# kmemleak.txt); a check for host_record. It fails on a dma-debug error
# during the run, on a leak of the rig's code (HOST_LEAK_RIG_CODE), and on
# any report of KASAN, lockdep, UBSAN, the atomic-sleep check or kmemleak
# in the kernel log after the run started (allow-dmesg excusing, as for
# kernel-log), each quoted; other leaks are named in the details and kept
# in kmemleak.txt. A kernel with neither dma-debug nor kmemleak is a skip,
# never a pass; so is a run that ended before their end-of-run reading.
host_judge_checkers() {
	local dir=$1 scenario_file=${2:-} key value reports="" line name n kind rest
	local -A env=() named=()
	local -a why=() quote=() notes=() order=()
	if [[ -r $dir/checkers.env ]]; then
		while IFS='=' read -r key value; do env[$key]=$value; done <"$dir/checkers.env"
	fi
	# The reports in the log, each named by its checker (p2prig scan-log --checkers).
	if [[ -s $dir/dmesg.txt ]]; then
		reports=$("$P2PRIG_TOP/build/host/p2prig" scan-log --checkers "$dir/dmesg.txt" \
			${scenario_file:+"$scenario_file"} 2>/dev/null) || true
	fi
	n=0
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		if [[ $line =~ ^\[([^]]+)\]\  ]]; then
			name=${BASH_REMATCH[1]}
			[[ -n ${named[$name]:-} ]] || order+=("$name")
			named[$name]=$((${named[$name]:-0} + 1))
			n=$((n + 1))
		fi
		# The first three reports, whole; then their first lines.
		if ((${#quote[@]} < 60)) && { ((n <= 3)) || [[ $line != " "* ]]; }; then
			quote+=("$line")
		fi
	done <<<"$reports"

	# dma-debug: its count, read before and after the run.
	case ${env[DMA_DEBUG]:-absent} in
	absent) notes+=("dma-debug: not in this kernel") ;;
	disabled) notes+=("dma-debug: disabled (dma_debug=off, or out of memory at boot)") ;;
	*)
		if [[ ${env[DMA_DEBUG_ERRORS_AFTER]:-} =~ ^[0-9]+$ && ${env[DMA_DEBUG_ERRORS_BEFORE]:-} =~ ^[0-9]+$ ]]; then
			n=$((env[DMA_DEBUG_ERRORS_AFTER] - env[DMA_DEBUG_ERRORS_BEFORE]))
			if ((n > 0)); then
				why+=("dma-debug: $n error$( ((n == 1)) || echo s) during the run")
				[[ -n ${named[dma-debug]:-} ]] ||
					quote+=("dma-debug counted $n error$( ((n == 1)) || echo s) the kernel log does not show (excused by allow-dmesg, or lost)")
			else
				notes+=("dma-debug: no error during the run (all_errors on)")
			fi
			[[ ${env[DMA_DEBUG_DISABLED_AFTER]:-} != Y ]] ||
				notes+=("dma-debug: turned itself off during the run (out of entries); later mappings went unchecked")
		else
			notes+=("dma-debug: its error count was not read at the end of the run")
		fi
		[[ ${env[DMA_DEBUG]} == on ]] || notes+=("dma-debug: ${env[DMA_DEBUG]} (all_errors could not be set)")
		;;
	esac
	# A report the count did not cover (a guest that died before the end).
	if [[ -n ${named[dma-debug]:-} && ${why[*]:-} != *dma-debug:* ]]; then
		why+=("dma-debug: ${named[dma-debug]} report$( ((named[dma-debug] == 1)) || echo s) in the kernel log")
	fi

	# kmemleak: its scan after the module's unload.
	if [[ ${env[KMEMLEAK]:-absent} == absent ]]; then
		notes+=("kmemleak: not in this kernel")
	elif [[ ${env[KMEMLEAK_SCAN]:-} != "done" ]]; then
		notes+=("kmemleak: no scan at the end of the run${env[KMEMLEAK_SCAN]:+ (${env[KMEMLEAK_SCAN]})}")
	else
		local rig=0 other=0 other_first=""
		local -a leak_quote=()
		while IFS= read -r line; do
			kind=${line%% *} rest=${line#* }
			case $kind in
			rig) rig=$rest ;;
			other) other=$rest ;;
			other-first) other_first=$rest ;;
			quote) leak_quote+=("$rest") ;;
			esac
		done < <(host_leaks "$dir/kmemleak.txt" 2>/dev/null || true)
		if ((rig > 0)); then
			why+=("kmemleak: $rig leak$( ((rig == 1)) || echo s) in the rig's code (p2prig, p2pdma, dma-buf, the DMA layer or nvme)")
			quote+=("${leak_quote[@]}")
		fi
		if ((other > 0)); then
			notes+=("kmemleak: $other leak$( ((other == 1)) || echo s) elsewhere, not the rig's (the first made in ${other_first:-?}); kept in kmemleak.txt")
		elif ((rig == 0)); then
			notes+=("kmemleak: no leak after the module's unload (scan ${env[KMEMLEAK_SCAN_MS]:-?} ms)")
		fi
	fi

	# Every other checker speaks through the log only.
	for name in ${order[@]+"${order[@]}"}; do
		[[ $name != dma-debug ]] || continue
		why+=("$name: ${named[$name]} report$( ((named[$name] == 1)) || echo s) in the kernel log")
	done
	[[ ${env[LOCKDEP]:-absent} == absent ]] || notes+=("lockdep: on")

	if ((${#why[@]})); then
		host_raise 1
		value=""
		for line in "${why[@]}"; do value+="${value:+; }$line"; done
		echo "debug checkers: $value:"
		for line in "${quote[@]}"; do printf '  | %s\n' "$line"; done
		host_check "$dir" debug-checkers fail "$value" "${quote[@]}" "${notes[@]}"
	elif [[ ! -r $dir/checkers.env ]]; then
		host_check "$dir" debug-checkers skip "the guest stopped before it looked for the kernel's debug checkers"
	elif [[ ${env[DMA_DEBUG]:-absent} == absent && ${env[KMEMLEAK]:-absent} == absent ]]; then
		host_check "$dir" debug-checkers skip "kernel has no dma-debug/kmemleak" "${notes[@]}"
	elif [[ ${env[CHECKERS_END]:-} != yes ]]; then
		host_check "$dir" debug-checkers skip "the run ended before dma-debug's count and the kmemleak scan were read" "${notes[@]}"
	else
		host_check "$dir" debug-checkers pass "" "${notes[@]}"
	fi
}

# host_judge_runner_exit DIR OUTCOME WHAT: the exit code in DIR/guest-exit
# of WHAT (the runner, and in a guest its module unload too), judged only
# when the run got to its end (OUTCOME done); a check for host_record.
host_judge_runner_exit() {
	local dir=$1 outcome=$2 what=$3 code
	code=$(cat "$dir/guest-exit" 2>/dev/null || echo none)
	if [[ $outcome == "done" && $code != 0 && $code != 4 ]]; then
		host_raise 1
		echo "$what failed (exit $code)"
		host_check "$dir" runner-exit fail "$what failed (exit $code)"
	elif [[ $code == none ]]; then
		host_check "$dir" runner-exit skip "the runner never finished"
	else
		host_check "$dir" runner-exit pass "" "exit $code"
	fi
}
