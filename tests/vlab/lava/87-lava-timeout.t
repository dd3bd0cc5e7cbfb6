#!/usr/bin/env bash
# A job stopped by the wrapper's outer timeout (LAVA's own timeouts do not
# interrupt a hung libguestfs): the verdict says it did not finish, and
# nothing of it (lava-run, QEMU, libguestfs) is left running. The cheap
# plumbing job (tests/data/lava), given less time than its overlay takes.
# (A failing scenario's verdict is tests/vlab/lava/86's.)
# shellcheck disable=SC2016 # each bash -c script expands its own arguments
set -euo pipefail
# shellcheck source=tests/lib/lava.sh
source "$(dirname "$0")/../../lib/lava.sh"
lava_requires
tap_plan 3

t0=$(date +%s)
root=${P2PRIG_CACHE:-$HOME/.cache/p2prig}/lava-bookworm
P2PRIG_LAVA_TIMEOUT=20 lava_job "$TOP/tests/data/lava/plumbing.yaml.jinja2"
echo "# job time: $(($(date +%s) - t0)) s"
tap_is "a job stopped by the outer timeout: exit 1" "$LAVA_RC" 1
tap_ok "... verdict: fail, the job did not finish" \
	bash -c '[[ $1 == "verdict: fail (the job did not finish"* ]]' _ "$LAVA_VERDICT"
left=""
for proc in /proc/[0-9]*; do
	[[ $(readlink "$proc/root" 2>/dev/null) != "$root" ]] || left+=" ${proc#/proc/}:$(tr '\0' ' ' <"$proc/cmdline" | cut -c1-60)"
done
tap_is "... nothing of it left running in the LAVA root" "${left:-none}" none
tap_done
