#!/usr/bin/env bash
# tests/lib/webdriver.sh against the real headless Chromium: a fixture page
# opened by file:// is laid out (the SVG line has a length and a box), a
# JavaScript exception fails wd_exec, the screenshot is a PNG of the asked
# size, and wd_stop leaves no chromedriver or chromium behind.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/webdriver.sh
source "$(dirname "$0")/../lib/webdriver.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

if [[ ! -x $WD_CHROMIUM || ! -x $WD_CHROMEDRIVER ]]; then
	tap_skip_all "chromium-driver not installed"
fi

# What this test started, by its ids: chromedriver's session (every chromium
# is in it) and the temporary folder that chromedriver's and chromium's
# command lines name. Zombies count until reaped, so give that a moment:
# up to 10 s, as a loaded host's init may be slow to reap (a deadline,
# not a measure: a clean stop returns at once).
leftovers() {
	local i
	for ((i = 0; i < 100; i++)); do
		if ! pgrep -s "$1" >/dev/null && ! pgrep -f -- "$2" >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	pgrep -a -s "$1" | sed 's/^/#   left: /'
	pgrep -a -f -- "$2" | sed 's/^/#   left: /'
	return 1
}

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-test.XXXXXX")
trap 'wd_stop; rm -rf "$work"' EXIT

tap_plan 16
tap_ok "wd_start: chromedriver ready, a chromium session open" wd_start
if [[ -z ${WD_SESSION-} ]]; then
	echo "Bail out! no browser session"
	exit 1
fi
sid=$WD_SID wd_dir=$WD_DIR

# A blank page's screenshot first: what the fixture's must outgrow.
wd_screenshot "$work/blank.png"
rc=0
err=$(wd_open "file://$work/missing.html" 2>&1) || rc=$?
echo "# $err"
tap_is "wd_open fails on a missing file" "$rc" 1
tap_ok "wd_open by file:// URL" wd_open "file://$TOP/tests/host/data/webdriver-page.html"
tap_is "the heading's text" \
	"$(wd_exec 'return document.getElementById("title").textContent')" \
	'"p2prig report fixture"'
tap_is "the svg path has a non-empty d" \
	"$(wd_exec 'return document.getElementById("line").getAttribute("d").length > 0')" \
	true
length=$(wd_exec 'return document.getElementById("line").getTotalLength()')
echo "# path length: $length"
tap_is "getTotalLength() > 0" "$(jq "$length > 0" <<<"$length")" true
box=$(wd_exec 'const r = document.getElementById("line").getBoundingClientRect();
	return [r.width, r.height]')
echo "# path bounding box: $box"
tap_is "the path's bounding box has a width (layout happened)" \
	"$(jq '.[0] > 0' <<<"$box")" true

rc=0
err=$(wd_exec 'throw new Error("p2prig-boom")' 2>&1 >/dev/null) || rc=$?
echo "# $err"
tap_is "a JavaScript exception fails wd_exec and names the message" \
	"$rc $(grep -c 'javascript error: p2prig-boom' <<<"$err")" "1 1"

tap_ok "wd_screenshot" wd_screenshot "$work/page.png"
tap_is "the screenshot is a PNG of the window size" "$(png_size "$work/page.png")" \
	"1280 2000"
bytes=$(stat -c %s "$work/page.png")
echo "# screenshot: $bytes bytes"
tap_ok "the screenshot is not trivial (> 8 KiB)" test "$bytes" -gt 8192
blank=$(stat -c %s "$work/blank.png")
echo "# a blank page's: $blank bytes"
tap_ok "it is larger than a blank page's (something was drawn)" \
	test "$bytes" -gt "$blank"
rc=0
png_size "$TOP/tests/host/data/webdriver-page.html" 2>/dev/null || rc=$?
tap_is "png_size refuses a file that is not a PNG" "$rc" 1

wd_window_size 800 600
wd_screenshot "$work/small.png"
tap_is "after wd_window_size 800 600 the screenshot is 800x600" \
	"$(png_size "$work/small.png")" "800 600"

tap_ok "wd_stop" wd_stop
tap_ok "no chromedriver or chromium of this test left" leftovers "$sid" "$wd_dir"
echo "# took $((SECONDS - start))s"
tap_done
