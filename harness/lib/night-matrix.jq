# The topology matrix kept in a night (harness/nightly.sh runs
# harness/topology-matrix.sh into NIGHT/topology-matrix/): its rows counted
# for night.json and the report. Input: that folder's matrix.json.

# A row's DMA moved and was verified both ways (topology-matrix-rows.jq's
# `moved` says "N bytes verified both ways").
def row_verified: (.moved // "") | test(" bytes verified ");

def matrix_counts:
	.rows as $rows
	| { boots: (.boots | length), rows: ($rows | length),
	    passed: [$rows[] | select(.ok)] | length,
	    failed: [$rows[] | select(.ok | not)] | length,
	    verified: [$rows[] | select(row_verified)] | length,
	    refused: [$rows[] | select(.dma_address == "refused")] | length,
	    skipped: [$rows[] | select(.result == "skip")] | length,
	    agreed: [$rows[] | select(.predicted_map_type != null and .predicted_map_type == .map_type)] | length,
	    mismatches: [$rows[] | select(.predicted_map_type != .map_type)] | length,
	    ok: .ok, seconds: .seconds };
