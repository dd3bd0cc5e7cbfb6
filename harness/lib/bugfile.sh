# shellcheck shell=bash
# The bug corpus's entries (bugs/README.md): one folder per bug, its `bug`
# file read here. Every error of a file is reported as FILE:LINE: what was
# expected, before anything is built.
#
#   bug_parse DIR   sets BUG_ID BUG_DESCRIBE BUG_FIX_HASH BUG_FIX_VERSION
#                   BUG_FIX_SUBJECT BUG_KERNEL BUG_CHECK_KIND BUG_CHECK_WHAT
#                   BUG_CHECK_ARGS BUG_CONFIG BUG_CATCH BUG_NOT_OBSERVABLE BUG_PATCH;
#                   prints the errors and returns 1 on any
#
# Sourced after common.sh.
# shellcheck disable=SC2034 # the BUG_ variables are the caller's

BUG_DEFAULT_KERNEL=src:7.3.4+debug

bug_parse() {
	local dir=${1%/} file lineno=0 line keyword rest errors=0 seen=" "
	file=$dir/bug
	# Said relative to the corpus's parent: bugs/ID/bug.
	local top
	top=$(dirname "$(dirname "$dir")")
	BUG_ID=$(basename "$dir")
	BUG_DESCRIBE="" BUG_FIX_HASH="" BUG_FIX_VERSION="" BUG_FIX_SUBJECT=""
	BUG_KERNEL=$BUG_DEFAULT_KERNEL BUG_CHECK_KIND="" BUG_CHECK_WHAT="" BUG_CHECK_ARGS="" BUG_CONFIG=""
	BUG_CATCH="" BUG_NOT_OBSERVABLE="" BUG_PATCH=$dir/reintroduce.patch

	_bug_err() {
		local where=${file#"$top"/}
		[[ $1 == 0 ]] || where+=:$1
		printf '%s: %s\n' "$where" "$2" >&2
		errors=$((errors + 1))
	}
	[[ $BUG_ID =~ ^[a-z0-9][a-z0-9-]*$ ]] || _bug_err 0 "folder name '$BUG_ID': expected [a-z0-9][a-z0-9-]*"
	[[ -f $file ]] || { _bug_err 0 "no such file: every entry has a bug file (bugs/README.md)"; return 1; }
	[[ -s $BUG_PATCH ]] || _bug_err 0 "expected ${BUG_PATCH#"$top"/}, the patch that puts the bug back"
	[[ -s $dir/README.md ]] || _bug_err 0 "expected ${dir#"$top"/}/README.md: symptom, upstream fix, why the check catches it"

	while IFS= read -r line || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		line=${line%"${line##*[![:space:]]}"}
		[[ -n ${line//[[:space:]]/} ]] || continue
		read -r keyword rest <<<"$line"
		if [[ $seen == *" $keyword "* ]]; then
			_bug_err "$lineno" "'$keyword' again: once per entry"
			continue
		fi
		seen+="$keyword "
		case $keyword in
		describe)
			[[ -n $rest ]] || _bug_err "$lineno" "describe: expected one sentence"
			BUG_DESCRIBE=$rest
			;;
		fixed-by)
			if [[ $rest =~ ^(none|[0-9a-f]{12,40})[[:space:]]+(v[0-9]+\.[0-9]+(-rc[0-9]+)?|-)[[:space:]]+(.+)$ ]]; then
				BUG_FIX_HASH=${BASH_REMATCH[1]} BUG_FIX_VERSION=${BASH_REMATCH[2]}
				BUG_FIX_SUBJECT=${BASH_REMATCH[4]}
			else
				_bug_err "$lineno" "fixed-by: expected HASH (12+ hex digits, or none) VERSION (v6.18-rc8, or -) SUBJECT, not '$rest'"
			fi
			;;
		kernel)
			[[ $rest =~ ^(src|tree):[^[:space:]]+$ ]] ||
				_bug_err "$lineno" "kernel: expected a kernel the rig builds (src:VERSION[+FRAGMENT] or tree:PATH), not '$rest'"
			BUG_KERNEL=$rest
			;;
		check) _bug_parse_check "$lineno" "$rest" ;;
		config)
			[[ $rest =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ && -f $P2PRIG_TOP/configs/${rest}_defconfig ]] ||
				_bug_err "$lineno" "config: expected a rig config, configs/NAME_defconfig, not '$rest'"
			BUG_CONFIG=$rest
			;;
		catch)
			if [[ -z $rest ]]; then
				_bug_err "$lineno" "catch: expected an extended regex"
			elif grep -qE -- "$rest" </dev/null 2>/dev/null || [[ $? == 1 ]]; then
				BUG_CATCH=$rest
			else
				_bug_err "$lineno" "catch: '$rest' is not a valid extended regex"
			fi
			;;
		not-observable)
			[[ -n $rest ]] || _bug_err "$lineno" "not-observable: expected why nothing here can show the bug"
			BUG_NOT_OBSERVABLE=$rest
			;;
		*)
			_bug_err "$lineno" "unknown keyword '$keyword': expected describe, fixed-by, kernel, config, check, catch or not-observable"
			;;
		esac
	done <"$file"

	[[ -n $BUG_DESCRIBE ]] || _bug_err "$lineno" "expected a describe line"
	[[ -n $BUG_FIX_HASH ]] || _bug_err "$lineno" "expected a fixed-by line"
	if [[ -n $BUG_NOT_OBSERVABLE ]]; then
		[[ -z $BUG_CHECK_KIND$BUG_CATCH ]] ||
			_bug_err "$lineno" "not-observable excludes check and catch: an entry is checked or explained, not both"
	elif [[ -z $BUG_CHECK_KIND || -z $BUG_CATCH ]]; then
		_bug_err "$lineno" "expected check and catch lines (or not-observable with the reason)"
	fi
	unset -f _bug_err
	((errors == 0))
}

# _bug_parse_check LINENO REST: scenario FILE | guest-test NAME [ARG...]
_bug_parse_check() {
	local lineno=$1 kind what args
	read -r kind what args <<<"$2"
	case $kind in
	scenario)
		if [[ -z $what || -n $args ]]; then
			_bug_err "$lineno" "check scenario: expected one file (in the entry's folder, else scenarios/)"
		elif [[ -f $dir/$what ]]; then
			BUG_CHECK_WHAT=$(realpath "$dir/$what")
		elif [[ -f $P2PRIG_TOP/scenarios/$what && $what != */* ]]; then
			BUG_CHECK_WHAT=$P2PRIG_TOP/scenarios/$what
		else
			_bug_err "$lineno" "check scenario: no file '$what' in ${dir#"$top"/} or scenarios/"
		fi
		;;
	guest-test)
		if [[ ! $what =~ ^kmod-[a-z0-9-]+$ ]]; then
			_bug_err "$lineno" "check guest-test: expected a program kmod-NAME (tests/kmod), not '$what'"
		elif [[ ! $args =~ ^[A-Za-z0-9_.:\ -]*$ ]]; then
			_bug_err "$lineno" "check guest-test: the kselftest arguments may hold letters, digits, _ . : - and blanks, not '$args'"
		else
			BUG_CHECK_WHAT=$what BUG_CHECK_ARGS=$args
		fi
		;;
	*)
		_bug_err "$lineno" "check: expected 'scenario FILE' or 'guest-test NAME [ARG...]', not '$2'"
		return
		;;
	esac
	BUG_CHECK_KIND=$kind
}
