#!/usr/bin/env bash
# p2prig kcidb: the real binary on the runs kept in tests/data/kcidb (a
# real night of the virtual lab, a run on a kernel the rig built, failing,
# hung and two-node runs), its documents validated against KCIDB's
# published schema (tests/data/kcidb/README.md) by Debian's
# python3-jsonschema, and broken documents shown to fail that validation,
# so the validator is seen to work. Also: the same folders give the same
# bytes, --origin and --lab, and bad input named on stderr. The mapping's
# details are test_kcidb.c's (tests/unit). Run from the repo root.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/runner.sh
source "$(dirname "$0")/../lib/runner.sh"
DATA=$TOP/tests/data/kcidb
SCHEMA=$DATA/kcidb-io-v5.3.schema.json
NIGHT=$DATA/night/20261207T172226Z
BUILT=$DATA/20261207T055151Z-kmod-dmabuf-7.3.4-p2prig-debug
# Debian's python3-jsonschema and its command (harness/setup-host.sh --for
# test), not whatever jsonschema comes first in PATH; draft-07's
# metaschema ships with it.
JSONSCHEMA=/usr/bin/jsonschema
DRAFT7=/usr/lib/python3/dist-packages/jsonschema/schemas/draft7.json

validator=""
[[ ! -x $JSONSCHEMA || ! -r $DRAFT7 ]] || validator=yes
skip_why="Debian's python3-jsonschema is not installed (harness/setup-host.sh --for test)"

# validates DESCRIPTION FILE: FILE is a KCIDB document the schema accepts.
validates() {
	if [[ -z $validator ]]; then
		tap_skip "$1" "$skip_why"
		return
	fi
	tap_ok "$1" "$JSONSCHEMA" -i "$2" "$SCHEMA"
}

# refused DESCRIPTION FILE WHAT: the schema refuses FILE, saying WHAT.
refused() {
	local code=0
	if [[ -z $validator ]]; then
		tap_skip "$1" "$skip_why"
		return
	fi
	"$JSONSCHEMA" -i "$2" "$SCHEMA" >"$tmp/refused.out" 2>&1 || code=$?
	if [[ $code == 0 ]]; then
		tap_is "$1" "valid (exit 0)" "refused: $3"
	else
		tap_ok "$1" grep -qF -- "$3" "$tmp/refused.out"
	fi
}

# The schema: the draft the validator applies, and the version p2prig kcidb writes.
tap_is "schema: JSON Schema draft-07, as kcidb-io validates it" \
	"$(jq -r '."$schema"' "$SCHEMA")" "http://json-schema.org/draft-07/schema#"
tap_is "schema: version 5.3 (major 5, minor up to 3)" \
	"$(jq -r '.properties.version.properties | "\(.major.const).\(.minor.maximum)"' "$SCHEMA")" 5.3
if [[ -n $validator ]]; then
	tap_ok "the validator takes the schema itself (checked against draft-07's metaschema)" \
		"$JSONSCHEMA" -i "$SCHEMA" "$DRAFT7"

else
	tap_skip "the validator takes the schema itself" "$skip_why"
fi

# A night: night.json and its five runs.
run night kcidb "$NIGHT" --lab lab-a
tap_is "night: exit 0" "$(cat "$tmp/night.rc")" 0
tap_is "night: nothing on stderr" "$(cat "$tmp/night.err")" ""
validates "night: the document validates against KCIDB's schema v5.3" "$tmp/night.out"
tap_is "night: version is the schema's" "$(jq -c .version "$tmp/night.out")" '{"major":5,"minor":3}'
want=$(jq -s '[.[] | 1 + (.steps | length) + 1 + (.host.checks // [] | length)] | add' \
	"$NIGHT"/*/result.json)
tap_is "night: a test per run, step, kernel-health and host check ($want)" \
	"$(jq '.tests | length' "$tmp/night.out")" "$want"
tap_is "night: one kernel, one checkout and one build" \
	"$(jq -c '[(.checkouts | length), (.builds | length)]' "$tmp/night.out")" "[1,1]"
tap_is "night: nvme-cmb's steps at p2prig.nvme-cmb.STEP" \
	"$(jq -c '[.tests[].path | select(startswith("p2prig.nvme-cmb."))]' "$tmp/night.out")" \
	'["p2prig.nvme-cmb.mmio","p2prig.nvme-cmb.resource","p2prig.nvme-cmb.kernel-health","p2prig.nvme-cmb.host.guest-outcome","p2prig.nvme-cmb.host.guest-machine","p2prig.nvme-cmb.host.kernel-log","p2prig.nvme-cmb.host.debug-checkers","p2prig.nvme-cmb.host.runner-exit"]'
tap_is "night: every test in lab-a, from night 20261207T172226Z" \
	"$(jq -c '[.tests[] | [.environment.misc.lab, .misc.night]] | unique' "$tmp/night.out")" \
	'[["lab-a","20261207T172226Z"]]'
tap_is "night: gpu-bar's skipped step is SKIP, its reason in misc and the excerpt" \
	"$(jq -r '.tests[] | select(.path == "p2prig.gpu-bar.write-dmabuf")
		| [.status, (.misc.reason | test("ibv_reg_dmabuf_mr")), .log_excerpt == .misc.reason + "\n"]
		| @tsv' "$tmp/night.out")" "SKIP	true	true"
tap_is "night: every SKIP says why" \
	"$(jq -c '[.tests[] | select(.status == "SKIP" and (.misc.reason // "") == "") | .path]' \
		"$tmp/night.out")" "[]"
tap_is "night: the build is the Debian kernel's, its compiler from the banner" \
	"$(jq -r '.builds[0] | [.architecture, .config_name, .compiler] | join(" | ")' \
		"$tmp/night.out")" "x86_64 | debian | x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"

# Stable: the same folders, the same bytes, wherever they are.
run night-again kcidb "$NIGHT" --lab lab-a
tap_ok "night twice: the same bytes" cmp -s "$tmp/night.out" "$tmp/night-again.out"
cp -r "$NIGHT" "$tmp/20261207T172226Z"
run night-moved kcidb "$tmp/20261207T172226Z" --lab lab-a
tap_ok "night copied elsewhere: the same bytes (nothing from where it lives)" \
	cmp -s "$tmp/night.out" "$tmp/night-moved.out"

# A run on a kernel the rig built; runs that failed, hung, ran on two nodes.
run built kcidb "$BUILT"
tap_is "built kernel: exit 0" "$(cat "$tmp/built.rc")" 0
validates "built kernel: validates" "$tmp/built.out"
tap_is "built kernel: the checkout is the Debian source the rig built" \
	"$(jq -r '.checkouts[0].comment' "$tmp/built.out")" "Debian linux-source-7.3 7.3.4-1~bpo13+1"
tap_is "built kernel: the lab defaults to the run's rig" \
	"$(jq -r '.tests[0].environment.misc.lab' "$tmp/built.out")" vlab

run mixed kcidb "$DATA/failing" "$DATA/hang/result.json" "$DATA/two-node" --origin my_ci
tap_is "failing, hung and two-node runs: exit 0" "$(cat "$tmp/mixed.rc")" 0
validates "failing, hung and two-node runs: validates" "$tmp/mixed.out"
tap_is "failing, hung and two-node runs: every status, ERROR for the hang" \
	"$(jq -c '[.tests[].status] | unique' "$tmp/mixed.out")" '["ERROR","FAIL","PASS","SKIP"]'
tap_is "--origin my_ci: every id and origin is my_ci's" \
	"$(jq -r '[(.checkouts, .builds, .tests)[] | (.id | startswith("my_ci:")) and
		.origin == "my_ci"] | all' "$tmp/mixed.out")" true
tap_is "two-node: each node under its own path" \
	"$(jq -c '[.tests[].path | select(test("^p2prig.rdma-2node.(server|client)$"))]' \
		"$tmp/mixed.out")" '["p2prig.rdma-2node.server","p2prig.rdma-2node.client"]'

# Broken documents: the validator must refuse them, else its "valid" means nothing.
jq 'del(.tests[1].id)' "$tmp/night.out" >"$tmp/no-id.json"
refused "broken: a test without id is refused" "$tmp/no-id.json" "'id' is a required property"
jq '.tests[1].status = "PASSED"' "$tmp/night.out" >"$tmp/bad-status.json"
refused "broken: a status KCIDB does not have is refused" "$tmp/bad-status.json" \
	"'PASSED' is not one of"
jq '.tests[1].path = "p2prig..nvme-cmb"' "$tmp/night.out" >"$tmp/bad-path.json"
refused "broken: a path with an empty part is refused" "$tmp/bad-path.json" "does not match"
jq '.builds[0].id = "build-without-origin"' "$tmp/night.out" >"$tmp/bad-id.json"
refused "broken: an id without its origin is refused" "$tmp/bad-id.json" "does not match"
jq '.version.major = 4' "$tmp/night.out" >"$tmp/bad-version.json"
refused "broken: another schema's major version is refused" "$tmp/bad-version.json" \
	"5 was expected"

# Bad input: named on stderr, exit 2, nothing on stdout.
run missing kcidb "$tmp/nowhere"
tap_is "missing folder: exit 2" "$(cat "$tmp/missing.rc")" 2
tap_is "missing folder: named" "$(cat "$tmp/missing.err")" \
	"p2prig kcidb: $tmp/nowhere: No such file or directory"
mkdir "$tmp/empty"
run empty kcidb "$tmp/empty"
tap_is "not a run folder: exit 2, nothing on stdout" \
	"$(cat "$tmp/empty.rc") $(wc -c <"$tmp/empty.out")" "2 0"
tap_ok "not a run folder: named, and what was looked for" grep -qF \
	"p2prig kcidb: $tmp/empty: not a run folder (no result.json, server/result.json or client/result.json) nor a night (no night.json)" \
	"$tmp/empty.err"
mkdir -p "$tmp/bad-run"
printf '{"format": 2, "scenario": "x",\n' >"$tmp/bad-run/result.json"
run bad-run kcidb "$NIGHT" "$tmp/bad-run"
tap_is "a run whose result.json is cut short: exit 2, nothing on stdout" \
	"$(cat "$tmp/bad-run.rc") $(wc -c <"$tmp/bad-run.out")" "2 0"
tap_ok "a run whose result.json is cut short: the file named" \
	grep -qF "p2prig kcidb: $tmp/bad-run/result.json: not JSON" "$tmp/bad-run.err"
mkdir -p "$tmp/bad-night"
echo '[]' >"$tmp/bad-night/night.json"
run bad-night kcidb "$tmp/bad-night"
tap_is "night.json that is not one: exit 2" "$(cat "$tmp/bad-night.rc")" 2
tap_ok "night.json that is not one: the file named, what was expected" grep -qF \
	"$tmp/bad-night/night.json: not a night.json: expected an object with a \"runs\" list" \
	"$tmp/bad-night.err"
rm -r "$tmp/20261207T172226Z/20261207T172305Z-gpu-bar-7.3.4+deb13-amd64"
run night-short kcidb "$tmp/20261207T172226Z"
tap_is "a night missing a run: still a document (exit 0)" "$(cat "$tmp/night-short.rc")" 0
tap_ok "a night missing a run: said on stderr, night.json named" grep -qF \
	"$tmp/20261207T172226Z/night.json lists 5 runs" "$tmp/night-short.err"
run bad-origin kcidb "$NIGHT" --origin My-CI
tap_is "--origin My-CI: exit 2" "$(cat "$tmp/bad-origin.rc")" 2
tap_ok "--origin My-CI: says what an origin may hold" \
	grep -qF "expected lowercase letters, digits and _" "$tmp/bad-origin.err"
run no-path kcidb
tap_is "no PATH: exit 2 with the usage" "$(cat "$tmp/no-path.rc") $(head -c 19 "$tmp/no-path.err")" \
	"2 usage: p2prig kcidb"

tap_plan "$TAP_N"
tap_done
