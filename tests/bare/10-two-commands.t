#!/usr/bin/env bash
# README's promise on a machine that has nothing but the clone, git and
# make: a bare Debian 12 root (mmdebstrap minbase plus git and make) made
# here, the committed checkout cloned into it, and the README's first
# command run there exactly as written, with an empty cache. An equipped
# machine cannot fake this: every host package, the kernel, the build root
# and both builds come from inside the root.
#
# The root is a mount point with /proc, /sys and /dev of its own, as a
# machine's / is (the rig's own unshare needs that). Everything is mounted
# in a private mount namespace, so nothing stays mounted when the test
# ends, however it ends. Its cold time and where it went are printed, not
# judged (host-clock timing).
#
# Run by .ci/run (make test-bare), not by make test: about 3 minutes.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=harness/lib/common.sh
source "$TOP/harness/lib/common.sh"

SUITE=bookworm
ROOT_PACKAGES=git,make
COMMAND="make scenario=nvme-cmb"

# inside ROOT: the part that runs in the private mount namespace.
inside() {
	local root=$1
	mount --bind "$root" "$root"
	mount -t proc proc "$root/proc"
	mount -t sysfs sys "$root/sys"
	mount --rbind /dev "$root/dev"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c "cd /root/p2prig && $COMMAND"
}
if [[ ${1:-} == --inside ]]; then
	inside "$2"
	exit
fi

[[ $(id -u) -eq 0 ]] || tap_skip_all "a bare root needs root (mmdebstrap, chroot, mounts)"
command -v mmdebstrap >/dev/null || tap_skip_all "mmdebstrap not installed (harness/setup-host.sh installs it)"
git -C "$TOP" rev-parse HEAD >/dev/null 2>&1 || tap_skip_all "$TOP is not a git checkout"
tap_plan 6

work=$(mktemp -d "${TMPDIR:-/var/tmp}/p2prig-bare.XXXXXX")
root=$work/root
trap 'rm -rf --one-file-system "$work"' EXIT

mirror=$(debian_mirror)
t0=$(now_s)
rc=0
mmdebstrap --mode=root --variant=minbase --include="$ROOT_PACKAGES" "$SUITE" "$root" \
	"deb $mirror $SUITE main" "deb $mirror $SUITE-updates main" >"$work/mmdebstrap.log" 2>&1 || rc=$?
[[ $rc == 0 ]] || tail -n 20 "$work/mmdebstrap.log" | sed 's/^/# /'
tap_is "mmdebstrap $SUITE minbase with $ROOT_PACKAGES" "$rc" 0
[[ $rc == 0 ]] || exit 1
echo "# bare root made in $(elapsed "$t0") s"
tap_ok "the bare root has none of the rig's tools" \
	chroot "$root" bash -c '! command -v qemu-system-x86_64 && ! command -v gcc && ! command -v kconfig-conf && ! command -v jq'

# What is committed, as CI's clean clone has it; the cache does not exist.
git clone -q "$TOP" "$root/root/p2prig"
tap_ok "the cache is empty" test ! -e "$root/root/.cache/p2prig"

t0=$(now_s)
rc=0
unshare --mount --propagation private -- "$0" --inside "$root" >"$work/run.log" 2>&1 || rc=$?
cold=$(elapsed "$t0")
sed 's/^/# /' "$work/run.log"
tap_is "'$COMMAND' in the bare root: exit 0" "$rc" 0

dir=$(find "$root/root/p2prig/results" -mindepth 1 -maxdepth 1 -type d -name '*-nvme-cmb-*' | head -n 1)
tap_is "... both steps passed, none failed or skipped" \
	"$(jq -r '.summary | "\(.passed) \(.failed) \(.skipped)"' "$dir/result.json" 2>/dev/null)" "2 0 0"
tap_ok "... it said where its time went" grep -qE '\] time: apt [0-9.]+ s, .* total [0-9.]+ s' "$work/run.log"
echo "# cold $COMMAND on a bare machine: $cold s wall"
grep -E '\] time: ' "$work/run.log" | sed 's/^.*time: /# where it went: /'
tap_done
