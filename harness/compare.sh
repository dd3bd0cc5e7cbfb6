#!/usr/bin/env bash
# make compare: two runs or run sets, metric by metric, LKP-style: each
# side's mean ± its spread in percent, the change, the limit it was held
# to and the verdict. Exit 1 on a regression, 0 when every change is noise
# or an improvement, 2 when the input is wrong.
#
#   harness/compare.sh BASE NEW [--thresholds FILE] [--json FILE]
#
# BASE and NEW are run specs (harness/lib/runsets.sh): a results folder, a
# folder of them, `baseline`, `last-night` or `night~N`. Limits per metric
# come from configs/compare-thresholds.
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/runsets.sh
source "$P2PRIG_TOP/harness/lib/runsets.sh"

usage="usage: $0 BASE NEW [--thresholds FILE] [--json FILE]"
thresholds=$P2PRIG_TOP/configs/compare-thresholds
json_out=
specs=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--thresholds) thresholds=${2:?$usage} && shift ;;
	--json) json_out=${2:?$usage} && shift ;;
	-h | --help) echo "$usage" && exit 0 ;;
	-*) echo "$usage" >&2 && exit 2 ;;
	*) specs+=("$1") ;;
	esac
	shift
done
[[ ${#specs[@]} == 2 ]] || { echo "$usage" >&2; exit 2; }

# die exits 1, which here would read as a regression: input errors are 2.
fail_input() {
	printf '[p2prig] error: %s\n' "$*" >&2
	exit 2
}

# thresholds_json FILE: its lines as [{regex, percent, sigmas, where}], or
# FILE:LINE: what was expected.
thresholds_json() {
	[[ -r $1 ]] || fail_input "$1: cannot read the thresholds"
	awk -v file="$1" '
		function bad(msg) { printf "%s:%d: %s\n", file, FNR, msg > "/dev/stderr"; failed = 1 }
		function number(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
		/^[ \t]*(#|$)/ { next }
		NF != 3 { bad("expected PATTERN PERCENT SIGMAS, got " NF " fields"); next }
		!number($2) && $2 != "off" { bad("PERCENT \"" $2 "\" is not a number >= 0 or off"); next }
		!number($3) { bad("SIGMAS \"" $3 "\" is not a number >= 0"); next }
		{
			# A glob becomes an anchored regex: escape the rest, * and ? stay wild.
			re = $1
			gsub(/[][\\.^$+(){}|]/, "\\\\&", re)
			gsub(/\*/, ".*", re)
			gsub(/\?/, ".", re)
			printf "{\"regex\":\"^%s$\",\"percent\":%s,\"sigmas\":%s,\"where\":\"%s:%d\"}\n",
				re, $2 == "off" ? "null" : $2, $3, file, FNR
		}
		END { exit failed }' "$1" | jq -s . || fail_input "$1: fix the lines above"
}

# load SPEC: the runs SPEC names, as run_metrics_json lines; their paths on stderr.
load_side() {
	local path runs
	path=$(run_set_path "$1" 2>&1) || fail_input "${path#*error: }"
	mapfile -t runs < <(run_dirs "$path")
	((${#runs[@]} > 0)) || fail_input "$path: no runs in it (no result.json)"
	run_metrics_json "${runs[@]}" || fail_input "$path: a result.json could not be read"
}

limits=$(thresholds_json "$thresholds")
base=$(load_side "${specs[0]}")
new=$(load_side "${specs[1]}")

# describe LABEL SPEC RUNS_JSON: what a side holds, one line.
describe() {
	jq -rs --arg side "$1" --arg spec "$2" '
		"\($side)  \($spec): \(length) result\(if length == 1 then "" else "s" end) ("
		+ (map(.scenario) | unique | join(", ")) + ") on " + (map(.kernel) | unique | join(", "))' <<<"$3"
}
describe base "${specs[0]}" "$base"
describe new "${specs[1]}" "$new"
echo

rows=$(jq -n -L "$P2PRIG_TOP/harness/lib" --argjson thresholds "$limits" \
	--slurpfile base <(printf '%s\n' "$base") --slurpfile new <(printf '%s\n' "$new") \
	-f "$P2PRIG_TOP/harness/lib/compare.jq")
[[ -z $json_out ]] || printf '%s\n' "$rows" >"$json_out" || fail_input "$json_out: cannot write"

jq -r '.[] | [ .key, (.base.mean // ""), (.base.sd // ""), (.change_pct // ""),
	(.new.mean // ""), (.new.sd // ""), (.threshold_pct // ""), (.sigmas // ""),
	.verdict, (.detail // "") ] | @tsv' <<<"$rows" | awk -F'\t' '
	function value(v) { return v == "" ? "-" : (v + 0 >= 1000 || v + 0 <= -1000) ? sprintf("%.0f", v) : sprintf("%.1f", v) }
	# Padded by hand: printf counts bytes and ± is two.
	function spread(sd, m) { return (sd == "" || m == "" || m + 0 == 0) ? sprintf("%9s", "") : sprintf("± %-6s", sprintf("%.1f%%", 100 * sd / m)) }
	BEGIN {
		printf "%12s %-9s %9s %12s %-9s %-10s %-12s %s\n", "base", "", "%change", "new", "", "limit", "verdict", "metric"
	}
	{
		change = $4 == "" ? "" : sprintf("%+.1f%%", $4)
		limit = $9 == "not judged" ? "off" : $7 == "" ? "" : sprintf("%s%%/%ssd", $7, $8)
		verdict = $9 == "regression" ? "REGRESSION" : $9
		printf "%12s %s %9s %12s %s %-10s %-12s %s%s\n", value($2), spread($3, $2), change,
			value($5), spread($6, $5), limit, verdict, $1, $10 == "" ? "" : "  (" $10 ")"
	}'

summary=$(jq -r 'group_by(.verdict) | map("\(length) \(.[0].verdict)") | join(", ")' <<<"$rows")
regressions=$(jq '[.[] | select(.verdict == "regression")] | length' <<<"$rows")
echo
echo "$(jq length <<<"$rows") metrics: ${summary:-none}"
if [[ $regressions -gt 0 ]]; then
	echo "verdict: $(paint_verdict fail) ($regressions regression$([[ $regressions == 1 ]] || echo s))"
	exit 1
fi
echo "verdict: $(paint_verdict pass) (no regression beyond the limits in ${thresholds#"$P2PRIG_TOP"/})"
