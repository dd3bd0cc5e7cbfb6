#!/usr/bin/env bash
# The rig as a LAVA lab runs it: lava-run (Debian 12's lava-dispatcher)
# runs lava/jobs/vlab.yaml.jinja2 on the virtual-lab device with two
# scenarios in one booted guest: nvme-cmb, then a scenario made to fail
# (tests/data/lava/nvme-cmb-wrong-address: a step expecting the CMB's bus
# address where the IOMMU hands out an IOVA), which reuses the runner and
# the module nvme-cmb built. LAVA deploys the kernel under test and the
# device's initramfs, boots the virtual lab to its prompt, puts the
# checkout in its overlay, and the definition runs lab mode there as on a
# lab host, each scenario a LAVA test set. nvme-cmb: every KTAP line
# arrives as a passing test case and its result files reach the results
# share. The failing scenario: its step arrives as a failing case. LAVA
# calls the job complete (lava-run exits 0), yet the wrapper's verdict is
# fail, naming the failing scenario's cases and none of nvme-cmb's.
# shellcheck disable=SC2016 # each bash -c script expands its own arguments
set -euo pipefail
# shellcheck source=tests/lib/lava.sh
source "$(dirname "$0")/../../lib/lava.sh"
lava_requires
tap_plan 13

t0=$(date +%s)
lava_job "$TOP/lava/jobs/vlab.yaml.jinja2" scenario="nvme-cmb tests/data/lava/nvme-cmb-wrong-address" \
	config=lab-vlab-guest
echo "# job time: $(($(date +%s) - t0)) s (preparation, lava-run and the verdict)"
def=0_p2prig-nvme-cmb_tests-data-lava-nvme-cmb-wrong-address
good=$def/nvme-cmb
bad=$def/tests_data_lava_nvme-cmb-wrong-address
tap_is "LAVA's own job result: pass (the job ran to its end)" \
	"$(awk '$1 == "lava" && $2 == "job" { print $3 }' "$LAVA_OUT/results.txt")" pass

# nvme-cmb, first: everything passes.
tap_is "nvme-cmb: the run itself as a test case: lab-run pass" "$(lava_cases "$good" | grep '^lab-run ')" "lab-run pass"
run=""
for f in "$LAVA_OUT"/results/*/result.json; do
	[[ $(jq -r .scenario "$f" 2>/dev/null) != nvme-cmb ]] || run=${f%/*}
done
tap_ok "... result.json, ktap.txt and junit.xml reached the results share" \
	test -s "${run:-/nonexistent}/result.json" -a -s "${run:-/nonexistent}/ktap.txt" -a -s "${run:-/nonexistent}/junit.xml"
tap_is "... result.json: rig lab, both steps passed, the host's pass" \
	"$(jq -r '"\(.rig) \(.summary.passed) \(.summary.failed) \(.host.verdict)"' "${run:-/nonexistent}/result.json" 2>/dev/null)" "lab 2 0 pass"
# Every KTAP result line, as LAVA must have it: the same names, all pass.
want=$(sed -nE 's/^ok [0-9]+ ([^#]*[^# ])$/\1 pass/p' "${run:-/nonexistent}/ktap.txt" 2>/dev/null | sort)
ktap_lines=$(grep -cE '^(not )?ok [0-9]+ ' "${run:-/nonexistent}/ktap.txt" 2>/dev/null || true)
tap_ok "... every KTAP line passed (${ktap_lines:-0} lines, steps and host checks)" \
	bash -c '[[ -n $1 && $(wc -l <<<"$1") == "$2" ]]' _ "$want" "${ktap_lines:-0}"
tap_is "... and each arrived as a LAVA test case, passing" \
	"$(lava_cases "$good" | grep -v '^lab-run ')" "$want"
tap_ok "... the steps among them (mmio, resource)" \
	bash -c 'grep -qx "mmio pass" <<<"$1" && grep -qx "resource pass" <<<"$1"' _ "$(lava_cases "$good")"

# The scenario made to fail, second, in the same guest.
tap_is "nvme-cmb-wrong-address: the failing step arrived as a failing test case" \
	"$(lava_cases "$bad" | grep '^mmio ')" "mmio fail"
tap_is "... the run's exit 1 as lab-run fail" "$(lava_cases "$bad" | grep '^lab-run ')" "lab-run fail"
tap_is "... its result.json: one step, failed" \
	"$(for f in "$LAVA_OUT"/results/*/result.json; do
		jq -r 'select(.scenario == "nvme-cmb-wrong-address") | "\(.summary.passed) \(.summary.failed)"' "$f"
	done)" "0 1"

# The wrapper's verdict.
tap_is "lava/lava.sh run: exit 1" "$LAVA_RC" 1
tap_ok "... verdict: fail, naming the failing scenario's lab-run and mmio" \
	bash -c '[[ $1 == "verdict: fail ("*"failed: "* && $1 == *" $2/lab-run"* && $1 == *" $2/mmio"* ]]' _ "$LAVA_VERDICT" "$bad"
tap_ok "... and none of nvme-cmb's cases" bash -c '[[ $1 != *"$2/"* ]]' _ "$LAVA_VERDICT" "$good"
tap_done
