# make report: the topology matrix of a night (NIGHT/topology-matrix/, run
# by harness/nightly.sh) as an HTML section. Input: its matrix.json. Args:
# $night (the night's name), $abs (the matrix folder's path, as its rows
# name their result.json), $rel (the same folder relative to the report),
# $exit (topology-matrix.sh's exit code from night.json, or null).
include "night-matrix";

def badge($v): "<span class=\"badge \($v)\">\($v)</span>";

# A path under the matrix folder as a link from the report; text only otherwise.
def link($text):
	if . != null and startswith($abs + "/") then "<a href=\"\($rel)\(.[($abs | length):] | @html)\">\($text)</a>"
	else $text end;

# One grid cell: the kernel's map type (and the prediction when it differs),
# where the DMA address pointed, the bytes verified or why none moved.
def cell:
	"<td class=\"row \(if .ok then "pass" else "fail" end)\" data-ok=\"\(.ok)\">"
	+ (if .ok then "" else badge("fail") + " " end)
	+ (if .predicted_map_type == .map_type then "\(.map_type // "-")"
	   else "<b>predicted \(.predicted_map_type // "-") &ne; kernel \(.map_type // "-")</b>" end)
	+ " &middot; \(.dma_address // "-")<br><small>\(.moved // "" | @html)</small>"
	+ (if .ok then "" else "<br><small>\(.problems | join("; ") | @html)</small>" end)
	+ "</td>";

# The rows grouped by boot and edu, in the matrix's own order.
def edu_groups:
	reduce .[] as $r ([];
		if length > 0 and (.[-1][0] | .boot == $r.boot and .edu == $r.edu) then .[-1] += [$r]
		else . + [[$r]] end);

def matrix_section:
	matrix_counts as $c
	| (reduce .rows[].method as $m ([]; if any(.[]; . == $m) then . else . + [$m] end)) as $methods
	| (if .ok and ($exit // 0) == 0 then "pass" else "fail" end) as $verdict
	| "<section id=\"topology-matrix\" class=\"matrix\" data-verdict=\"\($verdict)\" data-rows=\"\($c.rows)\" data-mismatches=\"\($c.mismatches)\" data-failed=\"\($c.failed)\">",
	  "<h2>Topology matrix: the doctor&apos;s prediction against the kernel</h2>",
	  "<p>\(badge($verdict)) Night \($night | @html): \($c.rows) rows in \($c.boots) boots, \(.seconds) s"
	  + (if $exit == null then "" else " (topology-matrix exit \($exit))" end)
	  + ": \($c.verified) verified both ways, \($c.refused) refused, \($c.skipped) skipped, \($c.failed) failed; "
	  + "prediction equal to the kernel&apos;s map type in \($c.agreed) rows, <span class=\"mismatches\">\($c.mismatches) mismatches</span>. "
	  + "<a href=\"\($rel)/matrix.txt\">matrix.txt</a> <a href=\"\($rel)/matrix.json\">matrix.json</a></p>",
	  "<table class=\"boots\"><tr><th>boot</th><th>tree</th><th>IOMMU</th><th>CPU</th><th>seconds</th><th>run exit</th></tr>",
	  (.boots[] | (.name | @html) as $name | "<tr><td>\(.result_json | link($name))</td><td><code>\(.tree | @html)</code></td><td>\(.iommu)</td><td>\(.cpu)</td><td>\(.seconds)</td><td>\(.run_exit)</td></tr>"),
	  "</table>",
	  "<p>A row per edu of each boot, a column per method: the kernel&apos;s map type (the prediction beside it when they differ), where the DMA address pointed (bar, iova, ram, refused) and the bytes verified or why none moved.</p>",
	  "<table class=\"matrix-grid\"><tr><th>boot</th><th>edu</th><th>path</th><th>depth</th><th>root ports&apos; ACS</th><th>IOMMU</th><th>CPU</th>"
	  + ($methods | map("<th>\(. | @html)</th>") | join("")) + "</tr>",
	  (.rows | edu_groups[] as $g
	   | $g[0] as $r
	   | "<tr><td>\($r.boot | @html)</td><td>\($r.edu | @html)</td><td>\($r.path_kind // "-" | @html)</td><td>\($r.depth // "-")</td><td>\($r.root_port_acs // "-")</td><td>\($r.iommu)</td><td>\($r.cpu)</td>"
	     + ($methods | map(. as $m | ([$g[] | select(.method == $m)] | first) as $row
		| if $row == null then "<td>-</td>" else ($row | cell) end) | join(""))
	     + "</tr>"),
	  "</table>",
	  (select($c.failed > 0)
	   | "<p>Failed rows:</p><ul class=\"matrix-failures\">"
	     + ([.rows[] | select(.ok | not) | "<li>\(.boot | @html):\(.edu | @html) \(.method | @html): \(.problems | join("; ") | @html)</li>"] | join(""))
	     + "</ul>"),
	  "</section>";
