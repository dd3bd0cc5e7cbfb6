# make report: the HTML fragments of results/report/index.html and the
# data its charts are drawn from. Input: the index (an array of
# run_metrics_json objects, each with `rel`, its folder relative to the
# report, `set` and `night`); which fragment is chosen by the caller.

def verdict_of: .verdict // (if .complete == false then "fail"
	elif (.summary.failed // 0) > 0 then "fail"
	elif (.summary.skipped // 0) > 0 then "skip" else "pass" end);

def when: (.started // "") | sub("T"; " ") | sub("Z$"; "");

def links: . as $r
	| [ "result.json", "ktap.txt", "junit.xml", "serial.log", "dmesg.txt" ]
	| map("<a href=\"\($r.rel)/\(.)\">\(.)</a>") | join(" ");

def badge($v): "<span class=\"badge \($v)\">\($v)</span>";

# The runs a verdict is about: the newest night's, else the newest run of
# each scenario.
def latest_runs:
	(map(select(.night != null)) | map(.night) | max) as $night
	| if $night then map(select(.night == $night))
	  else group_by(.scenario) | map(max_by(.started)) end;

# $matrix: the newest night's topology matrix ({verdict, rows, failed,
# mismatches}), or null when that night ran none.
def verdict_section($compare; $matrix):
	latest_runs as $runs
	| ($runs | map(verdict_of)) as $v
	| (if ($v | index("fail")) or ($compare.regressions // 0) > 0 or $matrix.verdict == "fail" then "fail"
	   elif ($v | index("skip")) then "skip" else "pass" end) as $overall
	| "<section id=\"verdict\" class=\"verdict \($overall)\" data-verdict=\"\($overall)\">"
	+ "<h2>Verdict: \($overall | ascii_upcase)</h2><p>"
	+ (if $runs[0].night then "Night \($runs[0].night | @html): " else "Newest run of each scenario: " end)
	+ "\($runs | length) runs, \($v | map(select(. == "pass")) | length) passed, "
	+ "\($v | map(select(. == "skip")) | length) passed with skips, "
	+ "\($v | map(select(. == "fail")) | length) failed. "
	+ (if $compare == null then "No baseline to compare with."
	   else "Against the baseline: \($compare.regressions) regressions, \($compare.improvements) improvements, \($compare.noise) within noise (<a href=\"\($compare.rel)\">compare.txt</a>)." end)
	+ (if $matrix == null then ""
	   else " <a href=\"#topology-matrix\">Topology matrix</a>: \(badge($matrix.verdict)) \($matrix.rows // 0) rows, \($matrix.failed // 0) failed, \($matrix.mismatches // 0) mismatches." end)
	+ "</p><table class=\"runs\"><tr><th>scenario</th><th>verdict</th><th>passed</th><th>skipped</th><th>failed</th><th>kernel</th></tr>"
	+ ($runs | sort_by(.scenario) | map(
		"<tr><td><a href=\"#scenario-\(.scenario | @html)\">\(.scenario | @html)</a></td><td>\(badge(verdict_of))</td>"
		+ "<td>\(.summary.passed // 0)</td><td>\(.summary.skipped // 0)</td><td>\(.summary.failed // 0)</td>"
		+ "<td>\(.kernel // "?" | @html)</td></tr>") | join(""))
	+ "</table></section>";

# The steps of the newest run of $scenario, with each skip's and failure's reason.
def steps_table($scenario):
	map(select(.scenario == $scenario)) | max_by(.started)
	| "<p>Newest run: \(when | @html), \(.kernel // "?" | @html), config \(.config // "?" | @html) — \(links)</p>"
	+ "<table class=\"steps\"><tr><th>step</th><th>action</th><th>result</th><th>reason</th></tr>"
	+ (.steps | map("<tr><td>\(.name | @html)</td><td>\(.action // "" | @html)</td><td>\(badge(.result))</td>"
		+ "<td>\(.reason // "" | @html)</td></tr>") | join(""))
	+ "</table>";

# Every run, grouped by scenario, config and kernel, newest first.
def history_table:
	group_by([.scenario, .config, .kernel]) | map(sort_by(.started) | reverse)
	| map("<tr><td>\(.[0].scenario | @html)</td><td>\(.[0].config // "?" | @html)</td><td>\(.[0].kernel // "?" | @html)</td><td>"
		+ (map("\(badge(verdict_of)) <a href=\"\(.rel)/result.json\">\(when | @html)</a> <small>\(.set | @html)</small>") | join("<br>"))
		+ "</td></tr>") | join("")
	| "<table class=\"index\"><tr><th>scenario</th><th>config</th><th>kernel</th><th>runs (newest first)</th></tr>\(.)</table>";

# Chart data, tab-separated, for gnuplot.

# bandwidth.tsv: series, bytes, MiB/s of the newest run of $scenario.
def bandwidth_rows($scenario):
	map(select(.scenario == $scenario)) | max_by(.started) | .metrics[]
	| select(.x_bytes != null and .unit == "MiB/s") | [.series, .x_bytes, .value] | @tsv;

# cost rows: "method granule", then one mean per kernel (newest map-cost
# run on each), "-" where that kernel has none; the first line the header.
def cost_rows($dir):
	map(.metrics |= map(select(.name | test("/[a-z0-9-]+/[0-9]+[KMG]?/\($dir)_ns$"))))
	| map(select(.metrics | length > 0))
	| group_by(.kernel) | map(max_by(.started)) as $runs
	| ($runs | map(.kernel)) as $kernels
	| ([$runs[].metrics[] | { r: (.name | sub("^[^/]+/"; "") | sub("/\($dir)_ns$"; "")), x: .x_bytes }]
	   | unique | sort_by([(.r | split("/")[0]), .x]) | map(.r)) as $rows
	| (["entry"] + $kernels | @tsv),
	  ($rows[] as $row | [($row | gsub("/"; " "))]
	   + [$runs[] | (.metrics | map(select(.name | sub("^[^/]+/"; "") == "\($row)/\($dir)_ns")) | .[0].value) // "-"]
	   | @tsv);

# history rows of $scenario: night, key metric, value as % of its first night.
def history_rows($scenario):
	map(select(.scenario == $scenario and .night != null)) | sort_by(.night)
	| (map(.metrics[] | select(.key) | .name) | unique) as $keys
	| . as $nights
	| $keys[] as $k
	| ([$nights[] | .metrics[] | select(.name == $k) | .value] | first) as $first
	| $nights[] | . as $n | (.metrics[] | select(.name == $k) | .value) as $v
	| select($first != null and $first != 0)
	| [$k, $n.night, ($v / $first * 100)] | @tsv;
