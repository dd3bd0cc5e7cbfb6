# shellcheck shell=bash
# The report as a reader sees it: rendered by headless Chromium (through
# tests/lib/webdriver.sh), the facts below measured in the live page.
# Sourced after tap.sh and webdriver.sh; the caller traps wd_stop.

# What the page shows: the verdict, and for each chart its drawn size and
# how many of its data marks the browser laid out with a length > 0.
REPORT_FACTS_JS='
const v = document.querySelector("#verdict");
return {
  verdict: v ? v.dataset.verdict : null,
  heading: v ? v.querySelector("h2").textContent : null,
  verdict_height: v ? v.getBoundingClientRect().height : 0,
  charts: [...document.querySelectorAll("svg.chart")].map(s => {
    const box = s.getBoundingClientRect();
    // gnuplot draws axes and grid in black and gray, the data in colour:
    // lines as stroked paths, histogram bars as filled polygons.
    const data = [...s.querySelectorAll("path[stroke^=\"rgb\"], polygon[fill^=\"rgb\"]")];
    return { name: s.dataset.chart, width: box.width, height: box.height,
             paths: s.querySelectorAll("path").length,
             data: data.filter(e => e.getTotalLength() > 0).length };
  }),
  links: document.querySelectorAll("a[href$=\"serial.log\"]").length,
  scripts: document.scripts.length
};'

# report_facts INDEX_HTML SCREENSHOT: REPORT_FACTS as JSON on stdout, and the
# page's screenshot; the browser must already run (wd_start).
report_facts() {
	wd_open "$1" >/dev/null && wd_exec "$REPORT_FACTS_JS" && wd_screenshot "$2"
}

# report_chart_drawn FACTS NAME: chart NAME is on the page, has a size, and
# data were drawn: two marks in colour (lines, bars) with a length.
report_chart_drawn() {
	jq -e --arg n "$2" '[.charts[] | select(.name == $n and .width > 100 and .height > 50 and .data >= 2)]
		| length == 1' <<<"$1" >/dev/null
}
