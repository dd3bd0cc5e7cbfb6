#!/usr/bin/env bash
# p2prig ktap and p2prig junit: the real binary on the fixtures in
# tests/unit/data (the writers' own cmocka tests, test_ktap_junit.c, run
# with the others in tests/unit/cmocka.t): exit codes, "file: what is
# wrong" on bad input, and JUnit read back by a real XML parser (xmllint).
# Run from the repo root.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/runner.sh
source "$(dirname "$0")/../lib/runner.sh"
DATA=$TOP/tests/unit/data

run ktap-map-cost ktap "$DATA/result-map-cost-6.12.117.json"
tap_is "ktap: exit 0" "$(cat "$tmp/ktap-map-cost.rc")" 0
tap_ok "ktap: a real run's result.json gives its ktap.txt, byte for byte" \
	cmp -s "$tmp/ktap-map-cost.out" "$DATA/result-map-cost-6.12.117.ktap.txt"

run ktap-failing ktap "$DATA/result-failing.json"
tap_is "ktap of a failed run: exit 0 (the report carries the verdict)" \
	"$(cat "$tmp/ktap-failing.rc")" 0
tap_is "ktap: as many results as the plan says" \
	"$(grep -cE '^(not )?ok [0-9]+ ' "$tmp/ktap-failing.out")" \
	"$(sed -n '2s/^1\.\.//p' "$tmp/ktap-failing.out")"
tap_ok "ktap: the host's failed oracle check is not ok" \
	grep -qx 'not ok 8 host-oracle' "$tmp/ktap-failing.out"

all=("$DATA"/result-*.json)
run junit-all junit "${all[@]}"
tap_is "junit: ${#all[@]} files, exit 0" "$(cat "$tmp/junit-all.rc")" 0
tap_is "junit: a testsuite per file" "$(grep -c '<testsuite ' "$tmp/junit-all.out")" "${#all[@]}"

if ! command -v xmllint >/dev/null; then
	for check in "well-formed" "counts" "suite counts" "escaping"; do
		tap_skip "junit: $check, read back by xmllint" "xmllint is not installed (libxml2-utils)"
	done
else
	xpath() { xmllint --xpath "$1" "$tmp/junit-all.out"; }
	tap_ok "junit: well-formed XML, read back by xmllint" \
		xmllint --noout "$tmp/junit-all.out"
	tap_is "junit: the totals are the elements xmllint counts" \
		"$(xpath 'concat(/testsuites/@tests, " ", /testsuites/@failures, " ",
			/testsuites/@errors, " ", /testsuites/@skipped)')" \
		"$(xpath 'concat(count(//testcase), " ", count(//testcase/failure), " ",
			count(//testcase/error), " ", count(//testcase/skipped))')"
	tap_is "junit: each suite's counts add up to the totals" \
		"$(xpath 'concat(sum(//testsuite/@tests), " ", sum(//testsuite/@failures), " ",
			sum(//testsuite/@errors), " ", sum(//testsuite/@skipped))')" \
		"$(xpath 'concat(/testsuites/@tests, " ", /testsuites/@failures, " ",
			/testsuites/@errors, " ", /testsuites/@skipped)')"
	tap_is "junit: a reason with <&\"'> comes back as written" \
		"$(xpath 'string(//testcase[@name="resource"]/failure/@message)')" \
		"to peer: 16 mismatched bytes <&\"'> at 0x40"
fi

run junit-none junit
tap_is "junit with no file: exit 2" "$(cat "$tmp/junit-none.rc")" 2

run missing ktap "$tmp/nowhere.json"
tap_is "ktap on a missing file: exit 2" "$(cat "$tmp/missing.rc")" 2
tap_ok "ktap on a missing file: file: what is wrong" grep -qx \
	"p2prig ktap: $tmp/nowhere.json: cannot read: No such file or directory" "$tmp/missing.err"

printf 'p2prig: scenario nvme-cmb: 2 steps\n' >"$tmp/not-json.json"
run not-json junit "$DATA/result-failing.json" "$tmp/not-json.json"
tap_is "junit with a file that is not JSON: exit 2" "$(cat "$tmp/not-json.rc")" 2
tap_ok "junit with a file that is not JSON: named, said" \
	grep -q "^p2prig junit: $tmp/not-json.json: not JSON: " "$tmp/not-json.err"
tap_is "junit with a bad file: nothing on stdout" "$(wc -c <"$tmp/not-json.out")" 0

run fio-json ktap "$DATA/fio-3.39-write-read.json"
tap_is "ktap on fio's JSON: exit 2" "$(cat "$tmp/fio-json.rc")" 2
tap_ok "ktap on fio's JSON: not a result.json" \
	grep -q "fio-3.39-write-read.json: not a result.json: no \"format\"" "$tmp/fio-json.err"
tap_plan "$TAP_N"
tap_done
