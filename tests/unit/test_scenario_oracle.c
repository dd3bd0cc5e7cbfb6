// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario parser on what the host oracle needs: provider kind bar,
 * the region a transfer or dmabuf step uses (offset=), `expect oracle`,
 * and the rule that no later step writes over an oracle step's region.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/scenario.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

#define HEAD                                                  \
	"describe a test scenario\n"                          \
	"provider vram bar id=1af4:1110 size=1M\n"            \
	"initiator edu edu id=1234:11e8\n"
#define STEP(name, action, keys) \
	"step " name " " action " provider=vram initiator=edu piece=4K seed=1 " keys "\n"

static void test_bar_provider_and_offsets(void **state)
{
	struct scenario sc = parse_ok(HEAD STEP("a", "transfer", "method=p2p-page size=64K")
				      STEP("b", "dmabuf", "method=phys-vec size=64K offset=64K")
				      STEP("c", "transfer", "method=mmio size=512K offset=0x80000"));

	(void)state;
	assert_string_equal(sc.providers[0].kind->name, "bar");
	assert_true(sc.providers[0].kind->peer);
	assert_true(sc.providers[0].kind->host_readable);
	assert_int_equal(sc.providers[0].selector.filter.vendor, 0x1af4);
	assert_int_equal(sc.steps[0].transfer.offset, 0);
	assert_int_equal(sc.steps[1].transfer.offset, 64 << 10);
	assert_int_equal(sc.steps[2].transfer.offset, 512 << 10);
	scenario_free(&sc);
}

static void test_bad_offsets(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD STEP("a", "transfer", "method=mmio size=64K offset=100")
		      STEP("b", "dmabuf", "method=mmio size=64K offset=4k")
		      STEP("c", "transfer", "method=mmio size=64K offset=-4K")
		      STEP("d", "transfer", "method=mmio size=64K offset=1M")
		      STEP("e", "dmabuf", "method=mmio size=512K offset=768K")
		      STEP("f", "transfer", "method=mmio size=64K offset=4K offset=8K"),
		      "bad:4: offset 100 is not a multiple of 4K (a mapping starts on a page)",
		      "bad:5: bad offset '4k' (expected a number with an optional K, M or G suffix)",
		      "bad:6: bad offset '-4K' (expected a number with an optional K, M or G suffix)",
		      "bad:7: offset 1M + size 64K runs past the end of provider 'vram' (size=1M)",
		      "bad:8: offset 768K + size 512K runs past the end of provider 'vram' (size=1M)",
		      "bad:9: duplicate key 'offset'");
}

static void test_expect_oracle(void **state)
{
	struct scenario sc = parse_ok(HEAD STEP("a", "transfer", "method=mmio size=64K")
				      "expect oracle\n"
				      "expect verified\n"
				      STEP("b", "dmabuf", "method=resource size=64K offset=64K")
				      "expect oracle\n");

	(void)state;
	assert_non_null(scenario_step_expect(&sc.steps[0], EXPECT_ORACLE));
	assert_non_null(scenario_step_expect(&sc.steps[1], EXPECT_ORACLE));
	scenario_free(&sc);

	ASSERT_ERRORS(HEAD "provider cmb nvme-cmb id=1b36:0010 size=1M\n"
		      "step a transfer provider=cmb initiator=edu method=mmio size=64K piece=4K seed=1\n"
		      "expect oracle\n"
		      STEP("b", "transfer", "method=mmio size=64K")
		      "expect oracle now\n"
		      "expect refused\n"
		      "expect oracle\n"
		      "expect oracle\n"
		      "step r rdma device=rxe0 op=write memory=host sizes=4K iterations=1 seed=1\n"
		      "expect oracle\n",
		      "bad:6: 'expect oracle' needs a bar provider (the host reads the BAR through "
		      "ivshmem's backing file), but provider 'cmb' is nvme-cmb",
		      "bad:8: 'expect oracle' takes no value, got 'now'",
		      "bad:10: 'expect oracle' contradicts 'expect refused' at line 9 (a refused "
		      "mapping moves no data)",
		      "bad:11: 'expect oracle' contradicts 'expect refused' at line 9 (a refused "
		      "mapping moves no data)",
		      "bad:13: 'expect oracle' does not apply to rdma steps (expected verified or "
		      "pattern SEED)");
}

/* Later steps must leave an oracle step's bytes alone; earlier ones may not matter. */
static void test_oracle_regions_kept(void **state)
{
	struct scenario sc = parse_ok(
		HEAD STEP("before", "transfer", "method=mmio size=64K offset=64K")
		STEP("a", "transfer", "method=mmio size=64K offset=64K")
		"expect oracle\n"
		STEP("b", "dmabuf", "method=mmio size=64K offset=128K")
		"expect oracle\n"
		STEP("after", "transfer", "method=mmio size=64K")
		"step r rdma device=rxe0 op=write memory=dmabuf provider=vram method=mmio "
		"sizes=4K,64K iterations=1 seed=1\n");

	(void)state;
	scenario_free(&sc);
	ASSERT_ERRORS(HEAD STEP("a", "transfer", "method=mmio size=64K offset=64K")
		      "expect oracle\n"
		      STEP("b", "dmabuf", "method=mmio size=8K offset=120K")
		      STEP("c", "transfer", "method=mmio size=128K")
		      "step r rdma device=rxe0 op=read memory=dmabuf provider=vram method=mmio "
		      "sizes=65537 iterations=1 seed=1\n",
		      "bad:6: step 'b' writes [120K, 128K) of provider 'vram', over the bytes oracle "
		      "step 'a' (line 4) leaves for the host to check (give one of them another "
		      "offset=)",
		      "bad:7: step 'c' writes [0, 128K) of provider 'vram', over the bytes oracle "
		      "step 'a' (line 4) leaves for the host to check (give one of them another "
		      "offset=)",
		      "bad:8: step 'r' writes [0, 68K) of provider 'vram', over the bytes oracle "
		      "step 'a' (line 4) leaves for the host to check (give one of them another "
		      "offset=)");
}

UNIT_TEST_MAIN("scenario-oracle",
	cmocka_unit_test(test_bar_provider_and_offsets),
	cmocka_unit_test(test_bad_offsets),
	cmocka_unit_test(test_expect_oracle),
	cmocka_unit_test(test_oracle_regions_kept));
