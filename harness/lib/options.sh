# shellcheck shell=bash
# take_options: the option loop of scripts whose every option takes one
# value (bench-nvme.sh, bench-rdma.sh). Source after common.sh (for die).
#
#   take_options "$usage" '--sizes sizes a list' '--repeats repeats a number' -- "$@"
#
# Each spec is OPTION VARIABLE WHAT: OPTION VALUE sets VARIABLE to VALUE; an
# OPTION without a value, or with an empty one, dies "OPTION needs WHAT";
# any other word dies with the usage.
take_options() {
	local _usage=$1 _spec _option _variable _what
	local -A _variable_of=() _what_of=()
	shift
	while [[ $# -gt 0 && $1 != -- ]]; do
		_spec=$1
		read -r _option _variable _what <<<"$_spec"
		_variable_of[$_option]=$_variable
		_what_of[$_option]=$_what
		shift
	done
	shift
	while [[ $# -gt 0 ]]; do
		[[ -n ${_variable_of[$1]:-} ]] || die "$_usage"
		[[ -n ${2:-} ]] || die "$1 needs ${_what_of[$1]}"
		printf -v "${_variable_of[$1]}" '%s' "$2"
		shift 2
	done
}
