#!/usr/bin/env bash
# The nightly list's topology-matrix line, checked on the host: a good list
# (and configs/nightly itself) passes `harness/nightly.sh --check`, which
# runs nothing; a wrong word, a bad methods= or an unknown method, a list
# file that is not there, a matrix list with a bad tree and a second matrix
# line are each named at FILE:LINE with exit 2 before anything runs, with
# --check and without it.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
tap_plan 11

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export P2PRIG_RESULTS=$work/results

# check LIST_TEXT [ARGS...]: nightly.sh --check on a list holding LIST_TEXT;
# sets rc and out.
check() {
	printf '%b' "$1" >"$work/list"
	shift
	rc=0
	out=$(harness/nightly.sh --list "$work/list" "$@" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

check 'nvme-cmb kernel=6.12\n# the matrix, two methods\ntopology-matrix list=configs/topology-matrix methods=mmio,p2p-page\n' --check
tap_is "a scenario and a matrix line: --check exits 0 and says what the night would run" "$rc
$out" "0
nightly: $work/list: 1 scenario and the topology matrix
  nvme-cmb kernel=6.12
  topology-matrix list=configs/topology-matrix methods=mmio,p2p-page"
tap_is "... and runs nothing (no results folder)" "$(find "$work" -mindepth 1 -name results | wc -l)" 0

rc=0
out=$(harness/nightly.sh --check 2>&1) || rc=$?
tap_is "configs/nightly: five scenarios, then the matrix on configs/topology-matrix" \
	"$rc $(head -n 1 <<<"$out") /$(tail -n 1 <<<"$out")" \
	"0 nightly: configs/nightly: 5 scenarios and the topology matrix /  topology-matrix list=configs/topology-matrix"

# LIST_TEXT (after a first line "map-cost")|LINE|the message wanted there
# (an extended regex).
while IFS='|' read -r text line want; do
	check "map-cost\n$text\n" --check
	tap_is "refused at line $line, exit 2: ${text//\\n/ / }" "$rc $(grep -cE "^$work/list:$line: $want" <<<"$out")" "2 1"
done <<'CASES'
topology-matrix list=configs/topology-matrix colour=red|2|expected list=FILE or methods=M,M\.\.\. after topology-matrix, got "colour=red"$
topology-matrix list=configs/no-such-list|2|no topology matrix list "configs/no-such-list" \(a file under the rig's top folder, or an absolute path\)$
topology-matrix methods=mmio;p2p-page|2|expected methods=METHOD,METHOD\.\.\. \(e\.g\. methods=mmio,p2p-page\), got "methods=mmio;p2p-page"$
topology-matrix\ntopology-matrix|3|a second topology-matrix line \(line 2 has one; a night has one matrix folder\)$
topology-matrix methods=mmio,bogus|2|the topology matrix of "configs/topology-matrix" with methods=mmio,bogus is wrong \(above\)$
CASES

# A matrix list whose tree is wrong: its own line named, then the night's,
# before any scenario runs.
printf 'bad-tree  off  max  rp(sw(nvme-cmb, gpu))\n' >"$work/matrix-list"
check "map-cost\ntopology-matrix list=$work/matrix-list\n" --check
tap_is "a matrix list with an unknown device: exit 2" "$rc" 2
# shellcheck disable=SC2016 # the inner script expands its arguments
tap_ok "... named at the matrix list's line, then at the night's" \
	bash -c '[[ $(grep -c "^$1:1: .*gpu" <<<"$3") == 1 && $(grep -c "^$2:2: the topology matrix of \"$1\" is wrong (above)$" <<<"$3") == 1 ]]' \
	_ "$work/matrix-list" "$work/list" "$out"

# Without --check: the same refusal, and nothing made under the results folder.

check 'nvme-cmb\ntopology-matrix list=configs/no-such-list\n'
tap_is "make nightly on a list with a missing matrix list: exit 2, nothing run" \
	"$rc $(grep -c "^$work/list:2: no topology matrix list" <<<"$out") $(find "$work" -mindepth 1 -name results | wc -l)" "2 1 0"
tap_done
