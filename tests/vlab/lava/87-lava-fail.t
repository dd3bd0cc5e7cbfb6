#!/usr/bin/env bash
# A failure must reach the wrapper's verdict, though lava-run itself
# exits 0 and calls the job complete when a test case fails. A scenario
# made to fail (tests/data/lava/nvme-cmb-wrong-address: a step expecting
# the CMB's bus address where the IOMMU hands out an IOVA) runs as a LAVA
# job on the virtual-lab device: its failing step must arrive as a failing
# test case and make the verdict fail. Then a job stopped by the wrapper's
# outer timeout: the verdict says it did not finish, and nothing of it
# (lava-run, QEMU) is left running.
# shellcheck disable=SC2016 # each bash -c script expands its own arguments
set -euo pipefail
# shellcheck source=tests/lib/lava.sh
source "$(dirname "$0")/../../lib/lava.sh"
lava_requires
tap_plan 8

t0=$(date +%s)
lava_job "$TOP/lava/jobs/vlab.yaml.jinja2" scenario=tests/data/lava/nvme-cmb-wrong-address config=lab-vlab-guest
echo "# job time: $(($(date +%s) - t0)) s"
def=0_p2prig-tests-data-lava-nvme-cmb-wrong-address
tap_is "lava/lava.sh run: exit 1" "$LAVA_RC" 1
tap_is "... though LAVA's own job result is pass: the job ran to its end" \
	"$(awk '$1 == "lava" && $2 == "job" { print $3 }' "$LAVA_OUT/results.txt")" pass
tap_is "the failing step arrived as a failing test case" "$(lava_cases "$def" | grep '^mmio ')" "mmio fail"
tap_is "... the run's exit 1 as lab-run fail" "$(lava_cases "$def" | grep '^lab-run ')" "lab-run fail"
tap_ok "... the verdict: fail, naming both" \
	bash -c '[[ $1 == "verdict: fail ("*"failed: "* && $1 == *"$2/lab-run"* && $1 == *"$2/mmio"* ]]' _ "$LAVA_VERDICT" "$def"

# The outer timeout: the plumbing job given less time than its overlay
# takes to make.
root=${P2PRIG_CACHE:-$HOME/.cache/p2prig}/lava-bookworm
P2PRIG_LAVA_TIMEOUT=20 lava_job "$TOP/tests/data/lava/plumbing.yaml.jinja2"
tap_is "a job stopped by the outer timeout: exit 1" "$LAVA_RC" 1
tap_ok "... verdict: fail, the job did not finish" \
	bash -c '[[ $1 == "verdict: fail (the job did not finish"* ]]' _ "$LAVA_VERDICT"
left=""
for proc in /proc/[0-9]*; do
	[[ $(readlink "$proc/root" 2>/dev/null) != "$root" ]] || left+=" ${proc#/proc/}:$(tr '\0' ' ' <"$proc/cmdline" | cut -c1-60)"
done
tap_is "... nothing of it left running in the LAVA root" "${left:-none}" none
tap_done
