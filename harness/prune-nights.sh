#!/usr/bin/env bash
# make prune-nights: remove all but the newest N nights under
# results/nights/ (a night is ~2 MB; a year of them fills a lab's disk).
# A night is a real folder named as nightly.sh names it, a UTC time
# YYYYMMDDTHHMMSSZ; anything else in nights/ is left alone and named in a
# note. results/baseline is a copy kept outside nights/: never touched.
#
#   harness/prune-nights.sh [--keep N] [--dry-run] [--must-keep NIGHT]
#
# N: a positive whole number; default $P2PRIG_NIGHTS_KEEP, else 60.
# --dry-run lists what would be removed and removes nothing.
# --must-keep NIGHT (a night's name or folder): refuse, removing nothing,
# if NIGHT would be removed; nightly.sh's guard for the night it just ran.
#
# Exit 0 when done (or nothing to do), 1 when a night could not be removed
# or NIGHT would have been, 2 on bad input (nothing removed then).
set -euo pipefail
# shellcheck source=harness/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=harness/lib/runsets.sh
source "$P2PRIG_TOP/harness/lib/runsets.sh"

usage="usage: $0 [--keep N] [--dry-run] [--must-keep NIGHT]"
default_keep=60
night_name_pattern="^$NIGHT_NAME_REGEX$"

# bad_input MESSAGE: say what was wrong and exit 2 before anything is removed.
bad_input() {
	echo "prune-nights: $*" >&2
	exit 2
}

# An empty P2PRIG_NIGHTS_KEEP counts as unset, like the other P2PRIG_ variables.
keep=${P2PRIG_NIGHTS_KEEP:-$default_keep}
keep_source=${P2PRIG_NIGHTS_KEEP:+P2PRIG_NIGHTS_KEEP}
keep_source=${keep_source:-the default}
dry_run=0
must_keep=
while [[ $# -gt 0 ]]; do
	case $1 in
	--keep)
		[[ $# -ge 2 ]] || bad_input "--keep needs a number of nights; $usage"
		keep=$2 keep_source=--keep
		shift
		;;
	--dry-run) dry_run=1 ;;
	--must-keep)
		[[ $# -ge 2 && -n $2 ]] || bad_input "--must-keep needs a night; $usage"
		must_keep=${2%/}
		must_keep=${must_keep##*/}
		shift
		;;
	*) bad_input "unknown argument \"$1\"; $usage" ;;
	esac
	shift
done
# At most 9 digits: bash arithmetic would wrap a longer number to a negative one.
[[ $keep =~ ^[1-9][0-9]{0,8}$ ]] ||
	bad_input "$keep_source: \"$keep\" is not a number of nights to keep (a whole number from 1 to 999999999)"
if [[ -n $must_keep && ! $must_keep =~ $night_name_pattern ]]; then
	bad_input "--must-keep: \"$must_keep\" is not a night's name (YYYYMMDDTHHMMSSZ)"
fi

nights_dir=$(results_root)/nights
if [[ ! -d $nights_dir ]]; then
	log "prune-nights: nothing to prune: there is no $nights_dir"
	exit 0
fi

# The nights, oldest first, as every run-set name sees them (runsets.sh).
mapfile -t night_paths < <(nights)
night_names=("${night_paths[@]##*/}")
# Anything else under nights/ is someone's: left alone, and said.
shopt -s nullglob dotglob
for entry in "$nights_dir"/*; do
	[[ " ${night_names[*]} " == *" ${entry##*/} "* ]] ||
		log "prune-nights: note: $entry is not a night folder (a folder named YYYYMMDDTHHMMSSZ); left alone"
done
shopt -u nullglob dotglob

total=${#night_names[@]}
remove_count=$((total > keep ? total - keep : 0))
to_remove=("${night_names[@]:0:remove_count}")
if [[ -n $must_keep ]]; then
	for name in "${to_remove[@]}"; do
		if [[ $name == "$must_keep" ]]; then
			echo "prune-nights: $must_keep would be removed although it must be kept" \
				"(it is not among the newest $keep of $total nights: a night named later than it, or a clock set back?);" \
				"nothing removed" >&2
			exit 1
		fi
	done
fi

failed=0
for name in "${to_remove[@]}"; do
	if [[ $dry_run == 1 ]]; then
		log "prune-nights: would remove $nights_dir/$name"
	elif rm -rf -- "${nights_dir:?}/$name"; then
		log "prune-nights: removed $nights_dir/$name"
	else
		warn "prune-nights: could not remove $nights_dir/$name"
		failed=$((failed + 1))
	fi
done

kept=$((total - remove_count))
verb=kept
[[ $dry_run == 0 ]] || verb="would keep"
log "prune-nights: $verb $kept of $total nights under $nights_dir (the newest $keep at most)"
[[ $failed == 0 ]] || die "prune-nights: $failed nights could not be removed"
