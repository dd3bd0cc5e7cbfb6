# The rows of make matrix (harness/matrix.sh) from one run's result.json, as
# "ROW<TAB>CELL" lines: a map-cost step's entries (method and granule; map and
# unmap mean ± stddev of the repeat means in ns, * after a figure whose CV
# passed the limit, or the skip), else a step's map and unmap timings.
def size: if . % 1048576 == 0 then "\(. / 1048576)M" else "\(. / 1024)K" end;
def ns: if . == null then "-" else (round | tostring) end;
def flag: if .cv_flagged then "*" else "" end;
def figure: "\(.mean_ns | ns) ± \(.stddev_ns | ns)\(flag)";
def why: (.reason // "no reason given");
.steps[] | . as $s
| if .map_cost != null and (.map_cost.entries | length) > 0 then
	.map_cost.entries[]
	| "\(.method) \(.granule_bytes | size)\t"
	  + if .result == "measured" then "\(.map | figure) / \(.unmap | figure)"
	    else "\(.result): \(why)" end
  elif .result == "skip" or .result == "fail" then
	"\($s.name)\t\(.result): \(.reason // "no reason given")"
  elif .timings.map_ns.mean == null then
	"\($s.name) (\(.method // "-"))\t-"
  else
	"\($s.name) (\(.method // "-"))\t\(.timings.map_ns.mean | ns) ± \(.timings.map_ns.stddev | ns) / \(.timings.unmap_ns.mean | ns) ± \(.timings.unmap_ns.stddev | ns)"
  end
