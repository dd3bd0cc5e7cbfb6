#!/usr/bin/env bash
# The rig's LAVA jobs run by a real LAVA dispatcher, standalone: Debian 12's
# lava-dispatcher in a bookworm root made once in the rig cache, lava-run
# on a device dictionary rendered from lava-server's device-type templates.
#
#   lava/lava.sh root                 make (or check) the LAVA root
#   lava/lava.sh validate JOB...      schema validation and lava-run --validate
#   lava/lava.sh run JOB [OUTDIR]     run JOB on the virtual-lab device; exit 0
#                                     only if it finished and no case failed
#   lava/lava.sh verdict OUTDIR       read lava-run's result lines again
#   lava/lava.sh device OUTDIR        the virtual-lab device, OUTDIR/device.yaml
#
# run takes KEY=VALUE after OUTDIR for the template (scenario=, config=);
# P2PRIG_LAVA_TIMEOUT (s, default 2400) bounds lava-run from outside:
# LAVA's own timeouts do not interrupt a hung libguestfs.
#
# A job here is a template (lava/jobs/*.yaml.jinja2) made concrete by
# lava_job_file (j2): the virtual lab's kernel and initramfs as its deploy
# images. The dispatcher gives no exit code for a failed test case (the
# job still "passes"); the verdict comes from its result lines.
set -euo pipefail
# shellcheck source=harness/vlab/initramfs.sh
source "$(dirname "$0")/../harness/vlab/initramfs.sh"
# shellcheck source=harness/lib/rigconfig.sh
source "$(dirname "$0")/../harness/lib/rigconfig.sh"

LAVA_SUITE=bookworm
# lava-dispatcher and what its qemu boot and overlay need: QEMU itself, and
# libguestfs's appliance, which is made from a kernel in the root's /boot.
# tftpd-hpa and telnet: lava-run --validate of a lab job looks for the TFTP
# server and for the console connection's command (a lab dispatcher has both).
# j2cli renders the device dictionary and the job templates (Jinja2, as
# lava-server does); yq reads lava-run's result lines.
LAVA_PACKAGES=(lava-dispatcher qemu-system-x86 linux-image-amd64 git j2cli yq tftpd-hpa telnet)
LAVA_ROOT=$P2PRIG_CACHE/lava-$LAVA_SUITE

lava_recipe() {
	printf 'suite=%s\npackages=%s\nrecipe=2 mmdebstrap lava-server device-types\n' \
		"$LAVA_SUITE" "${LAVA_PACKAGES[*]}"
}

# lava_root: make the root once. lava-server's device-type templates come
# from its package, unpacked beside the dispatcher, not installed: the
# server (Django, PostgreSQL) is not needed to render a dictionary.
lava_root() {
	local want have t0 tmp=$LAVA_ROOT.tmp
	want=$(lava_recipe | sha256sum | cut -d' ' -f1)
	have=$(cat "$LAVA_ROOT/.p2prig-recipe" 2>/dev/null || true)
	if [[ $have == "$want" && -x $LAVA_ROOT/usr/bin/lava-run ]]; then
		log "lava root: $LAVA_ROOT (cached, recipe ${want:0:12})"
		return
	fi
	[[ $(id -u) -eq 0 ]] || die "the LAVA root is made as root (mmdebstrap --mode=root, chroot)"
	command -v mmdebstrap >/dev/null || die "mmdebstrap not installed (harness/setup-host.sh --for run)"
	t0=$(now_s)
	log "lava root: mmdebstrap $LAVA_SUITE (${LAVA_PACKAGES[*]} and what they need)"
	# No initramfs for the root's kernel: libguestfs makes its own appliance
	# from the kernel and its modules, and mkinitramfs costs a minute.
	# shellcheck disable=SC2016 # the hooks' $1 is mmdebstrap's root
	cache_mmdebstrap "$LAVA_SUITE" "$tmp" "$P2PRIG_CACHE/lava-mmdebstrap.log" "${LAVA_PACKAGES[@]}" -- \
		--essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true "$1/usr/sbin/update-initramfs"' \
		--customize-hook='chroot "$1" sh -c "cd /tmp && apt-get download -q lava-server && dpkg-deb -x lava-server_*.deb /tmp/ls && mv \"\$(dirname \"\$(find /tmp/ls -name qemu.jinja2 | head -n 1)\")\" /etc/lava-device-types && rm -rf /tmp/ls lava-server_*.deb"'

	printf '%s\n' "$want" >"$tmp/.p2prig-recipe"
	rm -rf --one-file-system "$LAVA_ROOT"
	mv "$tmp" "$LAVA_ROOT"
	log "lava root: ready in $(elapsed "$t0") s, $(du -sh --one-file-system "$LAVA_ROOT" | cut -f1)"
}

# Where the root sees this checkout, the build root and a run's folder.
LAVA_SRV=/srv/p2prig
# lava_in_root WORK CMD...: CMD in the LAVA root, in a mount namespace of
# its own (nothing stays mounted), with this checkout (read-only), the
# build root (read-only) and WORK under $LAVA_SRV. libguestfs must not try
# this machine's /dev/kvm, which it cannot use: it hangs there. It execs:
# a caller that goes on runs it in a subshell, and the outer timeout's
# child is unshare itself, so when the timeout returns nothing is left.
lava_in_root() {
	local work=$1
	shift
	mkdir -p "$LAVA_ROOT$LAVA_SRV"/{rig,buildroot,work}
	# A PID namespace too: when lava-run ends or is killed, QEMU and
	# libguestfs's appliance end with it.
	# shellcheck disable=SC2016 # the inner script expands its own arguments
	exec unshare --mount --pid --fork --kill-child --propagation private bash -euo pipefail -c '
		root=$1 srv=$2 top=$3 buildroot=$4 work=$5
		shift 5
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		mount --bind "$top" "$root$srv/rig"
		mount -o remount,bind,ro "$root$srv/rig"
		mount --bind "$buildroot" "$root$srv/buildroot"
		mount -o remount,bind,ro "$root$srv/buildroot"
		mount --bind "$work" "$root$srv/work"
		# The dispatcher'"'"'s scratch (per job id, cleaned at the end) is the
		# run'"'"'s own: two jobs at once must not share it.
		mkdir -p "$work/dispatcher-tmp" "$root/var/lib/lava/dispatcher/tmp"
		mount --bind "$work/dispatcher-tmp" "$root/var/lib/lava/dispatcher/tmp"
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 LIBGUESTFS_BACKEND_SETTINGS=force_tcg "$@"
	' _ "$LAVA_ROOT" "$LAVA_SRV" "$P2PRIG_TOP" "$BUILDROOT" "$work" "$@"
}

# lava_j2 WORK TEMPLATE OUT [j2 OPTION...]: TEMPLATE (a path in the root)
# rendered by j2cli into OUT (on this side). j2's loader opens what a
# template extends relative to its working directory: lava-server's
# device-type templates. Variables: KEY=VALUE lines on stdin (--format=env).
lava_j2() {
	local work=$1 template=$2 out=$3
	shift 3
	if ! (lava_in_root "$work" env -C /etc/lava-device-types j2 "$@" --format=env "$template" -) >"$out.tmp"; then
		warn "$(basename "$template"): j2 could not render it (above)"
		return 1
	fi
	mv "$out.tmp" "$out"
}

# lava_schema WORK KIND FILE...: LAVA's own checker of jobs (strict) or of
# rendered devices; its report on stderr.
lava_schema() {
	local work=$1 kind=$2
	shift 2
	case $kind in
	job) set -- job --strict "$@" ;;
	device) set -- device --no-render "$@" ;;
	esac
	(lava_in_root "$work" python3 /usr/share/lava-common/lava-schema.py "$@") >&2
}

# lava_job_file WORK TEMPLATE KEY=VALUE...: WORK/job.yaml from TEMPLATE,
# checked by LAVA's job schema.
lava_job_file() {
	local work=$1 template=$2
	shift 2
	[[ $template -ef $work/job.yaml.jinja2 ]] || cp "$template" "$work/job.yaml.jinja2"
	printf '%s\n' "$@" | lava_j2 "$work" "$LAVA_SRV/work/job.yaml.jinja2" "$work/job.yaml" ||
		return 1
	lava_schema "$work" job "$LAVA_SRV/work/job.yaml" ||
		{ warn "$template: not a valid LAVA job (LAVA's schema, above)"; return 1; }
}

# lava_device_file WORK DICT: WORK/device.yaml from the device dictionary
# WORK/dict/DICT, checked by LAVA's device schema. The device-type
# templates leave some of their variables undefined on purpose: --undefined.
lava_device_file() {
	local work=$1 dict=$2
	lava_j2 "$work" "$LAVA_SRV/work/dict/$dict" "$work/device.yaml" --undefined </dev/null || return 1
	lava_schema "$work" device "$LAVA_SRV/work/device.yaml" ||
		{ warn "$dict: not a valid LAVA device (LAVA's schema, above)"; return 1; }
}

# The modules the LAVA device's init loads: 9p for the build root, and
# virtio-blk and ext4 for LAVA's overlay disk (ext2).
LAVA_INITRAMFS_MODULES=(virtio_iommu 9pnet_virtio 9p virtio_blk ext4)

# lava_initramfs UNAME: print the path of lava/vlab-init's initramfs for
# that kernel (the virtual lab's recipe, with this init and these modules).
lava_initramfs() {
	initramfs_for "$1" "$P2PRIG_TOP/lava/vlab-init" lava- "${LAVA_INITRAMFS_MODULES[@]}"
}

# lava_repo WORK: this checkout as a repository LAVA can clone, WORK/rig.git,
# holding one branch "lava": the tracked files as they are now (git stash
# create: a commit of the work tree's changes, or none if there are none).
# Prints the commit.
lava_repo() {
	local work=$1 rev
	if ! rev=$(git -C "$P2PRIG_TOP" stash create 2>"$work/stash.err"); then
		warn "git stash create: $(head -n 1 "$work/stash.err"); the job clones HEAD, without this checkout's changes"
		rev=""
	fi
	rev=${rev:-$(git -C "$P2PRIG_TOP" rev-parse HEAD)}
	git init -q --bare "$work/rig.git"
	git -C "$P2PRIG_TOP" push -q "$work/rig.git" "$rev:refs/heads/lava"
	printf '%s\n' "$rev"
}

# lava_device WORK: the virtual-lab device dictionary with its paths in
# WORK (the NVMe disk and ivshmem's file in WORK/scratch, the results share
# WORK/results), rendered to WORK/device.yaml and checked against LAVA's
# device schema.
lava_device() {
	local work=$1
	mkdir -p "$work/scratch" "$work/results" "$work/dict"
	truncate -s 64M "$work/scratch/nvme0n1.img" "$work/scratch/ivshmem"
	sed -e "s|^{% set p2prig_buildroot = .*|{% set p2prig_buildroot = '$LAVA_SRV/buildroot' %}|" \
		-e "s|^{% set p2prig_scratch = .*|{% set p2prig_scratch = '$LAVA_SRV/work/scratch' %}|" \
		-e "s|^{% set p2prig_results = .*|{% set p2prig_results = '$LAVA_SRV/work/results' %}|" \
		"$P2PRIG_TOP/lava/devices/p2prig-vlab.jinja2" >"$work/dict/p2prig-vlab.jinja2"
	lava_device_file "$work" p2prig-vlab.jinja2
}

# lava_kernel: the virtual lab's kernel (the default config's) in the
# build root with the lab layer; sets LAVA_UNAME and LAVA_KERNEL (its
# image's path inside the build root).
lava_kernel() {
	local spec image
	spec=${P2PRIG_LAVA_KERNEL:-$(rig_config_kernel vlab-switch-iommu)}
	ensure_vlab_cache "$spec" lab >&2
	load_kernel_pin "$spec"
	LAVA_UNAME=$PIN_UNAME
	image=$({
		find "$BUILDROOT/usr/lib/modules/$LAVA_UNAME" -maxdepth 1 -name "vmlinuz*"
		find "$BUILDROOT/boot" -maxdepth 1 -name "vmlinuz-$LAVA_UNAME"
	} 2>/dev/null | sort | head -n 1)
	[[ -n $image ]] || die "no kernel image for $LAVA_UNAME in the build root"
	LAVA_KERNEL=${image#"$BUILDROOT"}
}

# lava_prepare WORK TEMPLATE KEY=VALUE...: everything a run of TEMPLATE on
# the virtual-lab device needs, in WORK: device.yaml, job.yaml, the
# initramfs, the repository.
lava_prepare() {
	local work=$1 template=$2 rev initrd
	shift 2
	[[ -r $template ]] || die "no job template $template"
	lava_root
	lava_kernel
	initrd=$(lava_initramfs "$LAVA_UNAME")
	cp "$initrd" "$work/initrd.cpio.gz"
	rev=$(lava_repo "$work")
	lava_device "$work" || return 1
	lava_job_file "$work" "$template" \
		"kernel_url=file://$LAVA_SRV/buildroot$LAVA_KERNEL" \
		"initrd_url=file://$LAVA_SRV/work/initrd.cpio.gz" \
		"repository=$LAVA_SRV/work/rig.git" "revision=$rev" "uname=$LAVA_UNAME" "$@" || return 1
	log "lava: job $(basename "$template") for kernel $LAVA_UNAME, checkout ${rev:0:12}, in $work"
}

# lava_validate JOB_TEMPLATE...: each template rendered, then LAVA's job
# schema and lava-run --validate: a virtual-lab job on the virtual-lab
# device, prepared as for a run; a lab job with stand-in files for its
# images on the example lab host (lava/devices/lab-host.jinja2.example).
lava_validate() {
	local template work rc=0 name
	lava_root
	for template in "$@"; do
		name=$(basename "$template" .yaml.jinja2)
		work=$(mktemp -d "${TMPDIR:-/var/tmp}/p2prig-lava-validate.XXXXXX")
		cp "$template" "$work/job.yaml.jinja2"
		# A job for the virtual-lab device (device type qemu), or for a lab host.
		if grep -qx 'device_type: qemu' "$template"; then
			if lava_prepare "$work" "$template" scenario=nvme-cmb config=lab-vlab-guest >"$work/prepare.log" 2>&1 &&
				(lava_in_root "$work" lava-run --validate --job-id 1 --output-dir "$LAVA_SRV/work/out" \
					--device "$LAVA_SRV/work/device.yaml" "$LAVA_SRV/work/job.yaml") >"$work/validate.log" 2>&1; then
				log "lava: $name: schema and lava-run --validate: valid"
			else
				warn "$template: not valid; $work/prepare.log, $work/validate.log:"
				tail -n 20 "$work/prepare.log" "$work/validate.log" >&2 2>/dev/null
				rc=1
				continue
			fi
		else
			# A lab job: its images as stand-in files, validated against the
			# example lab host's dictionary.
			touch "$work"/{bzImage,modules.tar.xz,initrd.cpio.gz,rootfs.tar.xz}
			mkdir -p "$work/dict"
			cp "$P2PRIG_TOP/lava/devices/lab-host.jinja2.example" "$work/dict/lab-host.jinja2"
			if lava_job_file "$work" "$template" \
				device_type=x86 kernel_url="file://$LAVA_SRV/work/bzImage" \
				modules_url="file://$LAVA_SRV/work/modules.tar.xz" ramdisk_url="file://$LAVA_SRV/work/initrd.cpio.gz" \
				nfsrootfs_url="file://$LAVA_SRV/work/rootfs.tar.xz" repository=https://lab.invalid/p2prig.git \
				revision=main config=my-lab-rig &&
				lava_device_file "$work" lab-host.jinja2 &&
				(lava_in_root "$work" lava-run --validate --job-id 1 --output-dir "$LAVA_SRV/work/out" \
					--device "$LAVA_SRV/work/device.yaml" "$LAVA_SRV/work/job.yaml") >"$work/validate.log" 2>&1; then
				log "lava: $name: schema and lava-run --validate (example lab host): valid"
			else
				warn "$template: not valid; $work/validate.log:"
				grep -E '"lvl": "(error|exception)"|Error' "$work/validate.log" | tail -n 10 >&2
				rc=1
				continue
			fi
		fi
		rm -rf "$work"
	done
	return "$rc"
}

# lava_verdict OUTDIR: lava-run's result lines (OUTDIR/lava-run.log) as
# one line each, then the verdict: pass only if the job finished (LAVA's
# own "job" result passed) and no test case failed; fail otherwise, with
# why. Skips are listed with their reasons from the test shell's output.
lava_verdict() {
	local out=$1 results failed job cases
	[[ -r $out/lava-run.log ]] || die "no lava-run.log in $out"
	# One JSON object a line, but for YAML's non-specific tag ("! \"299\"")
	# on some values: each whole result line as a YAML document for yq.
	# A line lava-run did not finish writing is left out. A case in a test
	# set (lava/lab-test.sh with several scenarios): DEFINITION/SET.
	grep -E '^\{.*"lvl": "results".*\}$' "$out/lava-run.log" | sed 's/^/--- /' |
		(lava_in_root "$out" yq -r '.msg | "\(.definition // "?")\(if .set then "/" + .set else "" end) \(.case // "?") \(.result // "?")"') \
		>"$out/results.txt" || die "yq could not read the result lines of $out/lava-run.log"
	results=$out/results.txt
	awk '$1 != "lava" { printf "  %-4s %s/%s\n", $3, $1, $2 }' "$results"
	grep -o 'p2prig-lava: skip .*' "$out/lava-run.log" | sed 's/\\n.*//; s/^/  /' | sort -u || true
	failed=$(awk '$1 != "lava" && $3 != "pass" && $3 != "skip" { print $1 "/" $2 }' "$results" | paste -sd' ')
	job=$(awk '$1 == "lava" && $2 == "job" { print $3 }' "$results" | tail -n 1)
	cases=$(awk '$1 != "lava"' "$results" | wc -l)
	if grep -q '^lava: lava-run stopped by the outer timeout' "$out/lava-run.log"; then
		echo "verdict: fail (the job did not finish: $(grep -o 'stopped by the outer timeout.*' "$out/lava-run.log" | tail -n 1); $out/lava-run.log)"
		return 1
	elif [[ $job != pass ]]; then
		echo "verdict: fail (the job did not finish: LAVA's job result ${job:-missing}; $out/lava-run.log)"
		return 1
	elif ((cases == 0)); then
		echo "verdict: fail (no test case reported)"
		return 1
	elif [[ -n $failed ]]; then
		echo "verdict: fail ($cases test cases, failed: $failed)"
		return 1
	fi
	echo "verdict: pass ($cases test cases, none failed)"
}

# lava_run TEMPLATE OUTDIR KEY=VALUE...: the job on the virtual-lab device
# under an outer timeout, then its verdict.
lava_run() {
	local template=$1 out=$2 rc=0 t0 limit=${P2PRIG_LAVA_TIMEOUT:-2400}
	shift 2
	mkdir -p "$out"
	out=$(realpath "$out")
	lava_prepare "$out" "$template" "$@"
	rm -rf "$out/lava-output"
	t0=$(now_s)
	log "lava: lava-run (outer timeout ${limit}s), log $out/lava-run.log"
	timeout -k 30 "$limit" "$P2PRIG_TOP/lava/lava.sh" in-root "$out" \
		lava-run --job-id 1 --output-dir "$LAVA_SRV/work/lava-output" \
		--device "$LAVA_SRV/work/device.yaml" "$LAVA_SRV/work/job.yaml" >"$out/lava-run.log" 2>&1 || rc=$?
	log "lava: lava-run exit $rc after $(elapsed "$t0") s"
	((rc != 124 && rc != 137)) || echo "lava: lava-run stopped by the outer timeout (${limit}s)" >>"$out/lava-run.log"
	lava_verdict "$out"
}

main() {
	local cmd=${1:-}
	shift || true
	# What the LAVA root is made and run with: mmdebstrap, busybox, git.
	[[ $cmd == in-root || $cmd == verdict ]] || "$P2PRIG_TOP/harness/setup-host.sh" --for run >&2
	case $cmd in
	root) lava_root ;;
	validate) lava_validate "$@" ;;
	run) lava_run "${1:?usage: lava/lava.sh run TEMPLATE [OUTDIR] [KEY=VALUE...]}" \
		"${2:-$(mktemp -d "${TMPDIR:-/var/tmp}/p2prig-lava.XXXXXX")}" "${@:3}" ;;
	in-root) lava_in_root "$@" ;;
	device)
		lava_root
		mkdir -p "${1:?usage: lava/lava.sh device OUTDIR}"
		lava_device "$(realpath "$1")"
		;;
	verdict) lava_verdict "${1:?usage: lava/lava.sh verdict OUTDIR}" ;;
	*) die "usage: lava/lava.sh root | validate JOB... | run JOB [OUTDIR] | verdict OUTDIR" ;;
	esac
}
# On one line: bash reads a script as it runs, and this one may be edited meanwhile.
main "$@"; exit
