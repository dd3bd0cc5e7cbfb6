#!/usr/bin/env bash
# make topology-matrix on the host, no guest: where each edu of the
# nightly list's trees sits (its slot, path kind, depths, root ports'
# ACS: harness/lib/topology-pairs.awk); the list's every line good, each
# tree under every IOMMU x CPU model; a bad list line refused at its
# file:line before anything boots; and the judging of a kept matrix
# (--from) on a hand-written result.json: a prediction that differs from
# the kernel's decision, or an edu away from its tree position, fails the
# matrix with exit 1 and says so on the row; a refusal is read from the
# step's refused field (an old kept matrix's from its reason's text).
set -euo pipefail
# shellcheck source=tests/lib/vlab.sh
source "$(dirname "$0")/../../lib/vlab.sh"
runner=$TOP/build/host/p2prig
"$runner" topology-tree --help >/dev/null 2>&1 ||
	tap_skip_all "no host runner with topology-tree in build/host (make runner)"
tap_plan 16

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pairs() { "$runner" topology-tree show "$1" | awk -f "$TOP/harness/lib/topology-pairs.awk" | cut -f1-5 | tr '\t' ' '; }
# list_tree NAME: the tree of configs/topology-matrix's line NAME.
list_tree() { awk -v n="$1" '$1 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' "$TOP/configs/topology-matrix"; }

tap_is "wide: one edu per kind of path, each at the bus SeaBIOS gives it" "$(pairs "$(list_tree wide-off-max)")" \
	"edu0 0000:06:00.0 same-switch 2/2 -
edu1 0000:09:00.0 inner-switch 2/3 -
edu2 0000:0c:00.0 sibling-switches 2/2 -
edu3 0000:0d:00.0 outer-switch 2/1 -
edu4 0000:0e:00.0 root-ports 2/0 on/on
edu5 0000:0f:00.0 root-ports 2/0 on/off
edu6 0000:11:00.0 host-bridges 2/0 on/on"
tap_is "deep: the CMB three switches down" "$(pairs "$(list_tree deep-off-intel)")" \
	"edu0 0000:08:00.0 same-switch 3/3 -
edu1 0000:09:00.0 outer-switch 3/2 -
edu2 0000:0a:00.0 outer-switch 3/1 -
edu3 0000:0b:00.0 root-ports 3/0 off/on"
tap_is "expander: q35's root port numbered first, whatever the tree's order" "$(pairs "$(list_tree expander-pt-epyc)")" \
	"edu0 0000:06:00.0 same-switch 1/1 -
edu1 0000:08:00.0 host-bridges 1/0 on/on
edu2 0000:01:00.0 host-bridges 1/0 on/off"
# The whole list as the matrix reads it (--check: every line checked, nothing booted).
rc=0
boots=$("$TOP/harness/topology-matrix.sh" --check 2>"$work/log") || rc=$?
sed 's/^/# /' "$work/log" >&2
tap_is "the nightly list: every line good, 27 boots" "$rc $(grep -c . <<<"$boots")" "0 27"
# KIND BOOTS IOMMUxCPU TREES per kind of tree (the name's first word).
tap_is "each kind of tree once under each IOMMU x CPU, the same tree in each" \
	"$(awk -F'\t' '{ split($1, w, "-"); k = w[1]; n[k]++
		if (!((k, $2, $3) in c)) { c[k, $2, $3]; combos[k]++ }
		if (!((k, $4) in t)) { t[k, $4]; trees[k]++ } }
		END { for (k in n) print k, n[k], combos[k], trees[k] }' <<<"$boots" | sort)" \
	"deep 9 9 1
expander 9 9 1
wide 9 9 1"

# Bad lines: the line, then the message wanted (a regex), before any boot.
while IFS='|' read -r line want; do
	printf '# a comment\n%s\n' "$line" >"$work/list"
	rc=0
	"$TOP/harness/topology-matrix.sh" --list "$work/list" --out "$work/out" >"$work/log" 2>&1 || rc=$?
	sed 's/^/# /' "$work/log" >&2
	tap_is "refused before a boot: $line" "$rc $(grep -cE "^$work/list:2: $want" "$work/log") $(find "$work/out" -mindepth 1 | wc -l)" "2 1 0"
	rm -rf "$work/out"
done <<CASES
a pt max rp(sw(nvme-cmb, edu))|IOMMU is off, passthrough or translated, not "pt"$
a translated arm rp(sw(nvme-cmb, edu))|CPU is max, intel or epyc, not "arm"$
a translated max rp(sw(nvme-cmb, gpu))|column [0-9]+: unknown device 'gpu'
a translated max rp(sw(nvme-cmb, ivshmem))|.*needs edu, which the tree lacks
CASES

# A kept matrix of one boot, judged again: rp(sw(nvme-cmb, edu)) rp(edu),
# edu0 beside the CMB, edu1 on another root port.
judge() {
	rm -rf "$work/m" && mkdir -p "$work/m"
	jq "$1" "$TOP/tests/vlab/topology/data/matrix-result.json" >"$work/m/result.json"
	jq -cn --arg r "$work/m/result.json" '{name: "hand", tree: "rp(sw(nvme-cmb, edu)) rp(edu)", iommu: "off",
		cpu: "intel", methods: "mmio", seconds: 1, run_exit: 1, result_json: $r}' >"$work/m/boots.jsonl"
	rc=0
	"$TOP/harness/topology-matrix.sh" --from "$work/m" >"$work/log" 2>&1 || rc=$?
	sed 's/^/# /' "$work/log" >&2
	printf '%s %s' "$rc" "$(grep -E '^(FAIL|matrix:)' "$work/log" | paste -sd'|')"
}
tap_is "as recorded: every row holds, a refusal of a NOT_SUPPORTED pair included" "$(judge .)" \
	"0 matrix: every row as predicted"
# The refusal is read from the step's refused, not from its reason's text.
tap_is "a refusal recorded whatever the reason says" \
	"$(judge '.steps[1].reason = "something else"')" "0 matrix: every row as predicted"
tap_is "a kept matrix from before the runner recorded refusals: the reason's text" \
	"$(judge '.steps[1] |= (.refused = false | .refused_error = null | .reason = "method mmio: MAP failed: Remote I/O error")')" \
	"0 matrix: every row as predicted"
tap_is "a NOT_SUPPORTED pair's map not refused fails the matrix" \
	"$(judge '.steps[1] |= (.refused = false | .refused_error = null | .reason = "method mmio: MAP failed: Input/output error")')" \
	"1 FAIL hand:edu1 mmio: mapped although p2pdma said NOT_SUPPORTED|matrix: FAILED"
tap_is "a prediction other than the kernel's decision fails the matrix" \
	"$(judge '(.steps[1].predicted_map_type) = "THRU_HOST_BRIDGE"')" \
	"1 FAIL hand:edu1 mmio: prediction THRU_HOST_BRIDGE != kernel NOT_SUPPORTED|matrix: FAILED"
tap_is "an edu at another slot than its tree position fails the matrix" \
	"$(judge '(.steps[0].initiator.pci) = "0000:05:00.0" | (.doctor.pairs[0].pair.path[1].bdf) = "0000:02:07.0"')" \
	"1 FAIL hand:edu0 mmio: the initiator was 0000:05:00.0, not 0000:04:00.0; the device's path is not the tree's|matrix: FAILED"
tap_is "wrong bytes fail the matrix" "$(judge '(.steps[0].to_peer.mismatched_bytes) = 4')" \
	"1 FAIL hand:edu0 mmio: wrong bytes moved|matrix: FAILED"
tap_done
