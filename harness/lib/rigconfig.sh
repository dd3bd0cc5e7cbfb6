# shellcheck shell=bash
# Rig configuration (configs/Kconfig): pick the config a run uses, check it
# before anything builds or boots, resolve it with kconfig-conf into a full
# config, load that into RIG_* variables and describe the topology in one
# line.
#
#   rig_config_select CMDLINE_NAME SCENARIO_FILE   which config, by precedence
#   rig_config_resolve SOURCE OUT                  check + resolve; false on errors
#   rig_config_load RESOLVED                       RIG_<SYMBOL>=value
#   rig_topology_text                              the one-line description
#
# Every error names the file and line it comes from and all of them are
# printed, not just the first. Sourced; callers run with set -euo pipefail.

# shellcheck source=harness/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RIG_KCONFIG="$P2PRIG_TOP/configs/Kconfig"
RIG_DEFAULT_CONFIG=vlab-switch-iommu

# This checkout's own rig: .config, or KCONFIG_CONFIG as kconfig-frontends
# name it (relative to the checkout). The tests point it elsewhere so that
# a developer's .config never changes what they check.
rig_dot_config() {
	local file=${KCONFIG_CONFIG:-.config}
	[[ $file == /* ]] || file=$P2PRIG_TOP/$file
	printf '%s\n' "$file"
}

# What configs/Kconfig defines, filled once by rig_kconfig_index.
declare -gA RIG_KC_TYPE=() RIG_KC_PROMPT=() RIG_KC_RANGE=() RIG_KC_CHOICE=() RIG_KC_DEPENDS=()
declare -ga RIG_CHOICE_PROMPT=()

# Read configs/Kconfig into the RIG_KC_* tables: each symbol's type,
# whether a user may set it (has a prompt), its range, the choice it
# belongs to and the conditions it needs (its menus' and its own).
rig_kconfig_index() {
	[[ ${#RIG_KC_TYPE[@]} -eq 0 ]] || return 0
	local kind sym type prompt range choice depends
	while IFS='|' read -r kind sym type prompt range choice depends; do
		case $kind in
		sym)
			RIG_KC_TYPE[$sym]=$type
			RIG_KC_PROMPT[$sym]=$prompt
			RIG_KC_RANGE[$sym]=$range
			RIG_KC_CHOICE[$sym]=$choice
			RIG_KC_DEPENDS[$sym]=$depends
			;;
		choice) RIG_CHOICE_PROMPT[sym]=$type ;;
		esac
	done < <(awk '
		function flush() {
			if (sym != "") {
				deps = ""
				for (i = 1; i <= nmenu; i++) if (menudep[i] != "") deps = deps (deps ? " && " : "") menudep[i]
				if (dep != "") deps = deps (deps ? " && " : "") dep
				printf "sym|%s|%s|%d|%s|%s|%s\n", sym, type, prompt, range, inchoice ? nchoice : "", deps
			}
			sym = ""
		}
		{ sub(/^[ \t]+/, "") }
		/^#/ || /^$/ { next }
		$1 == "help" || $1 == "---help---" { flush(); inhelp = 1; next }
		inhelp && /^(config|menuconfig|choice|endchoice|menu|endmenu|comment|if|endif|source|mainmenu)( |$)/ { inhelp = 0 }
		inhelp { next }
		$1 == "config" || $1 == "menuconfig" {
			flush(); sym = $2; type = ""; prompt = 0; range = ""; dep = ""; inmenuhead = 0; next
		}
		$1 == "choice" { flush(); inchoice = 1; nchoice++; inchoicehead = 1; next }
		$1 == "endchoice" { flush(); inchoice = 0; next }
		$1 == "menu" { flush(); menudep[++nmenu] = ""; inmenuhead = 1; next }
		$1 == "endmenu" { flush(); nmenu--; inmenuhead = 0; next }
		$1 == "comment" || $1 == "mainmenu" || $1 == "source" { flush(); inmenuhead = 0; next }
		$1 == "prompt" && inchoicehead && sym == "" {
			p = $0; sub(/^prompt[ \t]+"/, "", p); sub(/"[ \t]*$/, "", p)
			printf "choice|%d|%s||||\n", nchoice, p; inchoicehead = 0; next
		}
		$1 == "depends" && inmenuhead {
			d = $0; sub(/^depends[ \t]+on[ \t]+/, "", d); menudep[nmenu] = d; next
		}
		sym == "" { next }
		$1 ~ /^(bool|tristate|int|hex|string)$/ { type = $1; if (NF > 1) prompt = 1; next }
		$1 == "prompt" { prompt = 1; next }
		$1 == "range" { range = $2 " " $3; next }
		$1 == "depends" { d = $0; sub(/^depends[ \t]+on[ \t]+/, "", d); dep = dep (dep ? " && " : "") d; next }
		END { flush() }
	' "$RIG_KCONFIG")
	[[ ${#RIG_KC_TYPE[@]} -gt 0 ]] || die "$RIG_KCONFIG: no options found"
}

# How a file is named in messages: relative to the checkout when inside it.
rig_path_shown() {
	local path
	path=$(realpath -m "$1")
	printf '%s\n' "${path#"$P2PRIG_TOP"/}"
}

# The defconfigs in configs/, by name, one a line.
rig_config_names() {
	find "$P2PRIG_TOP/configs" -maxdepth 1 -name '*_defconfig' -printf '%f\n' |
		sed 's/_defconfig$//' | sort
}

# rig_config_file NAME|PATH: print the file a config name means, or fail
# with the known names.
rig_config_file() {
	local name=$1
	if [[ $name == */* ]]; then
		[[ -f $name ]] || { echo "no config file '$name'" >&2; return 1; }
		realpath "$name"
		return
	fi
	local file="$P2PRIG_TOP/configs/${name}_defconfig"
	if [[ ! $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ || ! -f $file ]]; then
		echo "unknown config '$name' (known: $(rig_config_names | tr '\n' ' ' | sed 's/ $//'))" >&2
		return 1
	fi
	printf '%s\n' "$file"
}

# rig_config_select CMDLINE_NAME SCENARIO_FILE: choose the config of a run
# by precedence: config= on the command line, the scenario's `config NAME`
# line, this checkout's .config (rig_dot_config), the default defconfig. Sets
# RIG_CONFIG_NAME, RIG_CONFIG_SRC (the file) and RIG_CONFIG_FROM (why).
# shellcheck disable=SC2034 # read by the callers
rig_config_select() {
	local cmdline=$1 scenario=${2:-} line=""
	RIG_SCENARIO_FILE=$scenario # rig_check_tree holds the tree to its devices
	if [[ -n $scenario && -r $scenario ]]; then
		line=$(awk '$1 == "config" { print NR, $2; exit }' "$scenario")
	fi
	if [[ -n $cmdline ]]; then
		RIG_CONFIG_SRC=$(rig_config_file "$cmdline") || return 1
		RIG_CONFIG_FROM="config= on the command line"
	elif [[ -n $line ]]; then
		local lineno=${line%% *} name=${line#* }
		if ! RIG_CONFIG_SRC=$(rig_config_file "$name" 2>&1); then
			echo "$(rig_path_shown "$scenario"):$lineno: $RIG_CONFIG_SRC" >&2
			return 1
		fi
		RIG_CONFIG_FROM="$(rig_path_shown "$scenario"):$lineno"
		cmdline=$name
	elif [[ -f $(rig_dot_config) ]]; then
		RIG_CONFIG_SRC=$(rig_dot_config)
		RIG_CONFIG_NAME=$(basename "$RIG_CONFIG_SRC")
		RIG_CONFIG_FROM="this checkout's $RIG_CONFIG_NAME"
		return 0
	else
		RIG_CONFIG_SRC=$(rig_config_file "$RIG_DEFAULT_CONFIG") || return 1
		RIG_CONFIG_FROM="the default (no .config)"
		cmdline=$RIG_DEFAULT_CONFIG
	fi
	RIG_CONFIG_NAME=$(basename "$cmdline")
	RIG_CONFIG_NAME=${RIG_CONFIG_NAME%_defconfig}
}

# --- checks -----------------------------------------------------------------

RIG_ERRORS=()
# rig_error FILE LINE SYMBOL VALUE MESSAGE: one error, as file:line: CONFIG_X=v: message.
# LINE is empty for a value that came from a default.
rig_error() {
	local where origin=""
	where=$(rig_path_shown "$1")
	if [[ -n $2 ]]; then where+=":$2"; else origin=" (default)"; fi
	if [[ -n $3 ]]; then
		RIG_ERRORS+=("$where: CONFIG_$3=$4$origin: $5")
	else
		RIG_ERRORS+=("$where: $5")
	fi
}

rig_is_power_of_two() { [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0 && ($1 & ($1 - 1)) == 0)); }

# A device as a lab engineer writes it: a PCI address (0000:41:00.0 or
# 41:00.0), a vendor:device ID (15b3:101d), or the runner's own slot=/id=
# selector. Prints the runner's selector.
rig_lab_selector() {
	local v=$1 hex='[0-9a-fA-F]'
	if [[ $v =~ ^slot=(.*)$ ]]; then v=${BASH_REMATCH[1]}; fi
	if [[ $v =~ ^($hex{4}:)?$hex{2}:$hex{2}\.[0-7]$ ]]; then
		printf 'slot=%s\n' "$v"
	elif [[ $v =~ ^(id=)?($hex{4}:$hex{4})$ ]]; then
		printf 'id=%s\n' "${BASH_REMATCH[2]}"
	else
		return 1
	fi
}

# rig_check_value SYMBOL VALUE: the rules Kconfig cannot say; prints the
# complaint, if any.
rig_check_value() {
	local sym=$1 value=$2 word
	case $sym in
	VLAB_CMB_MB)
		rig_is_power_of_two "$value" && ((value >= 2)) ||
			echo "the CMB size must be a power of two >= 2 MiB (the nvme driver only publishes 2 MiB-aligned CMBs)"
		;;
	VLAB_IVSHMEM_MB)
		rig_is_power_of_two "$value" ||
			echo "the ivshmem size must be a power of two (it is the size of a PCI BAR)"
		;;
	LAB_PROVIDER | LAB_INITIATOR | LAB_NIC | LAB_BAR_PROVIDER)
		[[ -z $value ]] || rig_lab_selector "$value" >/dev/null ||
			echo "not a PCI address (0000:41:00.0) or vendor:device ID (15b3:101d)"
		;;
	LAB_SCRATCH_NAMESPACES)
		for word in $value; do
			[[ $word =~ ^[^:[:space:]]+:[1-9][0-9]*$ ]] ||
				{ echo "'$word' is not SERIAL:NSID (the controller's serial as nvme list prints it, a namespace ID from 1)"; return; }
		done
		;;
	RUN_METHODS)
		for word in $value; do
			[[ $word =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "'$word' is not a method name (mmio, resource)"; return; }
		done
		[[ -n ${value// /} ]] || echo "name at least one method (mmio, resource)"
		;;
	RUN_SIZES)
		for word in $value; do
			[[ $word =~ ^[1-9][0-9]*[KMG]?$ ]] || { echo "'$word' is not a size (4K, 1M: digits and an upper-case K, M or G)"; return; }
		done
		[[ -n ${value// /} ]] || echo "name at least one size"
		;;
	esac
}

# rig_check_source FILE: the file as written, line by line, before kconfig
# sees it (kconfig-conf only warns about unknown options and silently drops
# values it does not like). Fills RIG_SRC_LINE, RIG_SRC_VALUE and
# RIG_SRC_ORDER (the options in line order).
declare -gA RIG_SRC_LINE=() RIG_SRC_VALUE=()
declare -ga RIG_SRC_ORDER=()
# shellcheck disable=SC2094 # rig_error only names the file it reads
rig_check_source() {
	local file=$1 n=0 line sym value type range lo hi complaint
	local -A chosen=()
	RIG_SRC_LINE=() RIG_SRC_VALUE=() RIG_SRC_ORDER=()
	rig_kconfig_index
	# A binary file would otherwise read as an empty config, or be echoed back raw.
	local binary
	binary=$(LC_ALL=C grep -naP -m1 '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]' "$file" | cut -d: -f1)
	if [[ -n $binary ]]; then
		rig_error "$file" "$binary" "" "" "not text: a control byte (a config is a plain text file of CONFIG_NAME=VALUE lines)"
		return
	fi
	if ! grep -qE '^(CONFIG_|# CONFIG_|# Help:)' "$file"; then
		rig_error "$file" 1 "" "" "empty config: no CONFIG_ option and no '# Help:' line (to use the defaults, name the default rig: config=$RIG_DEFAULT_CONFIG)"
		return
	fi
	if [[ $file == *_defconfig ]] && ! head -n 1 "$file" | grep -qE '^# Help: *[^[:space:]]'; then
		rig_error "$file" 1 "" "" "a defconfig starts with a line '# Help: what this rig is' (make help lists it)"
	fi
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		line=${line%$'\r'}
		if [[ $line =~ ^[[:space:]]*$ ]]; then
			continue
		elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]} value=n
		elif [[ $line == \#* ]]; then
			continue
		elif [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
		else
			rig_error "$file" "$n" "" "" "expected CONFIG_NAME=VALUE, '# CONFIG_NAME is not set' or a # comment, not '$line'"
			continue
		fi
		type=${RIG_KC_TYPE[$sym]:-}
		if [[ -z $type ]]; then
			rig_error "$file" "$n" "$sym" "$value" "unknown option: configs/Kconfig defines no $sym"
			continue
		fi
		if [[ -n ${RIG_SRC_LINE[$sym]:-} ]]; then
			rig_error "$file" "$n" "$sym" "$value" "set again (first at line ${RIG_SRC_LINE[$sym]})"
			continue
		fi
		RIG_SRC_LINE[$sym]=$n
		case $type in
		bool)
			[[ $value == [yn] ]] || { rig_error "$file" "$n" "$sym" "$value" "a yes/no option takes y or n"; continue; }
			;;
		int)
			# No leading zeros: bash would read 064 as octal, kconfig as decimal.
			if [[ ! $value =~ ^(0|-?[1-9][0-9]{0,8})$ ]]; then
				rig_error "$file" "$n" "$sym" "$value" "not a number (decimal digits, no leading zero)"
				continue
			fi
			range=${RIG_KC_RANGE[$sym]}
			if [[ -n $range ]]; then
				lo=${range% *} hi=${range#* }
				if ((value < lo || value > hi)); then
					# The specific rule says more than the range when both fail.
					complaint=$(rig_check_value "$sym" "$value")
					rig_error "$file" "$n" "$sym" "$value" "${complaint:-out of range $lo..$hi}"
					continue
				fi
			fi
			;;
		string)
			if [[ ! $value =~ ^\"([^\"\\]|\\.)*\"$ ]]; then
				rig_error "$file" "$n" "$sym" "$value" "a text option needs double quotes: CONFIG_$sym=\"...\""
				continue
			fi
			value=${value:1:-1}
			value=${value//\\\"/\"}
			value=${value//\\\\/\\}
			;;
		esac
		RIG_SRC_VALUE[$sym]=$value
		RIG_SRC_ORDER+=("$sym")
		complaint=$(rig_check_value "$sym" "$value")
		[[ -z $complaint ]] || rig_error "$file" "$n" "$sym" "$value" "$complaint"
		local choice=${RIG_KC_CHOICE[$sym]}
		if [[ -n $choice && $value == y ]]; then
			if [[ -n ${chosen[$choice]:-} ]]; then
				rig_error "$file" "$n" "$sym" "$value" \
					"\"${RIG_CHOICE_PROMPT[$choice]}\" is already chosen by ${chosen[$choice]}; keep one"
			else
				chosen[$choice]="CONFIG_$sym=y at line $n"
			fi
		fi
	done <"$file"
}

# rig_read_config FILE: a kconfig-written file as SYMBOL<tab>value lines
# (strings unquoted, "is not set" as n).
rig_read_config() {
	local line value
	while IFS= read -r line; do
		if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=\"(.*)\"$ ]]; then
			value=${BASH_REMATCH[2]}
			value=${value//\\\"/\"}
			printf '%s\t%s\n' "${BASH_REMATCH[1]}" "${value//\\\\/\\}"
		elif [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
			printf '%s\t%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
		elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			printf '%s\tn\n' "${BASH_REMATCH[1]}"
		fi
	done <"$1"
}

# rig_check_taken SOURCE RESOLVED: every option the source sets must come
# out of kconfig-conf unchanged; kconfig drops what does not apply (an
# option of the other rig kind, a computed option) without an error.
rig_check_taken() {
	local src=$1 sym want value
	local -A got=()
	while IFS=$'\t' read -r sym value; do got[$sym]=$value; done < <(rig_read_config "$2")
	for sym in "${RIG_SRC_ORDER[@]}"; do
		want=${RIG_SRC_VALUE[$sym]}
		if [[ -z ${got[$sym]+set} ]]; then
			[[ $want == n || $want == "" ]] && continue
			if [[ ${RIG_KC_PROMPT[$sym]} == 0 ]]; then
				rig_error "$src" "${RIG_SRC_LINE[$sym]}" "$sym" "$want" \
					"computed from the options before it in configs/Kconfig; set those instead"
			else
				rig_error "$src" "${RIG_SRC_LINE[$sym]}" "$sym" "$want" \
					"has no effect in this rig: it applies only with $(sed -E 's/\<[A-Z][A-Z0-9_]*\>/CONFIG_&/g' <<<"${RIG_KC_DEPENDS[$sym]:-another option}")"
			fi
		elif [[ ${got[$sym]} != "$want" ]]; then
			if [[ ${RIG_KC_PROMPT[$sym]} == 0 ]]; then
				rig_error "$src" "${RIG_SRC_LINE[$sym]}" "$sym" "$want" \
					"computed from the options before it in configs/Kconfig (here '${got[$sym]}'); set those instead"
			else
				rig_error "$src" "${RIG_SRC_LINE[$sym]}" "$sym" "$want" \
					"kconfig resolved it to '${got[$sym]}'"
			fi
		fi
	done
}

# rig_config_load RESOLVED: RIG_<SYMBOL>=value for every option of the
# rig; options that do not apply are unset.
rig_config_load() {
	local sym value
	rig_kconfig_index
	for sym in "${!RIG_KC_TYPE[@]}"; do unset "RIG_$sym"; done
	while IFS=$'\t' read -r sym value; do
		[[ -n ${RIG_KC_TYPE[$sym]:-} ]] || continue
		printf -v "RIG_$sym" '%s' "$value"
	done < <(rig_read_config "$1")
	[[ -n ${RIG_RIG_KIND:-} ]] || die "$(rig_path_shown "$1"): not a resolved rig config (no CONFIG_RIG_KIND)"
}

# rig_error_at SOURCE MESSAGE SYMBOL...: an error about a combination, at
# the first of SYMBOL... that the source sets (else at the default value of
# the first).
rig_error_at() {
	local src=$1 msg=$2 sym value
	shift 2
	for sym in "$@"; do
		if [[ -n ${RIG_SRC_LINE[$sym]:-} ]]; then
			rig_error "$src" "${RIG_SRC_LINE[$sym]}" "$sym" "${RIG_SRC_VALUE[$sym]}" "$msg"
			return
		fi
	done
	value="RIG_$1"
	rig_error "$src" "" "$1" "${!value:-}" "$msg"
}

# rig_check_combinations SOURCE: rules between options, on the resolved
# values (RIG_*).
rig_check_combinations() {
	local src=$1 sym
	if [[ $RIG_RIG_KIND == lab ]]; then
		for sym in LAB_PROVIDER LAB_INITIATOR; do
			local var="RIG_$sym"
			[[ -n ${!var:-} ]] ||
				rig_error_at "$src" "a lab rig needs CONFIG_$sym (a PCI address or vendor:device ID)" RIG_LAB
		done
		return 0
	fi
	if [[ ! -r $P2PRIG_TOP/harness/vlab/kernels/$RIG_VLAB_KERNEL.pin ]]; then
		rig_error_at "$src" "no pin harness/vlab/kernels/$RIG_VLAB_KERNEL.pin for this guest kernel" \
			VLAB_KERNEL_7_3 VLAB_KERNEL_7_2 VLAB_KERNEL_6_12
	fi
	if [[ ${RIG_VLAB_KERNEL_FROM_TREE:-n} == y && -z ${RIG_VLAB_KERNEL_TREE:-} ]]; then
		rig_error_at "$src" "a kernel built from a local tree needs its path (CONFIG_VLAB_KERNEL_TREE)" \
			VLAB_KERNEL_FROM_TREE
	fi
	rig_check_tree "$src"
	# swiotlb=force acts in dma-direct; a translating IOMMU maps through
	# dma-iommu instead, so the run would claim a bounce test it never made.
	if [[ $RIG_VLAB_SWIOTLB_FORCE == y && $RIG_VLAB_IOMMU == translated ]]; then
		rig_error_at "$src" "swiotlb=force has no effect under a translating IOMMU (DMA goes through dma-iommu, not dma-direct): choose the IOMMU off (CONFIG_VLAB_IOMMU_OFF=y) or passthrough (CONFIG_VLAB_IOMMU_PT=y)" \
			VLAB_SWIOTLB_FORCE
	fi
}

# rig_check_tree SOURCE: CONFIG_VLAB_TREE, checked by the host's runner
# (harness/src/topology/) when it is built and knows trees; each error at
# the line that set the tree (or chose the topology). Before the first
# build, boot.sh's check before QEMU starts is the one that catches it.
# Then the run's scenario (rig_config_select's), if any: rig_check_needs.
rig_check_tree() {
	local src=$1 runner=$P2PRIG_TOP/build/host/p2prig line scenario=${RIG_SCENARIO_FILE:-}
	[[ -x $runner ]] && "$runner" topology-tree --help >/dev/null 2>&1 || return 0
	while IFS= read -r line; do
		rig_error_at "$src" "${line#tree: }" VLAB_TREE VLAB_TOPOLOGY_TREE VLAB_NVME_COUNT
	done < <("$runner" topology-tree check "$RIG_VLAB_TREE" --nvme-count "$RIG_VLAB_NVME_COUNT" 2>&1 >/dev/null)
	[[ -n $scenario && -r $scenario && ${#RIG_ERRORS[@]} -eq 0 ]] || return 0
	rig_check_needs "$scenario" "$runner"
}

# rig_check_needs SCENARIO RUNNER: what the scenario's lines need of the
# (good) tree, each lack an error at the line. A provider or initiator
# whose kind is a device of the tree's grammar (nvme-cmb, edu) needs one;
# a bar provider needs ivshmem, the virtual lab's only device with a BAR
# p2prig_bar takes. A storage line naming a controller by serial needs
# that controller: the tree's NVMe controllers are serials p2prig0 (the
# nvme-cmb, one namespace) to p2prigN-1 (the plain nvme, each with
# CONFIG_VLAB_NVME_NAMESPACES), so the serial's index must be below the
# tree's count and nsid within its namespaces. (A slot= or name= selector
# depends on bus numbers or probe order: the run resolves those.)
rig_check_needs() {
	local scenario=$1 runner=$2 lineno role kind what name serial nsid shown index word
	local controllers=0 have namespaces rig="${RIG_CONFIG_NAME:-the rig}: CONFIG_VLAB_TREE=$RIG_VLAB_TREE"
	local -a words
	shown=$(rig_path_shown "$scenario")
	while read -r lineno role kind what; do
		"$runner" topology-tree check "$RIG_VLAB_TREE" --needs "$kind" >/dev/null 2>&1 ||
			RIG_ERRORS+=("$shown:$lineno: the $role needs $kind${what:+ $what}, which the rig's tree lacks ($rig)")
	done < <(awk '($1 == "provider" || $1 == "initiator") && ($3 == "nvme-cmb" || $3 == "edu") { print NR, $1, $3 }
		$1 == "provider" && $3 == "bar" { print NR, $1, "ivshmem", "(the virtual lab\047s bar provider)" }' "$scenario")
	read -ra words <<<"${RIG_VLAB_TREE//[^a-z-]/ }"
	for word in "${words[@]}"; do
		if [[ $word == nvme || $word == nvme-cmb ]]; then controllers=$((controllers + 1)); fi
	done
	local given="its $controllers NVMe controllers (nvme-cmb and nvme) are serials p2prig0 to p2prig$((controllers - 1))"
	((controllers != 1)) || given="its one NVMe controller (the nvme-cmb) is serial p2prig0"
	while read -r lineno name serial nsid; do
		[[ $serial != - ]] || continue
		if [[ ! $serial =~ ^p2prig(0|[1-9][0-9]{0,2})$ ]]; then
			RIG_ERRORS+=("$shown:$lineno: storage $name names serial=$serial, which the virtual lab never gives: $given ($rig)")
			continue
		fi
		index=${BASH_REMATCH[1]}
		if ((index >= controllers)); then
			RIG_ERRORS+=("$shown:$lineno: storage $name names serial=$serial, which the rig's tree cannot give: $given ($rig)")
			continue
		fi
		if ((index == 0)); then
			have=1 namespaces="one namespace (the CMB controller's)"
		else
			have=$RIG_VLAB_NVME_NAMESPACES
			namespaces="$have namespace$( ((have == 1)) || echo s) (CONFIG_VLAB_NVME_NAMESPACES=$have)"
		fi
		if [[ $nsid =~ ^[0-9]+$ ]] && ((10#$nsid > have)); then
			RIG_ERRORS+=("$shown:$lineno: storage $name names nsid=$nsid of serial=$serial, which has $namespaces ($rig)")
		fi
	done < <(awk '$1 == "storage" {
			serial = "-"; nsid = "-"
			for (i = 4; i <= NF && $i !~ /^#/; i++) {
				if ($i ~ /^serial=/) serial = substr($i, 8)
				if ($i ~ /^nsid=/) nsid = substr($i, 6)
			}
			print NR, $2, serial, nsid
		}' "$scenario")
}

# rig_config_resolve SOURCE OUT: check SOURCE as written, resolve it with
# kconfig-conf into the full config OUT, load it (RIG_*) and check the
# combinations. Prints every error as file:line: ... and fails if any.
rig_config_resolve() {
	local src out=$2 tmp
	[[ -f $1 ]] || { echo "$(rig_path_shown "$1"): no such file" >&2; return 1; }
	src=$(realpath "$1")
	command -v kconfig-conf >/dev/null ||
		die "kconfig-conf not found: apt-get install kconfig-frontends-nox (harness/setup-host.sh does)"
	RIG_ERRORS=()
	rig_check_source "$src"
	if [[ ${#RIG_ERRORS[@]} -eq 0 ]]; then
		tmp=$(mktemp -d)
		# kconfig-conf writes beside its output; a private folder keeps
		# concurrent runs and the user's .config out of its way.
		if (cd "$tmp" && KCONFIG_CONFIG="$tmp/config" kconfig-conf -s --defconfig="$src" "$RIG_KCONFIG") \
			>"$tmp/log" 2>&1 && [[ -s $tmp/config ]]; then
			rig_check_taken "$src" "$tmp/config"
			rig_config_load "$tmp/config"
			rig_check_combinations "$src"
			[[ ${#RIG_ERRORS[@]} -ne 0 ]] || cp "$tmp/config" "$out"
		else
			RIG_ERRORS+=("$(rig_path_shown "$src"): kconfig-conf failed: $(tr '\n' ' ' <"$tmp/log")")
		fi
		rm -rf "$tmp"
	fi
	if [[ ${#RIG_ERRORS[@]} -ne 0 ]]; then
		printf '%s\n' "${RIG_ERRORS[@]}" >&2
		return 1
	fi
}

# rig_topology_text: the rig in one line, for run.env and result.json.
rig_topology_text() {
	if [[ $RIG_RIG_KIND == lab ]]; then
		printf 'lab: provider %s, initiator %s' \
			"$(rig_lab_selector "$RIG_LAB_PROVIDER")" "$(rig_lab_selector "$RIG_LAB_INITIATOR")"
		[[ -z ${RIG_LAB_NIC:-} ]] || printf ', nic %s' "$(rig_lab_selector "$RIG_LAB_NIC")"
		[[ -z ${RIG_LAB_BAR_PROVIDER:-} ]] || printf ', bar provider %s' "$(rig_lab_selector "$RIG_LAB_BAR_PROVIDER")"
		printf '\n'
		return
	fi
	local iommu devices i
	case $RIG_VLAB_IOMMU in
	off) iommu="no IOMMU" ;;
	*) iommu="$RIG_VLAB_IOMMU_DEVICE $RIG_VLAB_IOMMU" ;;
	esac
	[[ $RIG_VLAB_SWIOTLB_FORCE != y ]] || iommu+=", swiotlb=force"
	devices="nvme (CMB $RIG_VLAB_CMB_MB MiB)"
	for ((i = 1; i < RIG_VLAB_NVME_COUNT; i++)); do
		devices+=", nvme"
		((RIG_VLAB_NVME_NAMESPACES == 1)) || devices+=" ($RIG_VLAB_NVME_NAMESPACES namespaces of $RIG_VLAB_NVME_DISK_MB MiB)"
	done
	devices+=", edu, ivshmem ($RIG_VLAB_IVSHMEM_MB MiB)"
	case $RIG_VLAB_TOPOLOGY in
	switch) devices="root port > switch: $devices" ;;
	root-ports) devices="root ports: $devices" ;;
	*) devices="tree $RIG_VLAB_TREE (CMB $RIG_VLAB_CMB_MB MiB, ivshmem $RIG_VLAB_IVSHMEM_MB MiB)" ;;
	esac
	local clock=""
	[[ $RIG_VLAB_HOST_CLOCK != y ]] || clock="; host clock"
	[[ $RIG_VLAB_QEMU != buildroot ]] || clock+="; the build root's QEMU"
	printf 'q35, cpu %s, %s, %s; virtio-net%s\n' "$RIG_VLAB_CPU" "$iommu" "$devices" "$clock"
}

# --- front-door helpers (Makefile) ------------------------------------------

# rig_config_check FILE: check FILE as a run would, print every error.
rig_config_check() {
	[[ -f $1 ]] || die "no $(rig_path_shown "$1") yet: make menuconfig or make NAME_defconfig first"
	rig_config_resolve "$1" /dev/null || die "$(rig_path_shown "$1") has errors (above)"
	log "$(rig_path_shown "$1"): $(rig_topology_text)"
}

# rig_config_install NAME: `make NAME_defconfig`, checked first; the old
# .config is kept as .config.old, as the kernel does.
rig_config_install() {
	local src dot
	src=$(rig_config_file "$1") || die "no such rig"
	dot=$(rig_dot_config)
	rig_config_resolve "$src" "$dot.new" ||
		die "$(rig_path_shown "$src") has errors (above); $(rig_path_shown "$dot") left as it was"
	[[ ! -f $dot ]] || mv "$dot" "$dot.old"
	mv "$dot.new" "$dot"
	log "$(rig_path_shown "$dot") is now $1: $(rig_topology_text)"
}

# rig_config_kernel [CMDLINE_CONFIG]: print the guest kernel of the rig a
# run would use (by the usual precedence, no scenario).
rig_config_kernel() {
	rig_config_select "${1:-}" "" || return 1
	rig_config_resolve "$RIG_CONFIG_SRC" /dev/null || return 1
	[[ $RIG_RIG_KIND == vlab ]] || { echo "config $RIG_CONFIG_NAME is a lab rig: it has no guest kernel" >&2; return 1; }
	rig_kernel_spec
}

# rig_kernel_spec: the loaded config's guest kernel as a kernel spec
# (harness/vlab/kbuild.sh): 7.3.4, src:7.3.4+debug, tree:PATH.
rig_kernel_spec() {
	local frags=""
	[[ ${RIG_VLAB_KERNEL_DEBUG:-n} != y ]] || frags=+debug
	if [[ ${RIG_VLAB_KERNEL_FROM_SOURCE:-n} == y ]]; then
		printf 'src:%s%s\n' "$RIG_VLAB_KERNEL" "$frags"
	elif [[ ${RIG_VLAB_KERNEL_FROM_TREE:-n} == y ]]; then
		printf 'tree:%s%s\n' "$RIG_VLAB_KERNEL_TREE" "$frags"
	else
		printf '%s\n' "$RIG_VLAB_KERNEL"
	fi
}
