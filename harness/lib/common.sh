# shellcheck shell=bash
# Helpers shared by the rig's bash scripts: logging, the cache location,
# the Debian archive URL and the pinned kernel description.
#
# Sourced, never executed; callers already run with `set -euo pipefail`.

P2PRIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P2PRIG_CACHE=${P2PRIG_CACHE:-${HOME:-/root}/.cache/p2prig}
export P2PRIG_TOP P2PRIG_CACHE

# Colour only when the terminal is a tty.
if [[ -t 1 ]]; then
	_c_red=$'\e[31m' _c_grn=$'\e[32m' _c_yel=$'\e[33m' _c_off=$'\e[0m'
else
	_c_red='' _c_grn='' _c_yel='' _c_off=''
fi

log() { printf '[p2prig %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
warn() { printf '%s[p2prig] warning:%s %s\n' "$_c_yel" "$_c_off" "$*" >&2; }
die() {
	printf '%s[p2prig] error:%s %s\n' "$_c_red" "$_c_off" "$*" >&2
	exit 1
}
paint_verdict() {
	case $1 in
	pass) printf '%s%s%s' "$_c_grn" "$1" "$_c_off" ;;
	fail) printf '%s%s%s' "$_c_red" "$1" "$_c_off" ;;
	*) printf '%s%s%s' "$_c_yel" "$1" "$_c_off" ;;
	esac
}

# The Debian archive this machine's apt already uses, so that a lab with a
# local mirror needs no change here. P2PRIG_MIRROR overrides it.
debian_mirror() {
	if [[ -n ${P2PRIG_MIRROR:-} ]]; then
		printf '%s\n' "${P2PRIG_MIRROR%/}"
		return
	fi
	local uri
	uri=$({
		# deb822 files: the URIs line of a stanza whose suites are not security.
		for f in /etc/apt/sources.list.d/*.sources; do
			[[ -r $f ]] || continue
			awk 'BEGIN { RS = ""; FS = "\n" }
			     /Suites:/ && !/-security/ && /Types:[^\n]*deb( |$|\n)/ {
				for (i = 1; i <= NF; i++)
					if ($i ~ /^URIs:/) { split($i, a, " "); print a[2] }
			     }' "$f"
		done
		# one-line format
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[[ -r $f ]] || continue
			awk '$1 == "deb" && $0 !~ /security/ {
				for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break }
			     }' "$f"
		done
	} | grep -m1 -E '/debian/?$' || true)
	[[ -n $uri ]] || die "no Debian archive found in /etc/apt (set P2PRIG_MIRROR=URL)"
	printf '%s\n' "${uri%/}"
}

# apt_private SUITE ARGS...: apt-get against one suite with its own list
# and state folders in the cache, leaving the host's apt untouched.
# apt_cache_private SUITE ARGS...: apt-cache on the same lists.
apt_private() { _apt_private apt-get "$@"; }
apt_cache_private() { _apt_private apt-cache "$@"; }
_apt_private() {
	local tool=$1 suite=$2
	shift 2
	local dir="$P2PRIG_CACHE/apt/$suite"
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/cache"
	if [[ ! -s $dir/sources.list ]]; then
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$(debian_mirror)" "$suite" >"$dir/sources.list"
	fi
	"$tool" -q \
		-o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o Dir::Cache::Archives="$dir/archives" \
		-o Dir::State::Status=/dev/null \
		-o APT::Architecture=amd64 \
		-o APT::Sandbox::User=root \
		"$@"
}

# Pinned kernel: harness/vlab/kernels/<version>.pin holds KEY=VALUE lines.
kernel_pin_file() {
	local ver=$1 f="$P2PRIG_TOP/harness/vlab/kernels/$1.pin"
	if [[ ! -r $f ]]; then
		local known
		known=$(find "$P2PRIG_TOP/harness/vlab/kernels" -name "*.pin" -printf "%f\n" | sed "s/\.pin$//" | sort | tr "\n" " ")
		die "unknown guest kernel '$ver' (pinned: ${known% }; or one the rig builds: src:VERSION[+debug], tree:PATH[+debug])"
	fi
	printf '%s\n' "$f"
}

# Load a pin into variables PIN_*; only KEY=VALUE lines are accepted.
# A spec of a kernel the rig builds (src:VER, tree:PATH: kbuild.sh) loads
# that kernel's fields instead, PIN_KIND=built; a pinned one is "debian".
load_kernel_pin() {
	local f line key
	if [[ $1 == src:* || $1 == tree:* ]]; then
		declare -F kbuild_load >/dev/null || die "kernel '$1': built kernels need harness/vlab/kbuild.sh"
		kbuild_load "$1"
		return
	fi
	# shellcheck disable=SC2034 # read by the vlab scripts
	PIN_KIND=debian PIN_SPEC=$1
	f=$(kernel_pin_file "$1")
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		key=${line%%=*}
		[[ $key =~ ^[A-Z_0-9]+$ && $line == *=* ]] || die "$f: bad line: $line"
		printf -v "PIN_$key" '%s' "${line#*=}"
	done <"$f"
}

# Seconds since the epoch with a fraction, for wall-time figures.
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# Where a front door's time went: phase_begin NAME … phase_end adds the wall
# time between them to NAME (phase_add NAME SECONDS adds a measured one);
# phase_report prints them in the order first seen, with the total since
# the first phase began. Phases do not nest.
P2PRIG_PHASE_NAMES=()
declare -A P2PRIG_PHASE_S=()
P2PRIG_PHASE_OPEN="" P2PRIG_PHASE_T0="" P2PRIG_PHASES_T0=""
phase_add() {
	[[ -v "P2PRIG_PHASE_S[$1]" ]] || { P2PRIG_PHASE_NAMES+=("$1"); P2PRIG_PHASE_S[$1]=0; }
	P2PRIG_PHASE_S[$1]=$(awk -v a="${P2PRIG_PHASE_S[$1]}" -v b="$2" 'BEGIN { printf "%.1f", a + b }')
}
phase_begin() {
	P2PRIG_PHASE_OPEN=$1 P2PRIG_PHASE_T0=$(now_s)
	P2PRIG_PHASES_T0=${P2PRIG_PHASES_T0:-$P2PRIG_PHASE_T0}
}
phase_end() {
	[[ -n $P2PRIG_PHASE_OPEN ]] || return 0
	phase_add "$P2PRIG_PHASE_OPEN" "$(elapsed "$P2PRIG_PHASE_T0")"
	P2PRIG_PHASE_OPEN=""
}
phase_report() {
	local name line=""
	[[ -n $P2PRIG_PHASES_T0 ]] || return 0
	for name in "${P2PRIG_PHASE_NAMES[@]}"; do
		line+="${line:+, }$name ${P2PRIG_PHASE_S[$name]} s"
	done
	log "time: $line; total $(elapsed "$P2PRIG_PHASES_T0") s"
}
