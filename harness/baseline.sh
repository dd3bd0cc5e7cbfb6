#!/usr/bin/env bash
# make baseline: promote a run or run set to results/baseline, the set the
# nightly run and `make compare` measure against. The runs are copied (the
# baseline must outlive any cleanup of results/); the baseline it replaces
# is kept as results/baseline.previous.
#
#   harness/baseline.sh [FROM]      FROM: a run spec, default last-night
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/runsets.sh
source "$P2PRIG_TOP/harness/lib/runsets.sh"

[[ $# -le 1 ]] || { echo "usage: $0 [FROM]" >&2; exit 2; }
from=$(run_set_path "${1:-last-night}")
mapfile -t runs < <(run_dirs "$from")
((${#runs[@]} > 0)) || die "$from: no runs in it (no result.json)"

root=$(results_root)
[[ $(realpath "$from") != $(realpath -m "$root/baseline") ]] || die "$from is the baseline already"
staging=$(mktemp -d "$root/.baseline.XXXXXX") || die "$root: cannot write there"
for run in "${runs[@]}"; do
	cp -a -L "$run" "$staging/" || { rm -rf "$staging"; die "$run: could not copy it into the baseline"; }
done
jq -n --arg from "$from" --arg when "$(date -u +%FT%TZ)" --args \
	'{ promoted_from: $from, promoted: $when, runs: $ARGS.positional }' \
	"${runs[@]##*/}" >"$staging/baseline.json"
if [[ -d $root/baseline ]]; then
	rm -rf "$root/baseline.previous"
	mv "$root/baseline" "$root/baseline.previous"
fi
mv "$staging" "$root/baseline"
log "baseline: ${#runs[@]} runs from $from ($(jq -r '[.[] | .scenario] | unique | join(", ")' \
	< <(run_metrics_json "$root"/baseline/*/ | jq -s .)))"
