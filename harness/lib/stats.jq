# Statistics every jq program of the rig shares, so a spread means the same
# thing in every table: the sample standard deviation (divided by n - 1),
# as the runner's stats.c computes it. Use: jq -L harness/lib, include "stats".

def mean: add / length;

# null for fewer than two values: one sample has no spread to speak of.
def sample_sd: mean as $m | if length < 2 then null
	else (map((. - $m) * (. - $m)) | add / (length - 1) | sqrt) end;
