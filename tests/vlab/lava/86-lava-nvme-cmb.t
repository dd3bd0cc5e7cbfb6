#!/usr/bin/env bash
# The rig as a LAVA lab runs it: lava-run (Debian 12's lava-dispatcher)
# runs lava/jobs/vlab.yaml.jinja2 with scenario nvme-cmb on the
# virtual-lab device. LAVA deploys the kernel under test and the device's
# initramfs, boots the virtual lab to its prompt, puts the checkout (the
# test definition's repository) in its overlay, and the definition runs
# lab mode there as on a lab host. Every KTAP line of the run must arrive
# as a passing LAVA test case, the result files must reach the results
# share, and the wrapper's verdict must be pass.
# shellcheck disable=SC2016 # each bash -c script expands its own arguments
set -euo pipefail
# shellcheck source=tests/lib/lava.sh
source "$(dirname "$0")/../../lib/lava.sh"
lava_requires
tap_plan 9

t0=$(date +%s)
lava_job "$TOP/lava/jobs/vlab.yaml.jinja2" scenario=nvme-cmb config=lab-vlab-guest
echo "# job time: $(($(date +%s) - t0)) s (preparation, lava-run and the verdict)"
def=0_p2prig-nvme-cmb
tap_is "lava/lava.sh run: exit 0" "$LAVA_RC" 0
tap_ok "... verdict: pass, no test case failed" bash -c '[[ $1 == "verdict: pass ("*" test cases, none failed)" ]]' _ "$LAVA_VERDICT"
tap_is "LAVA's own job result: pass (the job ran to its end)" \
	"$(awk '$1 == "lava" && $2 == "job" { print $3 }' "$LAVA_OUT/results.txt")" pass
tap_is "the run itself as a test case: lab-run pass" "$(lava_cases "$def" | grep '^lab-run ')" "lab-run pass"

# The files the test definition copied to the device's results share.
run=$(find "$LAVA_OUT/results" -mindepth 2 -maxdepth 2 -name ktap.txt -printf '%h\n' | head -n 1)
tap_ok "result.json, ktap.txt and junit.xml reached the results share" \
	test -s "${run:-/nonexistent}/result.json" -a -s "${run:-/nonexistent}/ktap.txt" -a -s "${run:-/nonexistent}/junit.xml"
tap_is "... result.json: rig lab, both steps passed, the host's pass" \
	"$(jq -r '"\(.rig) \(.summary.passed) \(.summary.failed) \(.host.verdict)"' "${run:-/nonexistent}/result.json" 2>/dev/null)" "lab 2 0 pass"
# Every KTAP result line, as LAVA must have it: the same names, all pass.
want=$(sed -nE 's/^ok [0-9]+ ([^#]*[^# ])$/\1 pass/p' "${run:-/nonexistent}/ktap.txt" 2>/dev/null | sort)
ktap_lines=$(grep -cE '^(not )?ok [0-9]+ ' "${run:-/nonexistent}/ktap.txt" 2>/dev/null || true)
tap_ok "... every KTAP line passed (${ktap_lines:-0} lines, steps and host checks)" \
	bash -c '[[ -n $1 && $(wc -l <<<"$1") == "$2" ]]' _ "$want" "${ktap_lines:-0}"
tap_is "... and each arrived as a LAVA test case, passing" \
	"$(lava_cases "$def" | grep -v '^lab-run ')" "$want"
tap_ok "... the steps among them (mmio, resource)" \
	bash -c 'grep -qx "mmio pass" <<<"$1" && grep -qx "resource pass" <<<"$1"' _ "$(lava_cases "$def")"
tap_done
