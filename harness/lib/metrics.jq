# The figures of one run as a flat list, from its result.json: what
# `make compare` judges, `make report` charts, and result.json's `metrics`.
#
# One object per figure: name (STEP/WHAT/FIELD_UNIT, stable across runs of
# a scenario), step, unit (from the field's suffix), better ("lower" or
# "higher"), value, stddev (the spread of what value summarises, null when
# it is one figure), n (how many samples value summarises), key (one of
# the few figures the history chart follows), x_bytes and series (where the
# figure sits on a size axis, for the bandwidth chart; null otherwise).

def size_name:
	if . >= 1073741824 and . % 1073741824 == 0 then "\(. / 1073741824)G"
	elif . >= 1048576 and . % 1048576 == 0 then "\(. / 1048576)M"
	elif . >= 1024 and . % 1024 == 0 then "\(. / 1024)K"
	else "\(.)" end;

def unit_of: if endswith("_ns") then "ns" elif endswith("_mibps") then "MiB/s"
	elif endswith("iops") then "IOPS" else "1" end;

def better_of: if endswith("_ns") then "lower" else "higher" end;

def metric($step; $what; $field; $value; $stddev; $n; $key; $x; $series):
	{ name: "\($step)/\($what)/\($field)", step: $step, unit: ($field | unit_of),
	  better: ($field | better_of), value: $value, stddev: $stddev, n: $n, key: $key,
	  x_bytes: $x, series: $series };

# A transfer or dmabuf step: the per-call timings the runner kept, each by
# its floor (the fastest call), with no spread. Not the mean: under a lazy
# IOMMU domain every other 1 MiB map pays a fresh page-table page in phases
# that follow the flush queue's timer, so the mean of 32 calls moves with
# where the phase fell (nvme-cmb's mmio step: 10392 against 8289 ns on two
# honest nights) while the floor held (8259 both nights).
def timing_metrics($s):
	$s.timings // {} | to_entries[] | select(.value.n > 0 and .value.min != null)
	| metric($s.name; "timings"; .key; .value.min; null; .value.n;
		 .key == "map_ns"; null; null);


# map-cost: each measured method x granule, the mean of the repeat means.
def map_cost_metrics($s):
	($s.map_cost.entries // [])[] | select(.result == "measured") | . as $e
	| ("map", "unmap") as $dir | $e[$dir] | select(.mean_ns != null)
	| metric($s.name; "\($e.method)/\($e.granule_bytes | size_name)"; "\($dir)_ns";
		 .mean_ns; .stddev_ns; .repeats; $e.granule_bytes == 4096; $e.granule_bytes;
		 "\($dir) \($e.method)");

def fio_metrics($s):
	($s.fio.jobs // [])[] | select(.error == 0 and .bw_mibps != null) | . as $j
	| metric($s.name; $j.name; "bw_mibps"; $j.bw_mibps; null; 1; $j.bs == 1048576 and $j.iodepth == 1;
		 $j.bs; "\($j.rw) \($j.buffer) qd\($j.iodepth)"),
	  (select($j.clat_mean_ns != null)
	   | metric($s.name; $j.name; "clat_mean_ns"; $j.clat_mean_ns; null; 1; false; null; null));

def copy_metrics($s):
	($s.copy.combinations // [])[] | select(.mibps != null and .verified) | . as $c
	| metric($s.name; "\($c.bs | size_name)-qd\($c.iodepth)"; "bw_mibps"; $c.mibps; null; 1;
		 false; $c.bs; "copy \($s.copy.buffer.name // $s.name) qd\($c.iodepth)");

# The bandwidth of a size is its bytes over the mean time per message, so
# its relative spread is the per-message latency's (none where the
# latency was not timed, e.g. on a two-node server). Format 1 named the
# bandwidth bw_avg_mib_s.
def rdma_metrics($s):
	($s.rdma.sizes // [])[] | (.bw_avg_mibps // .bw_avg_mib_s) as $bw | select($bw != null) | . as $z
	| ($z.latency_ns // {}) as $lat
	| (if ($lat.n // 0) > 1 and ($lat.mean // 0) > 0 then [$bw * $lat.stddev / $lat.mean, $lat.n]
	   else [null, 1] end) as [$sd, $n]
	| metric($s.name; "\($s.rdma.op)-\($z.bytes | size_name)"; "bw_avg_mibps"; $bw; $sd;
		 $n; $z.bytes == 1048576; $z.bytes; "rdma \($s.rdma.op) \($s.rdma.memory)"),
	  (select($z.latency_ns.n > 0)
	   | metric($s.name; "\($s.rdma.op)-\($z.bytes | size_name)"; "latency_ns"; $z.latency_ns.mean;
		    $z.latency_ns.stddev; $z.latency_ns.n; false; null; null));

# The bug corpus (harness/bugs.sh): 1 for an entry caught with no false
# alarm, 0 otherwise, so a bug the rig stops catching is a regression. An
# entry not observable here has no figure.
def bug_metrics($s):
	select($s.action == "bug" and $s.result != "skip")
	| metric($s.name; "bug"; "caught"; (if $s.result == "pass" then 1 else 0 end); null; 1;
		 true; null; null);

def run_metrics:
	[ (.steps[]? | select(.result == "pass") | . as $s
	   | timing_metrics($s), map_cost_metrics($s), fio_metrics($s), copy_metrics($s),
	     rdma_metrics($s)),
	  (.steps[]? | bug_metrics(.)) ];
