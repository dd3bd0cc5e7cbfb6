# make compare: a base and a new run set, metric by metric (LKP-style).
#
# Input: $base and $new, arrays of run_metrics_json objects
# (harness/lib/runsets.sh); $thresholds, an array of {regex, percent,
# sigmas, where} from configs/compare-thresholds, first match wins.
#
# Each side of a metric is the mean of its runs' values with their sample
# standard deviation when the set has two runs or more; with one run, the
# run's own figure and spread (the repeats of a map-cost entry, the calls
# of a timing). Noise is `sigmas` standard errors of the difference; a
# change is a regression only when it is worse than both the threshold and
# the noise.

include "stats";

def key_of($run): "\($run.scenario)\(if $run.node then "@\($run.node)" else "" end)/\(.name)";

def side($runs):
	[ $runs[] | . as $r | .metrics[] | . + { key: key_of($r) } ]
	| group_by(.key)
	| map({ key: .[0].key, unit: .[0].unit, better: .[0].better,
		runs: length,
		mean: (map(.value) | mean),
		sd: (if length >= 2 then (map(.value) | sample_sd) else .[0].stddev end),
		se: (if length >= 2 then ((map(.value) | sample_sd) / (length | sqrt))
		     elif .[0].stddev != null and .[0].n > 0 then .[0].stddev / (.[0].n | sqrt)
		     else null end) })
	| INDEX(.key);

def threshold_for($key):
	first($thresholds[] | select(. as $t | $key | test($t.regex))) // { percent: 10, sigmas: 3, where: "built-in" };

def judge($b; $n):
	threshold_for($b.key) as $t
	| (($n.mean - $b.mean) / $b.mean * 100) as $change
	| (if $b.se != null and $n.se != null
	   then $t.sigmas * ((($b.se * $b.se) + ($n.se * $n.se)) | sqrt) / $b.mean * 100
	   else null end) as $noise
	| (($b.better == "lower" and $change > 0) or ($b.better == "higher" and $change < 0)) as $worse
	| { change_pct: $change, noise_pct: $noise, threshold_pct: $t.percent, sigmas: $t.sigmas,
	    threshold_from: $t.where,
	    verdict: (if $t.percent == null then "not judged"
		      elif ($change | fabs) <= $t.percent or ($noise != null and ($change | fabs) <= $noise)
		      then "noise" elif $worse then "regression" else "improvement" end) };

# A step that passed in every base run and did not pass in a new run.
def step_regressions:
	[ $base[] | . as $r | .steps[] | { key: key_of($r), result } ] | group_by(.key)
	| map(select(all(.result == "pass"))) | map(.[0].key) as $passed
	| [ $new[] | . as $r | .steps[] | select(.result != "pass") | { key: key_of($r), result } ]
	| map(select(.key as $k | $passed | index($k)))
	| unique_by(.key)
	| map({ key: "\(.key)/result", unit: "", verdict: "regression",
		detail: "passed in the base, \(.result) in the new set" });

side($base) as $b | side($new) as $n
| ([ $b[] | select($n[.key]) | . as $x | { key, unit, better, base: $x, new: $n[.key] }
     + judge($x; $n[.key]) ]
   + [ $b[] | select($n[.key] | not) | { key, unit, better, base: ., new: null, verdict: "only in base" } ]
   + [ $n[] | select($b[.key] | not) | { key, unit, better, base: null, new: ., verdict: "only in new" } ]
   | sort_by(.key)) + step_regressions
