# shellcheck shell=bash
# Runs made to order for the compare and report tests, from real ones.

# doctor_run FROM TO FACTOR: a copy of run FROM in TO with every time
# (a field or timing object named *_ns) multiplied by FACTOR and every
# bandwidth (*mibps) divided by it: FACTOR 1.2 is a run 20 % slower.
doctor_run() {
	local from=$1 to=$2 f
	mkdir -p "$to"
	for f in result.json server/result.json client/result.json; do
		[[ -f $from/$f ]] || continue
		mkdir -p "$(dirname "$to/$f")"
		jq --argjson k "$3" '
			def slower: if type == "number" then . * $k else . end;
			def timing: if type == "object"
				then with_entries(if .key == "n" or .key == "repeats" then . else .value |= slower end)
				else slower end;
			walk(if type == "object" then with_entries(
				if (.key | endswith("_ns")) then .value |= timing
				elif (.key | endswith("mibps")) then .value |= (if type == "number" then . / $k else . end)
				else . end) else . end)' "$from/$f" >"$to/$f"
	done
}
