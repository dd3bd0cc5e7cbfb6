#!/usr/bin/env bash
# make matrix: one scenario on several guest kernels, side by side. Each
# kernel gets its own run (harness/run-scenario.sh NAME --kernel VERSION, its
# results folder kept as usual); then one table, a row per method x granule
# of a map-cost step (else per step), a column per kernel: map and unmap
# mean ± stddev in ns ("*": a CV above the limit), or why it was skipped.
#
#   harness/matrix.sh SCENARIO [--kernels "7.3.4 6.12.117"]   run, then the table
#   harness/matrix.sh --from DIR [DIR...]                     the table of kept runs
#
# The kernels default to every pinned one (harness/vlab/kernels/*.pin).
# Figures from different kernels are virtual time of the same TCG machine:
# comparable with each other, not hardware figures.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage="usage: $0 SCENARIO [--kernels \"VERSION VERSION...\"] | --from RESULTS_DIR..."

# matrix_table DIR...: the table of the runs in DIR..., one column each.
matrix_table() {
	local dir kernel rows=() seen=" "
	for dir in "$@"; do
		if [[ -s $dir/result.json ]]; then
			kernel=$(jq -r '.kernel // "?"' "$dir/result.json")
			# Two runs on one kernel: a column each.
			while [[ $seen == *" $kernel "* ]]; do kernel+="+"; done
			seen+="$kernel "
			rows+=("$(jq -r --arg k "$kernel" -f "$P2PRIG_TOP/harness/lib/matrix-rows.jq" \
				"$dir/result.json" | sed "s|^|$kernel\t|")")
		else
			rows+=("$(basename "$dir")	(run)	no result.json: the run did not get that far")
		fi
	done
	printf '%s\n' "${rows[@]}" | awk -F'\t' '
		# Columns, not bytes: each ± is two bytes wide in UTF-8.
		function width(s, t) { t = s; return length(s) - gsub(/±/, "", t) }
		function pad(s, n) { return s sprintf("%*s", n - width(s), "") }
		NF >= 3 {
			if (!($1 in seen_k)) { seen_k[$1] = 1; ks[++nk] = $1 }
			if (!($2 in seen_r)) { seen_r[$2] = 1; rs[++nr] = $2 }
			cell[$2, $1] = $3
		}
		END {
			w0 = length("METHOD")
			for (r = 1; r <= nr; r++) if (width(rs[r]) > w0) w0 = width(rs[r])
			for (k = 1; k <= nk; k++) {
				w[k] = width(ks[k])
				for (r = 1; r <= nr; r++) {
					c = ((rs[r], ks[k]) in cell) ? cell[rs[r], ks[k]] : "-"
					if (c ~ /^(skipped|skip|failed|fail|not run): /) c = substr(c, 1, index(c, ":") - 1)
					shown[r, k] = c
					if (width(c) > w[k]) w[k] = width(c)
				}
			}
			printf "%-*s", w0, "METHOD"
			for (k = 1; k <= nk; k++) printf "  %-*s", w[k], ks[k]
			printf "\n"
			for (r = 1; r <= nr; r++) {
				printf "%-*s", w0, rs[r]
				for (k = 1; k <= nk; k++) printf "  %s", pad(shown[r, k], w[k])
				printf "\n"
			}
			printf "\ncells: map mean ± stddev / unmap mean ± stddev, ns, over the repeats; * CV above the limit\n"
			for (k = 1; k <= nk; k++)
				for (r = 1; r <= nr; r++) {
					c = ((rs[r], ks[k]) in cell) ? cell[rs[r], ks[k]] : ""
					if (c ~ /^(skipped|skip|failed|fail|not run): /)
						printf "%s, %s: %s\n", ks[k], rs[r], c
				}
		}'
}

scenario="" kernels="" from=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernels) kernels=${2:?--kernels needs a list}; shift 2 ;;
	--from)
		shift
		[[ $# -gt 0 ]] || die "$usage"
		from=("$@")
		break
		;;
	-*) die "$usage" ;;
	*) [[ -z $scenario ]] || die "$usage"; scenario=$1; shift ;;
	esac
done
command -v jq >/dev/null || die "matrix: jq is missing (harness/setup-host.sh installs it)"
if [[ ${#from[@]} -gt 0 ]]; then
	matrix_table "${from[@]}"
	exit 0
fi
[[ -n $scenario ]] || die "$usage"
if [[ -z $kernels ]]; then
	for pin in "$P2PRIG_TOP"/harness/vlab/kernels/*.pin; do
		kernels+="${kernels:+ }$(basename "$pin" .pin)"
	done
fi

dirs=() failed=()
for kernel in $kernels; do
	log "matrix: $scenario on $kernel"
	out=$(mktemp "${TMPDIR:-/tmp}/p2prig-matrix.XXXXXX")
	rc=0
	"$P2PRIG_TOP/harness/run-scenario.sh" "$scenario" --kernel "$kernel" 2>&1 | tee "$out" || rc=$?
	dir=$(sed -n 's/^results: //p' "$out" | tail -n 1)
	rm -f "$out"
	# 0: all passed, 4: something skipped (the table says why); anything else is a failed run.
	[[ $rc -eq 0 || $rc -eq 4 ]] || failed+=("$kernel (exit $rc)")
	dirs+=("${dir:-$P2PRIG_TOP/results/no-run-$kernel}")
done
echo
matrix_table "${dirs[@]}"
[[ ${#failed[@]} -eq 0 ]] || die "matrix: runs that failed: ${failed[*]}"
