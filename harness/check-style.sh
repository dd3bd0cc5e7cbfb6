#!/usr/bin/env bash
# Style gates: shellcheck on every bash script, checkpatch --strict on the
# module and its tests (checkpatch.pl comes from the pinned kernel's linux-source, kept in
# the cache). Prints each finding; exits non-zero if there is any.
set -euo pipefail
# shellcheck source=harness/vlab/cache.sh
source "$(dirname "$0")/vlab/cache.sh"
cd "$P2PRIG_TOP"

status=0
mapfile -t scripts < <(git ls-files | while read -r f; do
	[[ -f $f ]] && head -n 1 "$f" | grep -qE '^#!.*(ba)?sh|shellcheck shell=' && echo "$f"
done)
mapfile -t -O "${#scripts[@]}" scripts < <(git ls-files '*.sh' '*.t')
mapfile -t scripts < <(printf '%s\n' "${scripts[@]}" | sort -u)
if shellcheck -x "${scripts[@]}"; then
	log "shellcheck: ${#scripts[@]} scripts clean"
else
	status=1
fi

checkpatch=$(ensure_checkpatch 7.3.4)
mapfile -t sources < <(git ls-files 'kmod/*.c' 'kmod/*.h')
if perl "$checkpatch" --no-tree --strict --quiet --show-types -f "${sources[@]}"; then
	log "checkpatch --strict: ${#sources[@]} files clean"
else
	status=1
fi
# The module's own tests are user space in kernel style: stdint types there.
mapfile -t tests < <(git ls-files 'tests/kmod/*.c' 'tests/kmod/*.h')
if perl "$checkpatch" --no-tree --strict --quiet --show-types \
	--ignore PREFER_KERNEL_TYPES -f "${tests[@]}"; then
	log "checkpatch --strict: ${#tests[@]} test files clean"
else
	status=1
fi
exit "$status"
