# The table of make bench-nvme (harness/bench-nvme.sh), from a run's result.json:
# mean, stddev and n of every (buffer, rw, bs, iodepth) over the repeats,
# then a line per rw, bs and iodepth with each peer buffer's ratio to RAM.
include "stats";
def stats: {mean: mean, sd: sample_sd, n: length};
# One or two decimals always shown: 30.0, 0.50.
def fixed($p): (. * pow(10; $p) | round | tostring) as $d
	| ($d | length) as $n | if $n <= $p then ("000" + $d | .[-($p + 1):]) else $d end
	| .[:-$p] + "." + .[-$p:];
def size: if . % 1048576 == 0 then "\(. / 1048576)M" else "\(. / 1024)K" end;
def cell($s): if $s == null then "-" elif $s.sd == null then "\($s.mean | fixed(1))"
	else "\($s.mean | fixed(1)) ± \($s.sd | fixed(1))" end;
def ratio($a; $b): if $a == null or $b == null or $b.mean == 0 then "-"
	else ($a.mean / $b.mean | fixed(2)) end;
[.steps[] | select(.result == "pass") | .fio.buffer.name as $b | .fio.jobs[]
	| {b: $b, rw, bs, iodepth, bw: .bw_mibps}]
| group_by([.rw, .bs, .iodepth, .b])
| map({key: "\(.[0].rw) \(.[0].bs) \(.[0].iodepth) \(.[0].b)", value: (map(.bw) | stats)})
| from_entries as $f
| ($f | keys | map(split(" ") | .[0:3]) | unique | sort_by(.[0], (.[1] | tonumber), (.[2] | tonumber))) as $rows
| "rw     bs       qd   RAM MiB/s        CMB MiB/s        CMB/RAM  BAR MiB/s        BAR/RAM",
($rows[] | . as [$rw, $bs, $qd]
	| ($f["\($rw) \($bs) \($qd) ram"]) as $ram
	| ($f["\($rw) \($bs) \($qd) cmb"]) as $cmb
	| ($f["\($rw) \($bs) \($qd) vram"]) as $bar
	| "\($rw | .[0:5] | . + "      " | .[0:6]) \(($bs | tonumber | size) + "        " | .[0:8]) \($qd | . + "    " | .[0:4]) \(cell($ram) | . + "                 " | .[0:16]) \(cell($cmb) | . + "                 " | .[0:16]) \(ratio($cmb; $ram) | . + "        " | .[0:8]) \(cell($bar) | . + "                 " | .[0:16]) \(ratio($bar; $ram))")
