# The rows of one topology-matrix boot for one edu (harness/topology-matrix.sh):
# run with -n, the boot's result.json as input (none when the boot wrote
# none), and the edu's tree facts as --arg. One object per method.
# The runner records every refusal of the map (the kernel's p2pdma said
# NOT_SUPPORTED: EREMOTEIO) as refused and refused_error, whether the step
# expected it or not; a generated step does not know its pair's decision
# beforehand, and the matrix judges the refusal against that decision. A
# matrix kept before the runner did (--from an old folder) says so only in
# an unexpected refusal's reason.
def refused:
	.refused or ((.reason // "") | test("MAP failed: Remote I/O error$"));
def where:
	if refused then "refused" elif .dma_address == null then "-"
	elif .dma_in_bar then "bar" elif (.dma_direct | not) then "iova"
	elif .dma_bounced then "bounced" else "ram" end;
# A node of the doctor's path as topology-pairs.awk writes the tree's:
# ID@BUS:DEV, a root port's DEV "??".
def node_text:
	(.bdf | split(":")) as $b
	| "\(.id)@\($b[1]):\(if .type == "root-port" then "??" else ($b[2] | split(".")[0]) end)";
def moved:
	if . == null then "no such step in result.json"
	elif .verified then "\(.bytes) bytes verified both ways"
	elif refused then "refused: \(.refused_error // "EREMOTEIO")"
	elif .result == "skip" then "skipped: \(.reason)"
	else "failed: \(.reason // "no reason given")" end;
def problems($bdf; $expected; $seen):
	[ if . == null then "the step did not run" else
		(if .predicted_map_type != .map_type then "prediction \(.predicted_map_type) != kernel \(.map_type)" else empty end),
		(if .initiator.pci != $bdf then "the initiator was \(.initiator.pci), not \($bdf)" else empty end),
		(if $seen != $expected then "the device's path is not the tree's" else empty end),
		(if ((.to_peer.mismatched_bytes // 0) + (.from_peer.mismatched_bytes // 0)) > 0 then "wrong bytes moved" else empty end),
		(if .map_type == "NOT_SUPPORTED" and (refused | not) then "mapped although p2pdma said NOT_SUPPORTED" else empty end),
		(if .map_type != "NOT_SUPPORTED" and (.verified | not) and .result != "skip" then "no bytes moved: \(moved)" else empty end)
	  end ];

(try input catch null) as $r
| ([$r.doctor.pairs // [] | .[] | select(.initiator == $edu) | .pair.path] | first // null) as $path
| (if $path == null then null else [$path[] | select(.role != "host-bridge") | node_text] | join(" ") end) as $seen
| $methods | split(" ")[] as $method
| ([$r.steps // [] | .[] | select(.name == "\($edu)-\($method)")] | first // null) as $s
| ($s | problems($bdf; $signature; $seen)) as $problems
| {boot: $boot, edu: $edu, bdf: $bdf, path_kind: $kind, depth: $depth, root_port_acs: $acs,
   iommu: $iommu, cpu: $cpu, method: $method,
   predicted_map_type: $s.predicted_map_type, map_type: $s.map_type,
   dma_address: (if $s == null then null else ($s | where) end), route: $s.route,
   result: $s.result, moved: ($s | moved), path_expected: $signature, path_seen: $seen,
   problems: $problems, ok: ($problems | length == 0),
   result_json: (if $r == null then null else $result end)}
