#!/usr/bin/env bash
# The topology matrix's table from its matrix.json (harness/topology-matrix.sh
# writes both): a row per edu x method, then each boot's tree and time, then
# every row that failed and why.
#
#   harness/topology-matrix-table.sh MATRIX_JSON
set -euo pipefail
matrix=${1:?usage: $0 MATRIX_JSON}

jq -r '(["TREE", "PATH", "DEPTH", "RP_ACS", "IOMMU", "CPU", "METHOD", "PREDICTED", "KERNEL", "DMA", "BYTES OR REASON", ""] | @tsv),
	(.rows[] | [.boot + ":" + .edu, .path_kind, .depth, .root_port_acs, .iommu, .cpu, .method,
		.predicted_map_type // "-", .map_type // "-", .dma_address // "-", .moved,
		(if .ok then "" else "FAIL" end)] | @tsv)' "$matrix" |
	awk -F'\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
		END {
			for (r = 1; r <= NR; r++) {
				line = ""
				for (i = 1; i <= n; i++) line = line sprintf(i < n ? "%-*s  " : "%s", w[i], cell[r, i])
				sub(/ +$/, "", line)
				print line
			}
		}'
echo
jq -r '"boots (depth: switches above the CMB / above the edu; RP_ACS: the root ports'"'"' ACS, provider/edu, when the path crosses them):",
	(.boots[] | "  \(.name): \(.tree); IOMMU \(.iommu), CPU \(.cpu): \(.seconds) s, run exit \(.run_exit)"),
	"(run exit: the runner'"'"'s own verdict on the generated steps, which carry no expectations: to it a refusal is a failed step; the rows judge)",
	"\(.rows | length) rows in \(.boots | length) boots, \(.seconds) s; prediction == kernel in \([.rows[] | select(.predicted_map_type != null and .predicted_map_type == .map_type)] | length) rows",
	(.rows[] | select(.ok | not) | "FAIL \(.boot):\(.edu) \(.method): \(.problems | join("; "))"),
	(if .ok then "matrix: every row as predicted" else "matrix: FAILED" end)' "$matrix"
