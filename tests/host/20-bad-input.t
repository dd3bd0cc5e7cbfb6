#!/usr/bin/env bash
# Bad input is refused before the guest boots, with file:line and what was
# expected; nothing is written under results/. A table of malformed
# scenarios, each through the front door (harness/run-scenario.sh FILE);
# malformed rig configs are tests/host/22-config.t's table, thresholds lines
# tests/host/35-compare.t's; nightly lists are at the end here.
set -euo pipefail
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

results=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$results" "$work"' EXIT

# The cases, one a line: name|scenario text (a printf format; most start
# from the three lines of head3)|the message (a regex after "FILE:").
head3='describe bad input\nprovider cmb nvme-cmb id=1b36:0010 size=1M\ninitiator edu edu id=1234:11e8\n'
step="step s1 transfer provider=cmb initiator=edu method=mmio size=64K piece=4K seed=1"
names=() texts=() wants=()
while IFS='|' read -r name text want; do
	names+=("$name") texts+=("$text") wants+=("$want")
done <<CASES
empty||1: missing 'describe' line
binary-png|\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10|3: not text: a NUL byte
control-bytes|${head3}\x1b[2J$step\n|4: not text: byte 0x1b at column 1
only-comments|# nothing here\n\n|2: missing 'describe' line
unknown-keyword|${head3}frobnicate all\n$step\n|4: unknown keyword 'frobnicate' \(expected describe, config
unknown-action|${head3}step s1 teleport provider=cmb initiator=edu\n|4: unknown step action 'teleport' \(expected transfer, rdma
unknown-key|${head3}$step colour=blue\n|4: unknown key 'colour' \(expected provider, initiator, method
key-twice|${head3}$step seed=2\n|4: duplicate key 'seed'
size-not-a-size|${head3}step s1 transfer provider=cmb initiator=edu method=mmio size=lots piece=4K seed=1\n|4: bad size 'lots' for size \(expected a number > 0 with an optional K, M or G suffix\)
seed-not-a-number|${head3}step s1 transfer provider=cmb initiator=edu method=mmio size=64K piece=4K seed=0xZZ\n|4: bad .*seed
piece-not-dividing|${head3}step s1 transfer provider=cmb initiator=edu method=mmio size=64K piece=3K seed=1\n|4: piece 3K does not divide size 64K
region-past-end|${head3}step s1 transfer provider=cmb initiator=edu method=mmio size=2M piece=4K seed=1\n|4: size 2M is larger than provider 'cmb' \(size=1M\)
unknown-method|${head3}step s1 transfer provider=cmb initiator=edu method=mmo size=64K piece=4K seed=1\n|4: unknown method 'mmo' \(expected mmio, resource
undeclared-provider|${head3}step s1 transfer provider=gpu initiator=edu method=mmio size=64K piece=4K seed=1\n|4: unknown provider 'gpu' \(declare it with a provider line\)
expect-before-step|${head3}expect verified\n$step\n|4: 'expect' before any step
unknown-expectation|${head3}$step\nexpect happiness\n|5: unknown expectation 'happiness' \(expected verified, pattern SEED
expectation-without-seed|${head3}$step\nexpect pattern\n|5: 'expect pattern' needs a SEED
expectation-without-type|${head3}$step\nexpect map-type\n|5: bad value '' for 'expect map-type' \(expected BUS_ADDR, THRU_HOST_BRIDGE
duplicate-step|${head3}$step\nstep s1 transfer provider=cmb initiator=edu method=resource size=64K piece=4K seed=2\n|5: duplicate step name 's1' \(the first is at line 4\)
bad-selector|describe x\nprovider cmb nvme-cmb id=zz:0010 size=1M\n|2: bad selector 'id=zz:0010' \(libpci: Invalid vendor ID
bad-kernel-version|${head3}require kernel seven\n$step\n|4: bad kernel version 'seven' \(expected MAJOR.MINOR
three-nodes|${head3}nodes 3\n$step\n|4: bad node count '3' \(expected 1, or 2
bad-regex|${head3}allow-dmesg foo(\n$step\n|4: invalid allow-dmesg regex 'foo\('
rdma-unknown-op|${head3}step r rdma device=rxe0 op=frob memory=host sizes=4K iterations=1 seed=1\n|4: unknown rdma op 'frob' \(expected write or read\)
map-cost-bad-granule|${head3}step c map-cost provider=cmb initiator=edu methods=mmio granules=5K repeats=5 iterations=10\n|4: bad granule '5K' \(expected a multiple of 4K from 4K to 2M\)
write-to-non-scratch|${head3}storage disk nvme serial=p2prig0 nsid=1\nstep f fio storage=disk buffer=cmb rw=write-read sizes=4K iodepths=1 size=1M\n|5: step 'f' writes to storage 'disk' .*not marked scratch
unknown-config|${head3}config no-such-rig\n$step\n|4: .*no-such-rig
CASES

tap_plan $((3 * ${#names[@]} + 8))
for i in "${!names[@]}"; do
	file=$work/${names[i]}
	# shellcheck disable=SC2059 # the table's texts are printf formats
	printf "${texts[i]}" >"$file"
	rc=0
	out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" "$file" 2>&1) || rc=$?
	tap_ok "${names[i]}: refused (exit $rc)" test "$rc" -ne 0
	if ! tap_ok "${names[i]}: file:line: what was expected" grep -qE "^${file}:${wants[i]}" <<<"$out"; then
		printf '#   | %s\n' "${out//$'\n'/$'\n'#   | }"
	fi
	# shellcheck disable=SC2016 # $1 is the inner shell's
	tap_ok "${names[i]}: before any boot, no control byte echoed" \
		bash -c '! grep -q "boot:" <<<"$1" && ! LC_ALL=C grep -qP "[\x00-\x08\x0b\x0c\x0e-\x1f]" <<<"$1"' _ "$out"
done
tap_is "nothing written under results" "$(find "$results" -mindepth 1 | wc -l)" 0

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" no-such-scenario 2>&1) || rc=$?
tap_ok "unknown scenario: non-zero exit" test "$rc" -ne 0
tap_ok "unknown scenario: named, with the known ones" \
	grep -q "unknown scenario 'no-such-scenario' (known: .*nvme-cmb" <<<"$out"

rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-scenario.sh" nvme-cmb --kernel 9.9 2>&1) || rc=$?
tap_ok "unknown kernel: named, with the pinned ones and the built forms" grep -q "unknown guest kernel '9.9' (pinned: .*7.3.4.*; or one the rig builds: src:VERSION" <<<"$out"

# The fuzzer's replay options: numbers, and only for the fuzzer.
rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-guest-test.sh" kmod-fuzz --seed 12ab 2>&1) || rc=$?
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
tap_ok "guest test --seed 12ab: exit 2, the option named" \
	bash -c '[[ $1 == 2 ]] && grep -q "^--seed needs a decimal number, not .12ab." <<<"$2"' _ "$rc" "$out"
rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/run-guest-test.sh" kmod-uapi --calls 5 2>&1) || rc=$?
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
tap_ok "guest test kmod-uapi --calls 5: refused before any boot" \
	bash -c '[[ $1 != 0 ]] && grep -q "are the fuzzer.s (kmod-fuzz), not kmod-uapi.s" <<<"$2" && ! grep -q "boot:" <<<"$2"' _ "$rc" "$out"

# The nightly list: every line checked before anything runs.
printf 'nvme-cmb\nno-such-scenario\nmap-cost config=nope colour=red\n' >"$work/nightly"
rc=0
out=$(P2PRIG_RESULTS=$results "$TOP/harness/nightly.sh" --list "$work/nightly" 2>&1) || rc=$?
tap_is "a bad nightly list: exit 2" "$rc" 2
tap_is "... each bad line named, nothing run" \
	"$(grep -cE "^$work/nightly:(2: no scenario \"no-such-scenario\"|3: expected config=NAME or kernel=SPEC after the scenario, got \"colour=red\"|3: no config \"nope\")" <<<"$out") $(find "$results" -mindepth 1 | wc -l)" "3 0"
tap_done
