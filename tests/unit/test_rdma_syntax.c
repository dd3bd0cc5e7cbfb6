// SPDX-License-Identifier: GPL-2.0
/*
 * rdma step lines: scenarios/rdma-dmabuf parses into the expected model,
 * optional keys take their defaults, and every malformed line gives
 * exactly the "FILE:LINE: message" a person would be shown, before any
 * guest boots.
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
#include "uapi/p2prig.h"

#include "unit_helpers.h"

/* Lines 1-2 of every malformed case: a description and a 1M CMB provider. */
#define HEAD                                           \
	"describe rdma lines\n"                        \
	"provider cmb nvme-cmb id=1b36:0010 size=1M\n"
#define HOST_KEYS "device=rxe0 op=write memory=host sizes=4K iterations=8 seed=1"
#define RDMA(keys) "step r rdma " keys "\n"

static void test_scenario_file_parses_into_model(void **state)
{
	struct scenario sc;
	static const struct {
		const char *name;
		enum rdma_op op;
		enum rdma_memory memory;
		uint64_t seed;
	} want[] = {
		{ "write-host", RDMA_OP_WRITE, RDMA_MEMORY_HOST, 0x5eed0101 },
		{ "read-host", RDMA_OP_READ, RDMA_MEMORY_HOST, 0x5eed0102 },
		{ "write-dmabuf", RDMA_OP_WRITE, RDMA_MEMORY_DMABUF, 0x5eed0103 },
	};

	(void)state;
	sc = parse_repository_ok("rdma-dmabuf");
	/* The rdma steps come first; dmabuf import steps follow them. */
	assert_true(sc.n_steps >= 3);
	for (size_t i = 0; i < 3; i++) {
		const struct scenario_step *s = &sc.steps[i];
		const struct rdma_params *r = &s->rdma;

		assert_string_equal(s->name, want[i].name);
		assert_int_equal(s->action, STEP_RDMA);
		assert_string_equal(s->action_name, "rdma");
		assert_string_equal(r->device, "rxe0");
		assert_int_equal(r->op, want[i].op);
		assert_int_equal(r->memory, want[i].memory);
		assert_int_equal(r->n_sizes, 3);
		assert_int_equal(r->sizes[0], 4096);
		assert_int_equal(r->sizes[1], 65536);
		assert_int_equal(r->sizes[2], 1 << 20);
		assert_int_equal(rdma_params_max_size(r), 1 << 20);
		assert_int_equal(r->iterations, 64);
		assert_int_equal(r->tx_depth, RDMA_DEFAULT_TX_DEPTH);
		assert_int_equal(r->seed, want[i].seed);
		assert_int_equal(scenario_step_check_seed(s), want[i].seed);
		assert_int_equal(s->n_expects, 1);
		assert_int_equal(s->expects[0].what, EXPECT_VERIFIED);
	}
	assert_true(sc.steps[0].rdma.provider == SCENARIO_NO_INDEX);
	assert_null(sc.steps[0].rdma.method);
	assert_int_equal(sc.steps[2].rdma.provider, 0);
	assert_string_equal(sc.steps[2].rdma.method->name, "mmio");
	assert_int_equal(sc.steps[2].rdma.method->uapi, P2PRIG_EXPORT_MMIO);
	scenario_free(&sc);
}

/* Keys in any order, tx-depth given, sizes unsorted, hex seed, expect pattern. */
static void test_optional_forms_parse(void **state)
{
	struct scenario sc = parse_ok(
		"step d rdma seed=0x10 sizes=1M,2,4K tx-depth=16 iterations=100000 method=phys-vec "
		"provider=p memory=dmabuf op=read device=mlx5_0\n"
		"expect pattern 0x99\nexpect verified\n"
		"provider p nvme-cmb slot=3:0.0 size=1M\ndescribe d\n");

	(void)state;
	const struct rdma_params *r = &sc.steps[0].rdma;
	assert_string_equal(r->device, "mlx5_0");
	assert_int_equal(r->op, RDMA_OP_READ);
	assert_int_equal(r->memory, RDMA_MEMORY_DMABUF);
	assert_int_equal(r->provider, 0);
	assert_int_equal(r->method->uapi, P2PRIG_EXPORT_PHYS_VEC);
	assert_int_equal(r->n_sizes, 3);
	assert_int_equal(r->sizes[1], 2);
	assert_int_equal(rdma_params_max_size(r), 1 << 20);
	assert_int_equal(r->tx_depth, 16);
	assert_int_equal(r->iterations, 100000);
	assert_int_equal(r->seed, 0x10);
	assert_int_equal(scenario_step_check_seed(&sc.steps[0]), 0x99);
	scenario_free(&sc);
}

static void test_names(void **state)
{
	enum rdma_op op;
	enum rdma_memory memory;

	(void)state;
	assert_true(rdma_op_parse("write", &op) && op == RDMA_OP_WRITE);
	assert_true(rdma_op_parse("read", &op) && op == RDMA_OP_READ);
	assert_false(rdma_op_parse("WRITE", &op));
	assert_false(rdma_op_parse("send", &op));
	assert_true(rdma_memory_parse("dmabuf", &memory) && memory == RDMA_MEMORY_DMABUF);
	assert_false(rdma_memory_parse("dma-buf", &memory));
	assert_string_equal(rdma_op_name(RDMA_OP_READ), "read");
	assert_string_equal(rdma_memory_name(RDMA_MEMORY_HOST), "host");
	ASSERT_EACH_TRUE(rdma_device_name_ok, "rxe0", "mlx5_0", "rocep1s0f0.1-x");
	ASSERT_EACH_FALSE(rdma_device_name_ok, "", "rxe/0",
			  "0123456789012345678901234567890123456789012345678901234567890123");
}

/* The error for an rdma step on line 3 without KEY=. */
#define MISSING(key) "bad:3: missing key '" key "=' (required by rdma steps)"

static void test_missing_and_unknown_keys(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=host sizes=4K colour=red"),
		      "bad:3: unknown key 'colour' (expected device, op, memory, provider, method, "
		      "sizes, iterations, seed or tx-depth)",
		      MISSING("iterations"), MISSING("seed"));
	ASSERT_ERRORS(HEAD RDMA(""), MISSING("device"), MISSING("op"), MISSING("memory"),
		      MISSING("sizes"), MISSING("iterations"), MISSING("seed"));
	ASSERT_ERRORS(HEAD RDMA(HOST_KEYS " seed=2"), "bad:3: duplicate key 'seed'");
}

static void test_bad_values(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA("device=rxe/0 op=send memory=gpu sizes=4K iterations=8 seed=1"),
		      "bad:3: bad RDMA device name 'rxe/0' (expected a verbs device such as rxe0 or "
		      "mlx5_0: letters, digits, '_', '.', '-', at most 63 characters)",
		      "bad:3: unknown rdma op 'send' (expected write or read)",
		      "bad:3: unknown rdma memory 'gpu' (expected host or dmabuf)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=host sizes=4K iterations=0 seed=x "
				"tx-depth=9000"),
		      "bad:3: iterations 0 is out of range (expected 1 to 100000)",
		      "bad:3: bad number 'x' for seed (expected decimal or 0x hex)",
		      "bad:3: tx-depth 9000 is out of range (expected 1 to 8192)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=host sizes=4K iterations=100001 seed=1"),
		      "bad:3: iterations 100001 is out of range (expected 1 to 100000)");
}

static void test_bad_sizes(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=4K,,1M iterations=8 seed=1"),
		      "bad:3: bad size '' in sizes (expected a comma-separated list of sizes > 0 "
		      "with an optional K, M or G suffix, e.g. 4K,64K,1M)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=4k iterations=8 seed=1"),
		      "bad:3: bad size '4k' in sizes (expected a comma-separated list of sizes > 0 "
		      "with an optional K, M or G suffix, e.g. 4K,64K,1M)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=0 iterations=8 seed=1"),
		      "bad:3: bad size '0' in sizes (expected a comma-separated list of sizes > 0 "
		      "with an optional K, M or G suffix, e.g. 4K,64K,1M)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=4K,128M iterations=8 seed=1"),
		      "bad:3: size 128M in sizes is larger than 64M");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=4K,64K,4096 iterations=8 "
				"seed=1"),
		      "bad:3: size 4K appears twice in sizes");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=read memory=host sizes=1,2,3,4,5,6,7,8,9,10,11,12,"
				"13,14,15,16,17 iterations=8 seed=1"),
		      "bad:3: too many sizes (at most 16)");
}

static void test_memory_keys(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA(HOST_KEYS " provider=cmb"),
		      "bad:3: memory=host takes no provider= (only memory=dmabuf exports a "
		      "provider's chunk)");
	ASSERT_ERRORS(HEAD RDMA(HOST_KEYS " method=mmio"),
		      "bad:3: memory=host takes no method= (only memory=dmabuf exports a "
		      "provider's chunk)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf sizes=4K iterations=8 seed=1"),
		      "bad:3: memory=dmabuf needs provider= and method= (the chunk to export and how)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf provider=cmb sizes=4K "
				"iterations=8 seed=1"),
		      "bad:3: memory=dmabuf needs method= (the chunk to export and how)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf provider=cmb method=p2p-page "
				"sizes=4K iterations=8 seed=1"),
		      "bad:3: unknown dma-buf export method 'p2p-page' (expected mmio, resource, "
		      "phys-vec, mmio-host or resource-host)");
}

static void test_provider_references(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf provider=nope method=mmio "
				"sizes=4K iterations=8 seed=1"),
		      "bad:3: unknown provider 'nope' (declare it with a provider line)");
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf provider=cmb method=mmio "
				"sizes=4K,2M iterations=8 seed=1"),
		      "bad:3: size 2M is larger than provider 'cmb' (size=1M)");
	ASSERT_ERRORS("describe ram\n"
		      "provider mem ram size=1M\n"
		      RDMA("device=rxe0 op=write memory=dmabuf provider=mem method=resource "
			   "sizes=4K iterations=8 seed=1"),
		      "bad:3: memory=dmabuf exports peer memory, but provider 'mem' is system RAM");
}

static void test_expectations(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA(HOST_KEYS) "expect dma-address iova\nexpect map-type predicted\n"
		      "expect refused\nexpect verified\nexpect verified\n",
		      "bad:4: 'expect dma-address' does not apply to rdma steps (expected verified "
		      "or pattern SEED)",
		      "bad:5: 'expect map-type' does not apply to rdma steps (expected verified or "
		      "pattern SEED)",
		      "bad:6: 'expect refused' does not apply to rdma steps (expected verified or "
		      "pattern SEED)",
		      "bad:8: duplicate 'expect verified' for step 'r' (the first is at line 7)");
}

/* A bad rdma line among others: every error, in line order. */
static void test_errors_in_line_order(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD RDMA("device=rxe0 op=write memory=dmabuf provider=nope method=mmio "
				"sizes=4K iterations=8 seed=1")
		      "step s rdma device=rxe0 op=copy memory=host sizes=4K iterations=8 seed=1\n"
		      "step r rdma " HOST_KEYS "\n",
		      "bad:3: unknown provider 'nope' (declare it with a provider line)",
		      "bad:4: unknown rdma op 'copy' (expected write or read)",
		      "bad:5: duplicate step name 'r' (the first is at line 3)");
}

UNIT_TEST_MAIN("rdma-syntax",
	cmocka_unit_test(test_scenario_file_parses_into_model),
	cmocka_unit_test(test_optional_forms_parse),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_missing_and_unknown_keys),
	cmocka_unit_test(test_bad_values),
	cmocka_unit_test(test_bad_sizes),
	cmocka_unit_test(test_memory_keys),
	cmocka_unit_test(test_provider_references),
	cmocka_unit_test(test_expectations),
	cmocka_unit_test(test_errors_in_line_order));
