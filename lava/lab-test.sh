#!/usr/bin/env bash
# On a lab host LAVA has booted (lava/p2prig-lab.yaml): run SCENARIO in lab
# mode with CONFIG's devices and tell LAVA each result as a test case: the
# run itself (lab-run: pass on exit 0 or 4, fail otherwise), then every
# KTAP line of the run's ktap.txt (steps and the host's checks) as pass,
# fail or skip, a skip's reason on the line before it. The three result
# files are kept (COPY_DIR) or uploaded (UPLOAD_URL) and referenced.
#
#   lava/lab-test.sh SCENARIO CONFIG [COPY_DIR] [UPLOAD_URL]
#
# SCENARIO may name several, separated by spaces: they run in turn in this
# checkout (the runner and the module built once, by the first), each
# one's cases in a LAVA test set named after it.
#
# Outside LAVA (no lava-test-case on PATH) it prints what it would send.
set -euo pipefail
scenarios=${1:?usage: lava/lab-test.sh SCENARIO CONFIG [COPY_DIR] [UPLOAD_URL]}
config=${2:-}
copy_dir=${3:-}
upload_url=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export HOME=${HOME:-/root}
# bash's process substitution needs /dev/fd, which a minimal init lacks.
[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd

say() { echo "p2prig-lava: $*"; }
# case NAME RESULT: one LAVA test case (or, outside LAVA, its line).
case_result() {
	if command -v lava-test-case >/dev/null; then
		lava-test-case "$1" --result "$2"
	else
		say "case $1 $2"
	fi
}
# A LAVA test case name: letters, digits, '-', '_' and '.'.
case_name() { tr -c 'A-Za-z0-9._-' '_' <<<"$1" | sed 's/_*$//'; }

# run_one SCENARIO: one run of run-lab.sh and its cases.
run_one() {
	local scenario=$1 results run rc args re seen line name directive reason plan file
	results=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-lava.XXXXXX")
	args=("$scenario")
	[[ -z $config ]] || args+=(--config "$config")
	say "harness/run-lab.sh ${args[*]}"
	rc=0
	(cd "$top" && P2PRIG_RESULTS=$results harness/run-lab.sh "${args[@]}") || rc=$?
	say "run-lab.sh exit $rc"
	run=$(find "$results" -mindepth 2 -maxdepth 2 -name ktap.txt -printf '%h\n' | sort | tail -n 1)
	if [[ $rc == 0 || $rc == 4 ]]; then
		case_result lab-run pass
	else
		say "lab-run: run-lab.sh exit $rc (1: something failed, 2: the run could not start)"
		case_result lab-run fail
	fi
	if [[ -z $run ]]; then
		say "no ktap.txt under $results: the run made no results"
		case_result lab-ktap fail
		return 0
	fi
	say "results: $run"
	cat "$run/ktap.txt"

	# Top-level KTAP result lines; indented ones are subtests, reported by
	# their parent's line. "ok N name # SKIP reason", "not ok N name".
	re='^(not ok|ok) [0-9]+ ([^#]*[^# ])( # ([A-Za-z]+) ?(.*))?$'
	seen=0
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		seen=$((seen + 1))
		name=$(case_name "${BASH_REMATCH[2]}")
		directive=${BASH_REMATCH[4]^^}
		reason=${BASH_REMATCH[5]}
		if [[ $directive == SKIP ]]; then
			say "skip $name: $reason"
			case_result "$name" skip
		elif [[ ${BASH_REMATCH[1]} == ok && -z $directive ]]; then
			case_result "$name" pass
		else
			[[ -z $directive ]] || say "$name: $directive $reason"
			case_result "$name" fail
		fi
	done <"$run/ktap.txt"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$run/ktap.txt" | head -n 1)
	if [[ $seen != "${plan:-none}" ]]; then
		say "lab-ktap: $seen result lines, plan ${plan:-missing}"
		case_result lab-ktap fail
	fi

	for file in result.json ktap.txt junit.xml; do
		[[ -r $run/$file ]] || continue
		if [[ -n $copy_dir ]]; then
			mkdir -p "$copy_dir/${run##*/}"
			cp "$run/$file" "$copy_dir/${run##*/}/"
			say "kept $copy_dir/${run##*/}/$file"
		fi
		if [[ -n $upload_url ]]; then
			if curl -sSf -T "$run/$file" "$upload_url/${run##*/}/$file"; then
				if command -v lava-test-reference >/dev/null; then
					lava-test-reference "$(case_name "$file")" --result pass --reference "$upload_url/${run##*/}/$file"
				fi
			else
				say "upload of $file to $upload_url failed"
				case_result "upload-$(case_name "$file")" fail
			fi
		fi
	done
}

# lava-test-set: one set per scenario when there are several.
test_set() {
	if command -v lava-test-set >/dev/null; then
		lava-test-set "$@"
	else
		say "set $*"
	fi
}
read -ra list <<<"$scenarios"
for scenario in "${list[@]}"; do
	((${#list[@]} == 1)) || test_set start "$(case_name "$scenario")"
	run_one "$scenario"
	((${#list[@]} == 1)) || test_set stop
done
say "done"
