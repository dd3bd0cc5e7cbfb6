#!/usr/bin/env bash
# The bug corpus's entries (bugs/README.md, harness/lib/bugfile.sh), on the
# host: every entry under bugs/ reads cleanly and lists; a wrong entry is
# refused naming its file, line and what was expected, every error of the
# corpus at once, before anything is built; an unknown id names the known.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || tap_skip_all "jq not installed (harness/setup-host.sh installs it)"

tap_plan 16
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The corpus as shipped.
rc=0
"$TOP/harness/bugs.sh" --list >"$work/list" 2>&1 || rc=$?
tap_is "bugs/ reads cleanly: --list exits 0" "$rc" 0
tap_is "--list has a row per folder" "$(($(wc -l <"$work/list") - 1))" \
	"$(find "$TOP/bugs" -mindepth 1 -maxdepth 1 -type d | wc -l)"
tap_ok "an entry that x86 cannot show is listed as such" \
	grep -qE '^iova-unlink-mmio +1a96f3a22fd8 .*not observable' "$work/list"

# An entry the virtual lab cannot show runs nothing and is a skip with its
# reason, never a pass.
rc=0
P2PRIG_RESULTS=$work/results "$TOP/harness/bugs.sh" iova-unlink-mmio >"$work/run" 2>&1 || rc=$?
corpus=$(sed -n 's/^results: //p' "$work/run")
tap_is "a not-observable entry: exit 0, no run made" "$rc $(find "$work/results" -mindepth 1 -maxdepth 1 -type d | wc -l)" "0 1"
tap_is "its step is a skip saying why, with no unmodified run" \
	"$(jq -r '.steps[0] | "\(.result) \(.caught) \(.unmodified.verdict) \(.reason[0:19])"' "$corpus/result.json")" \
	"skip not observable - not observable here"
tap_ok "KTAP says SKIP with the reason" grep -qE '^ok 1 iova-unlink-mmio # SKIP not observable here: .*coherent' "$corpus/ktap.txt"

# A corpus of wrong entries.
export P2PRIG_BUGS=$work/bugs
entry() {
	mkdir -p "$P2PRIG_BUGS/$1"
	printf 'Subject: [PATCH] x\n' >"$P2PRIG_BUGS/$1/reintroduce.patch"
	printf '# %s\n' "$1" >"$P2PRIG_BUGS/$1/README.md"
	cat >"$P2PRIG_BUGS/$1/bug"
}
entry good <<'B'
describe  a bug
fixed-by  0123456789ab v6.18-rc8 area: fix it
check     scenario nvme-cmb
catch     WARNING: .*mapping\.c
B
entry bad-keyword <<'B'
describe  a bug
fixed-by  0123456789ab - area: fix it
chekc     scenario nvme-cmb
B
entry bad-fix <<'B'
describe  a bug
fixed-by  deadbeef v6.18 the fix
check     guest-test uapi
catch     (unclosed
B
entry both <<'B'
describe  a bug
fixed-by  none - caught in review
check     scenario no-such-scenario
catch     x
not-observable  x86 is coherent
B
entry twice <<'B'
describe  a bug
describe  again
fixed-by  none - caught in review
not-observable  nothing here
B
mkdir -p "$P2PRIG_BUGS/no-patch"
printf 'describe x\nfixed-by none - y\nnot-observable z\n' >"$P2PRIG_BUGS/no-patch/bug"

rc=0
"$TOP/harness/bugs.sh" --list good >"$work/out" 2>&1 || rc=$?
tap_is "a good entry lists" "$rc $(grep -c '^good ' "$work/out")" "0 1"

rc=0
"$TOP/harness/bugs.sh" >"$work/out" 2>&1 || rc=$?
tap_is "a corpus with wrong entries is refused" "$rc" 1
tap_ok "an unknown keyword, by file and line" grep -qF \
	"bugs/bad-keyword/bug:3: unknown keyword 'chekc': expected describe, fixed-by, kernel, config, check, catch or not-observable" "$work/out"
tap_ok "a missing check is said" grep -qF \
	"bugs/bad-keyword/bug:3: expected check and catch lines (or not-observable with the reason)" "$work/out"
tap_ok "a short hash and a release without v are refused" grep -qF \
	"bugs/bad-fix/bug:2: fixed-by: expected HASH (12+ hex digits, or none) VERSION (v6.18-rc8, or -) SUBJECT, not 'deadbeef v6.18 the fix'" "$work/out"
tap_ok "a guest test must be a kmod- program, a regex must compile" bash -c \
	"grep -qF \"bugs/bad-fix/bug:3: check guest-test: expected a program kmod-NAME (tests/kmod), not 'uapi'\" '$work/out' &&
	 grep -qF \"bugs/bad-fix/bug:4: catch: '(unclosed' is not a valid extended regex\" '$work/out'"
tap_ok "checked and not observable at once is refused, as is an unknown scenario" bash -c \
	"grep -qF 'bugs/both/bug:3: check scenario: no file' '$work/out' &&
	 grep -qF 'bugs/both/bug:5: not-observable excludes check and catch' '$work/out'"
tap_ok "a keyword twice, by line" grep -qF "bugs/twice/bug:2: 'describe' again: once per entry" "$work/out"
tap_ok "an entry without its patch" grep -qF "bugs/no-patch/bug: expected bugs/no-patch/reintroduce.patch" "$work/out"
tap_ok "nothing was built: the corpus stops before any kernel" grep -qF \
	"bug corpus rejected (above); nothing was built" "$work/out"
tap_done
