# shellcheck shell=bash
# Drive Debian's headless Chromium through chromedriver's W3C WebDriver HTTP
# API with curl and jq: render an HTML report in a real browser, run
# JavaScript in the page, take a screenshot.
#
#   source tests/lib/webdriver.sh
#   trap wd_stop EXIT     # always: a failing test must not leave a browser
#   wd_start || exit 1    # chromedriver + one chromium session, 1280x2000
#   wd_open "file://$PWD/report.html"
#   wd_exec 'return document.title'     # prints the JSON value: "Report"
#   wd_screenshot out.png && png_size out.png    # prints: 1280 2000
#
# One session per shell. The functions never rely on `set -e` (tap_ok runs
# them inside an `if`, where it is off): every failure is checked, named on
# stderr and returned.
#
# Knobs: WD_CHROMIUM, WD_CHROMEDRIVER (the Debian paths by default),
# WD_START_TIMEOUT (seconds for chromedriver to answer ready),
# WD_HTTP_TIMEOUT (seconds for one WebDriver command).

WD_CHROMIUM=${WD_CHROMIUM:-/usr/bin/chromium}
WD_CHROMEDRIVER=${WD_CHROMEDRIVER:-/usr/bin/chromedriver}
WD_START_TIMEOUT=${WD_START_TIMEOUT:-30}
WD_HTTP_TIMEOUT=${WD_HTTP_TIMEOUT:-60}

# The machine reaches no network: without the background-networking flags
# Chromium keeps retrying refused connections. As root it needs --no-sandbox.
WD_CHROMIUM_FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic
	--no-first-run --disable-background-networking --disable-component-update
	--disable-sync)

# wd_available: chromium, chromedriver, curl and jq are all here.
wd_available() {
	[[ -x $WD_CHROMIUM && -x $WD_CHROMEDRIVER ]] &&
		command -v curl >/dev/null && command -v jq >/dev/null
}

# wd_start [WIDTH HEIGHT]: start chromedriver on a free local port and open a
# browser session whose viewport (and so every screenshot) is WIDTH x HEIGHT,
# 1280 x 2000 by default. Sets WD_DIR, WD_PORT, WD_SID and WD_SESSION.
wd_start() {
	local width=${1:-1280} height=${2:-2000}
	if [[ -n ${WD_DIR-} ]]; then
		echo "wd_start: a session is already running here (wd_stop first)" >&2
		return 1
	fi
	wd_available || {
		echo "wd_start: needs $WD_CHROMIUM, $WD_CHROMEDRIVER, curl and jq" >&2
		return 1
	}
	WD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/p2prig-wd.XXXXXX") || return 1
	mkdir -p "$WD_DIR/home/.config" "$WD_DIR/home/.cache" "$WD_DIR/profile"
	if _wd_start_driver && _wd_new_session "$width" "$height" &&
		wd_window_size "$width" "$height"; then
		return 0
	fi
	wd_stop
	return 1
}

# _wd_start_driver: up to five random ports; another server may take a port
# between our look and chromedriver's bind, and then chromedriver exits.
_wd_start_driver() {
	local try rc
	for try in 1 2 3 4 5; do
		WD_PORT=$(_wd_pick_port) || continue
		_wd_launch || return 1
		rc=0
		_wd_wait_ready || rc=$?
		((rc == 0)) && return 0
		_wd_end_processes || return 1
		wait "$WD_LAUNCHER" 2>/dev/null || true
		if ((rc == 2)) && grep -q 'port not available' "$WD_DIR/chromedriver.out"; then
			echo "# webdriver: port $WD_PORT was taken (try $try), another one" >&2
			continue
		fi
		if ((rc == 2)); then
			echo "wd_start: chromedriver on port $WD_PORT exited:" >&2
			sed 's/^/#   /' "$WD_DIR/chromedriver.out" >&2
		fi
		return 1
	done
	echo "wd_start: no free port for chromedriver after 5 tries" >&2
	return 1
}

# _wd_pick_port: a random unprivileged port nothing answers on.
_wd_pick_port() {
	local port=$((20000 + RANDOM % 40000))
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		return 1
	fi
	echo "$port"
}

# _wd_supervise OWNER PIDFILE CMD...: runs as the leader of a new session
# (setsid), so chromedriver and every chromium it forks share one session
# that wd_stop can end by its id. It also ends that session itself when
# OWNER, the test's shell, is gone without wd_stop (a SIGKILL runs no
# trap), and removes WD_DIR, the folder of PIDFILE, as wd_stop would.
_wd_supervise() {
	local owner=$1 pidfile=$2 driver
	shift 2
	echo "$BASHPID" >"$pidfile"
	"$@" &
	driver=$!
	while kill -0 "$owner" 2>/dev/null && kill -0 "$driver" 2>/dev/null; do
		sleep 1
	done
	if kill -0 "$driver" 2>/dev/null; then
		trap '' TERM
		kill -TERM -- "-$BASHPID"
		sleep 2
		rm -rf "${pidfile%/*}"
		kill -KILL -- "-$BASHPID"
	fi
	wait "$driver"
}

# _wd_launch: chromedriver under _wd_supervise on WD_PORT. HOME points into
# WD_DIR because chrome_crashpad_handler keeps its database under
# ~/.config/chromium whatever --user-data-dir says.
_wd_launch() {
	# The owner is taken here: `cmd &` expands its words after the fork.
	local pidfile=$WD_DIR/session.pid owner=$BASHPID i
	rm -f "$pidfile"
	HOME=$WD_DIR/home XDG_CONFIG_HOME=$WD_DIR/home/.config \
		XDG_CACHE_HOME=$WD_DIR/home/.cache \
		setsid -w bash -c "$(declare -f _wd_supervise)"'; _wd_supervise "$@"' \
		_wd_supervise "$owner" "$pidfile" "$WD_CHROMEDRIVER" \
		--port="$WD_PORT" --log-path="$WD_DIR/chromedriver.log" \
		</dev/null >"$WD_DIR/chromedriver.out" 2>&1 &
	WD_LAUNCHER=$!
	for ((i = 0; i < 50; i++)); do
		if [[ -s $pidfile ]]; then
			WD_SID=$(<"$pidfile")
			return 0
		fi
		sleep 0.1
	done
	echo "wd_start: the chromedriver supervisor did not start in 5s" >&2
	return 1
}

# _wd_wait_ready: until our chromedriver says it listens and /status says
# ready. Its own line comes first: a server that took the port before us
# would answer /status too. Returns 2 when chromedriver exited, 1 when it
# never got ready.
_wd_wait_ready() {
	local deadline=$((SECONDS + WD_START_TIMEOUT))
	while ((SECONDS < deadline)); do
		if ! kill -0 "$WD_LAUNCHER" 2>/dev/null; then
			return 2
		fi
		if grep -q 'started successfully' "$WD_DIR/chromedriver.out" &&
			curl -sf --max-time 2 "http://127.0.0.1:$WD_PORT/status" 2>/dev/null |
			jq -e '.value.ready == true' >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	echo "wd_start: chromedriver on port $WD_PORT not ready after ${WD_START_TIMEOUT}s" >&2
	return 1
}

# _wd_new_session WIDTH HEIGHT: a fresh profile in WD_DIR, nothing shared
# with another run or the user's own Chromium.
_wd_new_session() {
	local body
	# One flag a line: jq 1.6 reads "--headless" after --args as its option.
	body=$(printf '%s\n' "${WD_CHROMIUM_FLAGS[@]}" "--window-size=$1,$2" \
		"--user-data-dir=$WD_DIR/profile" |
		jq -Rn --arg bin "$WD_CHROMIUM" '{capabilities: {alwaysMatch: {
			browserName: "chrome",
			"goog:chromeOptions": {binary: $bin, args: [inputs]}}}}') || return 1
	_wd_call POST /session "$body" || return 1
	WD_SESSION=$(jq -r '.value.sessionId // empty' "$WD_DIR/reply.json")
	if [[ -z $WD_SESSION ]]; then
		echo "wd_start: POST /session answered no sessionId" >&2
		return 1
	fi
}

# _wd_call METHOD PATH [JSON]: one WebDriver command; the reply is left in
# WD_DIR/reply.json. Fails naming the command and what went wrong: curl's
# error, or the HTTP status with the WebDriver error and its message.
_wd_call() {
	local method=$1 path=$2 body=${3-} code rc=0 msg
	local -a data=()
	if [[ -z ${WD_PORT-} ]]; then
		echo "webdriver: $method $path: no session (wd_start first)" >&2
		return 1
	fi
	[[ -n $body ]] && data=(-H 'Content-Type: application/json' --data-binary @-)
	code=$(curl -sS --max-time "$WD_HTTP_TIMEOUT" -X "$method" "${data[@]}" \
		-o "$WD_DIR/reply.json" -w '%{http_code}' \
		"http://127.0.0.1:$WD_PORT$path" <<<"$body" 2>"$WD_DIR/curl.err") || rc=$?
	if ((rc != 0)); then
		echo "webdriver: $method $path: curl failed ($rc): $(<"$WD_DIR/curl.err")" >&2
		return 1
	fi
	if [[ $code == 2?? ]] && ! jq -e '.value | objects | has("error")' \
		"$WD_DIR/reply.json" >/dev/null 2>&1; then
		return 0
	fi
	# The message's first line (chromedriver appends "(Session info: ...)"),
	# after the error's name unless the message starts with it already.
	# shellcheck disable=SC2016 # jq's own $variables
	local filter='.value | (.message // "") as $m | .error as $e |
		if $e == null or ($m | startswith($e)) then $m else "\($e): \($m)" end'
	msg=$(jq -r "$filter" "$WD_DIR/reply.json" 2>/dev/null | head -n 1) || msg=
	[[ -n $msg ]] || msg=$(head -c 300 "$WD_DIR/reply.json")
	echo "webdriver: $method $path: HTTP $code: $msg" >&2
	return 1
}

# _wd_session_call METHOD COMMAND [JSON]: _wd_call on /session/ID/COMMAND.
_wd_session_call() {
	if [[ -z ${WD_SESSION-} ]]; then
		echo "webdriver: $1 $2: no session (wd_start first)" >&2
		return 1
	fi
	_wd_call "$1" "/session/$WD_SESSION/$2" "${3-}"
}

# wd_open URL|FILE: load a page and wait for it (file:// URLs work; a path
# to an existing file is made one). Fails when Chromium shows its error page
# instead: navigating to a missing file is no WebDriver error.
wd_open() {
	local url=$1 body shown
	if [[ $url != *://* && -f $url ]]; then
		url="file://$(realpath "$url")" || return 1
	fi
	body=$(jq -n --arg url "$url" '{url: $url}') || return 1
	_wd_session_call POST url "$body" || return 1
	shown=$(wd_exec 'return document.URL') || return 1
	if [[ $shown == '"chrome-error:'* ]]; then
		echo "wd_open: $url did not load (Chromium shows its error page)" >&2
		return 1
	fi
}

# wd_exec SCRIPT: run SCRIPT synchronously in the page as the body of a
# function (so `return (...)` gives the result) and print the returned value
# as compact JSON. A JavaScript exception fails with its message on stderr.
wd_exec() {
	local body
	body=$(jq -n --arg script "$1" '{script: $script, args: []}') || return 1
	_wd_session_call POST execute/sync "$body" || return 1
	jq -c '.value' "$WD_DIR/reply.json"
}

# wd_screenshot FILE.png: the viewport as a PNG.
wd_screenshot() {
	local file=$1
	_wd_session_call GET screenshot || return 1
	if ! jq -r '.value' "$WD_DIR/reply.json" | base64 -d >"$file"; then
		echo "wd_screenshot: the reply's value is not base64" >&2
		return 1
	fi
	png_size "$file" >/dev/null
}

# wd_window_size WIDTH HEIGHT: make the viewport WIDTH x HEIGHT. Headless
# Chromium draws no frame yet keeps room for one (the window's inner height
# is 143 px less than its outer here), so the window is grown by that frame
# and the result checked.
wd_window_size() {
	local width=$1 height=$2 dims frame_w frame_h
	_wd_set_rect "$width" "$height" || return 1
	dims=$(wd_exec 'return (outerWidth - innerWidth) + " " +
		(outerHeight - innerHeight)') || return 1
	read -r frame_w frame_h < <(jq -r . <<<"$dims") || true
	_wd_set_rect "$((width + frame_w))" "$((height + frame_h))" || return 1
	dims=$(wd_exec 'return innerWidth + " " + innerHeight') || return 1
	if [[ $dims != "\"$width $height\"" ]]; then
		echo "wd_window_size: asked for a ${width}x$height viewport, got $dims" >&2
		return 1
	fi
}

# _wd_set_rect WIDTH HEIGHT: the window's outer size.
_wd_set_rect() {
	local body
	body=$(jq -n --argjson w "$1" --argjson h "$2" '{width: $w, height: $h}') ||
		return 1
	_wd_session_call POST window/rect "$body"
}

# png_size FILE: print "WIDTH HEIGHT" from the PNG's IHDR chunk; fails on a
# file that is not a PNG.
png_size() {
	local -a b
	if [[ ! -r $1 ]]; then
		echo "png_size: cannot read $1" >&2
		return 1
	fi
	read -r -a b < <(od -An -v -tu1 -w24 -N24 -- "$1" 2>/dev/null) || true
	if [[ ${#b[@]} -ne 24 || ${b[*]:0:8} != "137 80 78 71 13 10 26 10" ||
		${b[*]:12:4} != "73 72 68 82" ]]; then
		echo "png_size: $1 is not a PNG (no signature and IHDR)" >&2
		return 1
	fi
	echo "$((b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19]))" \
		"$((b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23]))"
}

# wd_stop: end the session, chromedriver and every chromium it started, and
# remove WD_DIR. Safe to call twice, before wd_start or after it failed, and
# from an EXIT trap. Fails only when a process outlived SIGKILL.
wd_stop() {
	local rc=0
	[[ -n ${WD_DIR-} ]] || return 0
	# Quitting the browser first lets it exit cleanly; signals do the rest.
	if [[ -n ${WD_SESSION-} ]]; then
		WD_HTTP_TIMEOUT=10 _wd_call DELETE "/session/$WD_SESSION" 2>/dev/null || true
	fi
	_wd_end_processes || rc=1
	if [[ -n ${WD_LAUNCHER-} ]]; then
		wait "$WD_LAUNCHER" 2>/dev/null || true
	fi
	rm -rf "$WD_DIR"
	unset WD_DIR WD_PORT WD_SID WD_SESSION WD_LAUNCHER
	return "$rc"
}

# _wd_end_processes: TERM, then KILL, what _wd_live_pids lists; each signal
# gets three seconds to work.
_wd_end_processes() {
	local sig pids i
	for sig in TERM KILL; do
		pids=$(_wd_live_pids)
		[[ -n $pids ]] || return 0
		# shellcheck disable=SC2086 # one pid per word
		kill -"$sig" $pids 2>/dev/null || true
		for ((i = 0; i < 30; i++)); do
			[[ -n $(_wd_live_pids) ]] || return 0
			sleep 0.1
		done
	done
	echo "wd_stop: still alive after SIGKILL: $(_wd_live_pids | tr '\n' ' ')" >&2
	return 1
}

# _wd_live_pids: live (not zombie) processes of this session: chromedriver's
# session, plus those that left it but name WD_DIR on their command line
# (chrome_crashpad_handler makes its own session; its database is in
# WD_DIR/home). The values go through the environment so that awk's own
# command line does not match.
_wd_live_pids() {
	[[ -n ${WD_DIR-} ]] || return 0
	ps -eo pid=,sess=,stat=,args= |
		WD_MATCH=$WD_DIR WD_SESS=${WD_SID:--1} awk '$3 !~ /^Z/ &&
			($2 == ENVIRON["WD_SESS"] || index($0, ENVIRON["WD_MATCH"])) { print $1 }'
}
