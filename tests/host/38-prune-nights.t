#!/usr/bin/env bash
# make prune-nights on a results folder made here: five nights named as
# nightly.sh names them, a folder and a file that are not nights, and a
# baseline. --keep N removes the oldest nights and nothing else; --dry-run
# removes nothing; bad N is refused before anything goes; no nights/ is fine.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh

tap_plan 22

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export P2PRIG_RESULTS=$work/results
unset P2PRIG_NIGHTS_KEEP
nights_dir=$P2PRIG_RESULTS/nights
all_nights="20261101T010000Z 20261102T010000Z 20261103T010000Z 20261104T010000Z 20261105T010000Z"

# make_results: the five nights (created newest first, so that only their
# names can order them), a non-night folder and file, and a baseline.
make_results() {
	local name
	rm -rf "$P2PRIG_RESULTS"
	for name in 20261105T010000Z 20261104T010000Z 20261103T010000Z 20261102T010000Z 20261101T010000Z; do
		mkdir -p "$nights_dir/$name/map-cost"
		echo '{}' >"$nights_dir/$name/map-cost/result.json"
	done
	mkdir -p "$nights_dir/scratch" "$P2PRIG_RESULTS/baseline/map-cost"
	echo kept >"$nights_dir/scratch/notes.txt"
	echo kept >"$nights_dir/README"
	echo '{}' >"$P2PRIG_RESULTS/baseline/map-cost/result.json"
}

# entries: what nights/ holds, one line, sorted.
entries() { find "$nights_dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | paste -sd' '; }
everything="$all_nights README scratch"

# prune ARGS...: sets RC and OUT.
prune() {
	RC=0
	OUT=$(harness/prune-nights.sh "$@" 2>&1) || RC=$?
}

make_results
prune --keep 3
tap_is "--keep 3: exit 0" "$RC" 0
tap_is "... the 3 newest nights, the non-night folder and file are left" "$(entries)" \
	"20261103T010000Z 20261104T010000Z 20261105T010000Z README scratch"
tap_is "... the removed nights are named, oldest first" "$(grep -o 'removed .*' <<<"$OUT" | paste -sd' ')" \
	"removed $nights_dir/20261101T010000Z removed $nights_dir/20261102T010000Z"
tap_ok "... and how many are kept" grep -q "kept 3 of 5 nights under $nights_dir" <<<"$OUT"
tap_ok "... a note names the non-night folder" grep -q "note: $nights_dir/scratch is not a night folder" <<<"$OUT"
tap_ok "... and the file" grep -q "note: $nights_dir/README is not a night folder" <<<"$OUT"
tap_is "... what the non-night entries held is untouched" \
	"$(cat "$nights_dir/scratch/notes.txt" "$nights_dir/README" | paste -sd' ')" "kept kept"
tap_ok "... the baseline is untouched" test -f "$P2PRIG_RESULTS/baseline/map-cost/result.json"

# The run-set names skip what is no night: last-night is not "scratch".
tap_is "last-night is the newest night, not the folder after it" \
	"$(bash -c 'source harness/lib/common.sh && source harness/lib/runsets.sh && run_set_path last-night')" \
	"$nights_dir/20261105T010000Z"

make_results
prune --keep 3 --dry-run
tap_is "--dry-run: exit 0, nothing removed" "$RC $(entries)" "0 $everything"
tap_is "... lists what it would remove" "$(grep -o 'would remove .*' <<<"$OUT" | paste -sd' ')" \
	"would remove $nights_dir/20261101T010000Z would remove $nights_dir/20261102T010000Z"
tap_ok "... and what it would keep" grep -q "would keep 3 of 5 nights" <<<"$OUT"

P2PRIG_NIGHTS_KEEP=4 prune
tap_is "P2PRIG_NIGHTS_KEEP=4: the oldest night goes" "$RC $(entries)" \
	"0 20261102T010000Z 20261103T010000Z 20261104T010000Z 20261105T010000Z README scratch"

# Bad N: exit 2, a message naming the value, nothing removed.
for bad in 0 abc -1 1x 1234567890; do
	make_results
	prune --keep "$bad"
	tap_is "--keep $bad: exit 2, says why, nothing removed" \
		"$RC $(grep -c "\"$bad\" is not a number of nights to keep" <<<"$OUT") $(entries)" "2 1 $everything"
done
make_results
P2PRIG_NIGHTS_KEEP=x prune
tap_is "P2PRIG_NIGHTS_KEEP=x: exit 2, named, nothing removed" \
	"$RC $(grep -c 'P2PRIG_NIGHTS_KEEP: "x" is not a number' <<<"$OUT") $(entries)" "2 1 $everything"

# nightly.sh's guard: the night it just ran must survive, or nothing goes.
prune --keep 3 --must-keep "$nights_dir/20261102T010000Z"
tap_is "--must-keep a night --keep would remove: exit 1, nothing removed" \
	"$RC $(grep -c 'nothing removed' <<<"$OUT") $(entries)" "1 1 $everything"
prune --keep 1 --must-keep "$nights_dir/20261105T010000Z"
tap_is "--keep 1 --must-keep the newest night: only it is left" "$RC $(entries)" "0 20261105T010000Z README scratch"

rm -rf "$nights_dir"
prune --keep 3
tap_is "no nights/ folder: exit 0, nothing to prune" \
	"$RC $(grep -c "nothing to prune: there is no $nights_dir" <<<"$OUT")" "0 1"

tap_done
