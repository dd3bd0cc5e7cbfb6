# shellcheck shell=bash
# Shared by the tests that run the module's own kselftest programs
# (tests/kmod) in the virtual lab on one or more rigs. Each program's KTAP
# results pass through to prove, named with the rig and renumbered, and
# tests the program never reached count as failed, not passed.
#
#   kmod_run NAME CONFIG    run build/guest/tests/NAME on CONFIG (and on
#                           KMOD_KERNEL, when set, not the config's); adds its
#                           results and one more (the guest finished, the
#                           module unloaded, the kernel log stayed clean)
#                           to KMOD_LINES; sets KMOD_RC and KMOD_RUN_DIR
#   kmod_add OK TEXT        add one more result (OK: 0 passes) to KMOD_LINES
#   kmod_print              print the plan and every line, numbered

# shellcheck source=tests/lib/vlab.sh
source "$(dirname "${BASH_SOURCE[0]}")/vlab.sh"

KMOD_LINES=()
KMOD_RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")

kmod_add() {
	if [[ $1 -eq 0 ]]; then
		KMOD_LINES+=("ok N - $2")
	else
		KMOD_LINES+=("not ok N - $2")
	fi
}

kmod_run() {
	local name=$1 config=$2 ktap n=0 seen=0 plan line i
	local out=$KMOD_RESULTS/$name-$config
	mkdir -p "$out"
	KMOD_RC=0
	P2PRIG_RESULTS=$out "$TOP/harness/run-guest-test.sh" "$name" --config "$config" \
		${KMOD_KERNEL:+--kernel "$KMOD_KERNEL"} >"$out.log" 2>&1 || KMOD_RC=$?
	KMOD_RUN_DIR=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	ktap=${KMOD_RUN_DIR:+$KMOD_RUN_DIR/$name.ktap}
	sed "s/^/# $config: /" "$out.log"

	# The program's own plan: tests it never reached count as missing.
	if [[ -n $ktap && -s $ktap ]] && plan=$(grep -m1 -E '^1\.\.[0-9]+' "$ktap"); then
		n=${plan#1..}
	fi
	if [[ -n $ktap && -s $ktap ]]; then
		# Results renumbered later (N), the rig named before any directive;
		# the program's diagnostics stay, as comments.
		while IFS= read -r line; do
			KMOD_LINES+=("$line")
			[[ $line == \#* ]] || seen=$((seen + 1))
		done < <(sed -E -e '/^(K?TAP version|1\.\.[0-9]+)/d' \
			-e "s/^((not )?ok) [0-9]+ ([^#]*[^# ])( # .*)?\$/\1 N \3 [$config]\4/" "$ktap")
	fi
	for ((i = seen; i < n; i++)); do
		kmod_add 1 "test $((i + 1)) of $name never reported [$config]"
	done
	if [[ $KMOD_RC -eq 0 ]]; then
		kmod_add 0 "guest finished, p2prig unloaded, kernel log clean [$config]"
	else
		kmod_add 1 "guest finished, p2prig unloaded, kernel log clean [$config] (run-guest-test exit $KMOD_RC)"
	fi
}

kmod_print() {
	local line total=0 i=0
	for line in "${KMOD_LINES[@]}"; do
		[[ $line == \#* ]] || total=$((total + 1))
	done
	echo "1..$total"
	for line in "${KMOD_LINES[@]}"; do
		if [[ $line == \#* ]]; then
			printf '%s\n' "$line"
			continue
		fi
		i=$((i + 1))
		printf '%s\n' "${line/ N / $i }"
	done
}
