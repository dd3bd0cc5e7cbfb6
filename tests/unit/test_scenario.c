// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario parser: the example scenario from the repository parses
 * into the expected model, and malformed files give exactly the
 * "FILE:LINE: message" a person would be shown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/numparse.h"
#include "scenario/scenario.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

/* Lines 1-3 of every malformed case unless it is about them. */
#define HEAD                                                  \
	"describe a test scenario\n"                          \
	"provider cmb nvme-cmb id=1b36:0010 size=1M\n"        \
	"initiator edu edu id=1234:11e8\n"
#define STEP_WITH(keys) "step s transfer provider=cmb initiator=edu " keys "\n"
#define GOOD_KEYS "method=mmio size=64K piece=4K seed=1"

/* A malformed text and exactly the errors it gives, in order. */
struct error_case {
	const char *text;
	const char *const *errors;
};

/* Error cases are data: each is one cmocka test named test_NAME, run by test_error_case. */
#define ERROR_CASE(name, text, ...)						\
	static const struct error_case name##_case = {				\
		text, (const char *const[]){ __VA_ARGS__, NULL }		\
	}
#define ERROR_TEST(name)							\
	{ "test_" #name, test_error_case, NULL, NULL, (void *)&name##_case }

static void test_error_case(void **state)
{
	const struct error_case *c = *state;

	assert_errors(c->text, c->errors);
}

static void test_example_file_parses_into_model(void **state)
{
	struct scenario sc;

	(void)state;
	sc = parse_repository_ok("nvme-cmb");

	assert_string_equal(sc.name, "nvme-cmb");
	assert_string_equal(sc.description, "edu DMA to and from an NVMe CMB, mapped through "
					    "the host bridge by dma_map_phys(MMIO) and by "
					    "dma_map_resource");
	assert_true(sc.requires_kernel);
	assert_int_equal(sc.min_kernel.major, 6);
	assert_int_equal(sc.min_kernel.minor, 18);
	assert_string_equal(sc.min_kernel_text, "6.18");

	assert_int_equal(sc.n_providers, 1);
	assert_string_equal(sc.providers[0].name, "cmb");
	assert_string_equal(sc.providers[0].kind->name, "nvme-cmb");
	assert_string_equal(sc.providers[0].selector.text, "id=1b36:0010");
	assert_int_equal(sc.providers[0].selector.filter.vendor, 0x1b36);
	assert_int_equal(sc.providers[0].selector.filter.device, 0x0010);
	assert_int_equal(sc.providers[0].size, 1 << 20);

	assert_int_equal(sc.n_initiators, 1);
	assert_string_equal(sc.initiators[0].name, "edu");
	assert_string_equal(sc.initiators[0].kind->name, "edu");
	assert_int_equal(sc.initiators[0].selector.filter.vendor, 0x1234);
	assert_int_equal(sc.initiators[0].selector.filter.device, 0x11e8);

	static const struct {
		const char *name, *method;
		uint64_t seed;
	} want[] = { { "mmio", "mmio-host", 0x5eed0001 },
		     { "resource", "resource-host", 0x5eed0002 } };
	assert_int_equal(sc.n_steps, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct scenario_step *s = &sc.steps[i];
		assert_string_equal(s->name, want[i].name);
		assert_int_equal(s->action, STEP_TRANSFER);
		assert_string_equal(s->action_name, "transfer");
		assert_int_equal(s->transfer.provider, 0);
		assert_int_equal(s->transfer.initiator, 0);
		assert_string_equal(s->transfer.method->name, want[i].method);
		assert_int_equal(s->transfer.size, 1 << 20);
		assert_int_equal(s->transfer.piece, 4096);
		assert_int_equal(s->transfer.seed, want[i].seed);
		assert_int_equal(s->transfer.map_repeat, SCENARIO_DEFAULT_MAP_REPEAT);
		assert_int_equal(s->transfer.warmup, SCENARIO_DEFAULT_WARMUP);
		assert_int_equal(s->n_expects, 3 + i);
		assert_int_equal(s->expects[0].what, EXPECT_VERIFIED);
		assert_int_equal(s->expects[1].what, EXPECT_DMA_ADDRESS);
		assert_int_equal(s->expects[1].dma, EXPECT_DMA_IOVA);
		assert_int_equal(s->expects[2].what, EXPECT_MAP_TYPE);
		assert_int_equal(s->expects[2].map_type, EXPECT_MAP_PREDICTED);
		assert_int_equal(scenario_step_check_seed(s), want[i].seed);
	}
	/* The resource step must agree with the mmio step, within the default 3 %. */
	assert_int_equal(sc.steps[1].expects[3].what, EXPECT_METHODS_AGREE);
	assert_true(sc.steps[1].expects[3].within_percent == SCENARIO_DEFAULT_AGREE_PERCENT);
	assert_int_equal(sc.steps[0].line, 23);
	assert_int_equal(sc.steps[1].line, 28);
	assert_int_equal(sc.n_allows, 0);
	scenario_free(&sc);
}

/* Everything optional at once, in an unusual order. */
static void test_optional_forms_parse(void **state)
{
	struct scenario sc;
	static const char text[] =
		"step a transfer seed=10 piece=512 size=0x2000 method=resource "
		"initiator=e provider=p map-repeat=0\n"
		"expect pattern 0xabc   # checked against another seed\n"
		"expect dma-address bar\n"
		"allow-dmesg DMAR: DRHD: handling fault#[0-9]+\n"
		"provider p nvme-cmb slot=0000:03:00.0 size=128M\n"
		"initiator e edu slot=4.0\n"
		"require kernel 6.12.117\n"
		"describe\tspaced   out  text  \n";

	(void)state;
	sc = parse_ok(text);
	const struct scenario_step *s = &sc.steps[0];
	assert_int_equal(s->transfer.seed, 10);
	assert_int_equal(s->transfer.piece, 512);
	assert_int_equal(s->transfer.size, 0x2000);
	assert_int_equal(s->transfer.map_repeat, 0);
	assert_string_equal(s->transfer.method->name, "resource");
	assert_int_equal(s->expects[0].what, EXPECT_PATTERN);
	assert_int_equal(s->expects[0].seed, 0xabc);
	assert_int_equal(s->expects[1].dma, EXPECT_DMA_BAR);
	assert_int_equal(scenario_step_check_seed(s), 0xabc);
	/* '#' inside a word is part of the regex, not a comment. */
	assert_string_equal(sc.allows[0].text, "DMAR: DRHD: handling fault#[0-9]+");
	assert_int_equal(sc.providers[0].size, UINT64_C(128) << 20);
	assert_int_equal(sc.providers[0].selector.filter.bus, 3);
	assert_int_equal(sc.providers[0].selector.filter.slot, 0);
	assert_int_equal(sc.initiators[0].selector.filter.slot, 4);
	assert_int_equal(sc.min_kernel.patch, 117);
	assert_string_equal(sc.description, "spaced   out  text");
	scenario_free(&sc);
}

static void test_numbers_and_sizes(void **state)
{
	uint64_t v;
	char buf[SIZE_TEXT_MAX];

	(void)state;
	assert_true(parse_number("0x5eed0001", &v) && v == 0x5eed0001);
	assert_true(parse_number("010", &v) && v == 10);	/* decimal, never octal */
	assert_true(parse_number("18446744073709551615", &v) && v == UINT64_MAX);
	assert_false(parse_number("18446744073709551616", &v));
	assert_false(parse_number("-1", &v));
	assert_false(parse_number(" 1", &v));
	assert_false(parse_number("0x", &v));
	assert_false(parse_number("", &v));
	assert_true(parse_size("4K", &v) && v == 4096);
	assert_true(parse_size("3G", &v) && v == UINT64_C(3) << 30);
	assert_true(parse_size("0x10M", &v) && v == UINT64_C(16) << 20);
	assert_false(parse_size("4k", &v));
	assert_false(parse_size("4KB", &v));
	assert_false(parse_size("K", &v));
	assert_false(parse_size("17179869184G", &v));
	format_size(1 << 20, buf, sizeof(buf));
	assert_string_equal(buf, "1M");
	format_size(6144, buf, sizeof(buf));
	assert_string_equal(buf, "6K");
	format_size(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
	/* The widest spellings fit whole. */
	format_size(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551615");
	format_size(UINT64_C(0xfffffffffffff000), buf, sizeof(buf));
	assert_string_equal(buf, "18014398509481980K");
}

ERROR_CASE(unknown_keyword,
	HEAD STEP_WITH(GOOD_KEYS) "expectt verified\n",
	"bad:5: unknown keyword 'expectt' (expected describe, config, nodes, require, "
	"provider, initiator, storage, step, expect or allow-dmesg)");

ERROR_CASE(missing_describe,
	"# no description\n"
	"provider cmb nvme-cmb id=1b36:0010 size=1M\n"
	"initiator edu edu id=1234:11e8\n" STEP_WITH(GOOD_KEYS),
	"bad:4: missing 'describe' line (one sentence saying what the scenario shows)");

ERROR_CASE(duplicate_describe,
	HEAD STEP_WITH(GOOD_KEYS) "describe another sentence\n",
	"bad:5: duplicate 'describe' (the first is at line 1)");

ERROR_CASE(bad_name,
	HEAD "step Mmio_1 transfer provider=cmb initiator=edu " GOOD_KEYS "\n",
	"bad:4: bad step name 'Mmio_1' (expected [a-z0-9][a-z0-9-]*)");

ERROR_CASE(duplicate_names,
	HEAD STEP_WITH(GOOD_KEYS) STEP_WITH(GOOD_KEYS)
	"provider cmb nvme-cmb id=1b36:0010 size=1M\n",
	"bad:5: duplicate step name 's' (the first is at line 4)",
	"bad:6: duplicate provider name 'cmb' (the first is at line 2)");

ERROR_CASE(unknown_kinds,
	"describe kinds\n"
	"provider cmb nvme id=1b36:0010 size=1M\n"
	"initiator edu mlx5 id=1234:11e8\n" STEP_WITH(GOOD_KEYS),
	"bad:2: unknown provider kind 'nvme' (expected nvme-cmb, bar or ram)",
	"bad:3: unknown initiator kind 'mlx5' (expected edu)");

ERROR_CASE(bad_selectors,
	"describe selectors\n"
	"provider cmb nvme-cmb id=1b36:zz size=1M\n"
	"initiator edu edu 1234:11e8\n"
	"initiator edu2 edu slot=0:1f.9\n"
	"initiator edu3 edu id=\n" STEP_WITH(GOOD_KEYS),
	"bad:2: bad selector 'id=1b36:zz' (libpci: Invalid device ID; expected "
	"id=VENDOR:DEVICE or slot=[[DOMAIN:]BUS:]DEV.FN)",
	"bad:3: bad selector '1234:11e8' (expected id=VENDOR:DEVICE or "
	"slot=[[DOMAIN:]BUS:]DEV.FN)",
	"bad:4: bad selector 'slot=0:1f.9' (libpci: Invalid function number; "
	"expected id=VENDOR:DEVICE or slot=[[DOMAIN:]BUS:]DEV.FN)",
	"bad:5: bad selector 'id=' (expected id=VENDOR:DEVICE or "
	"slot=[[DOMAIN:]BUS:]DEV.FN)");

ERROR_CASE(missing_and_unknown_keys,
	HEAD STEP_WITH("method=mmio size=64K seed=1 colour=blue")
	"provider p2 nvme-cmb id=1b36:0010\n",
	"bad:4: unknown key 'colour' (expected provider, initiator, method, size, "
	"piece, seed, offset, map-repeat, warmup or vlab-bus-addr)",
	"bad:4: missing key 'piece=' (required by transfer steps)",
	"bad:5: missing key 'size=' (required by provider lines)");

ERROR_CASE(bad_numbers_and_sizes,
	HEAD STEP_WITH("method=mmio size=64k piece=4K seed=0xzz map-repeat=-1"),
	"bad:4: bad size '64k' for size (expected a number > 0 with an optional K, "
	"M or G suffix)",
	"bad:4: bad number '0xzz' for seed (expected decimal or 0x hex)",
	"bad:4: bad number '-1' for map-repeat (expected decimal or 0x hex)");

ERROR_CASE(piece_rules,
	HEAD STEP_WITH("method=mmio size=64K piece=3000 seed=1")
	"step t transfer provider=cmb initiator=edu method=mmio size=64K piece=8K "
	"seed=1\n",
	"bad:4: piece 3000 does not divide size 64K",
	"bad:5: piece 8K is larger than the edu initiator's window (4K)");

/* vlab-bus-addr: skip (the default) or run, which hands a bus address out anyway. */
static void test_vlab_bus_addr(void **state)
{
	struct scenario sc;

	(void)state;
	ASSERT_ERRORS(HEAD STEP_WITH(GOOD_KEYS " vlab-bus-addr=maybe"),
		      "bad:4: vlab-bus-addr 'maybe': expected skip or run");
	assert_int_equal(scenario_parse_text("ok", HEAD STEP_WITH(GOOD_KEYS), &sc), 0);
	assert_false(sc.steps[0].transfer.vlab_bus_addr_run);
	scenario_free(&sc);
	assert_int_equal(scenario_parse_text("ok", HEAD STEP_WITH(GOOD_KEYS " vlab-bus-addr=run"),
					     &sc), 0);
	assert_true(sc.steps[0].transfer.vlab_bus_addr_run);
	scenario_free(&sc);
}

static void test_size_larger_than_provider(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD STEP_WITH("method=mmio size=2M piece=4K seed=1"),
		      "bad:4: size 2M is larger than provider 'cmb' (size=1M)");
	/* The offset is shown whole, not cut by a small buffer. */
	ASSERT_ERRORS(HEAD STEP_WITH("method=mmio offset=0xfffffffffffff000 size=4K piece=4K seed=1"),
		      "bad:4: offset 18014398509481980K + size 4K runs past the end of provider "
		      "'cmb' (size=1M)");
}

ERROR_CASE(unknown_references,
	HEAD "step s transfer provider=cmc initiator=edu0 " GOOD_KEYS "\n",
	"bad:4: unknown provider 'cmc' (declare it with a provider line)",
	"bad:4: unknown initiator 'edu0' (declare it with an initiator line)");

ERROR_CASE(unknown_method_and_action,
	HEAD STEP_WITH("method=mmo size=64K piece=4K seed=1")
	"step t copy provider=cmb\n",
	"bad:4: unknown method 'mmo' (expected mmio, resource, p2p-page, page, "
	"iova-link, mmio-host, resource-host or iova-link-host)",
	"bad:5: unknown step action 'copy' (expected transfer, rdma, dmabuf, fio, nvme-copy or map-cost)");

ERROR_CASE(expect_before_any_step,
	HEAD "expect verified\n" STEP_WITH(GOOD_KEYS),
	"bad:4: 'expect' before any step (an expectation belongs to the step above "
	"it)");

ERROR_CASE(bad_expectations,
	HEAD STEP_WITH(GOOD_KEYS) "expect fast\n"
	"expect dma-address phys\n"
	"expect pattern\n"
	"expect verified yes\n"
	"expect pattern 0x1g\n"
	"expect dma-address iova\n"
	"expect dma-address bar\n",
	"bad:5: unknown expectation 'fast' (expected verified, pattern SEED, "
	"dma-address bar|iova|ram|bounced, map-type TYPE, refused, oracle or methods-agree [within=N%])",
	"bad:6: bad value 'phys' for 'expect dma-address' (expected bar, iova, ram or "
	"bounced)",
	"bad:7: 'expect pattern' needs a SEED (decimal or 0x hex)",
	"bad:8: 'expect verified' takes no value, got 'yes'",
	"bad:9: bad number '0x1g' for expect pattern (expected decimal or 0x hex)",
	"bad:11: duplicate 'expect dma-address' for step 's' (the first is at line "
	"10)");

ERROR_CASE(invalid_regex,
	HEAD STEP_WITH(GOOD_KEYS) "allow-dmesg DMAR: (fault\n",
	"bad:5: invalid allow-dmesg regex 'DMAR: (fault' (Unmatched ( or \\()");

ERROR_CASE(bad_require,
	HEAD STEP_WITH(GOOD_KEYS) "require kernel 6.x\n"
	"require kernel\n"
	"require memory 4G\n",
	"bad:5: bad kernel version '6.x' (expected MAJOR.MINOR or MAJOR.MINOR.PATCH, "
	"e.g. 6.18)",
	"bad:6: 'require kernel' needs a VERSION (e.g. 6.18)",
	"bad:7: unknown requirement 'memory' (expected require kernel VERSION)");

ERROR_CASE(no_steps,
	HEAD "\n# the end\n",
	"bad:5: no steps (a scenario needs at least one 'step' line)");

ERROR_CASE(provider_size_rules,
	HEAD STEP_WITH(GOOD_KEYS) "provider a nvme-cmb id=1b36:0010 size=6000\n"
	"provider b nvme-cmb id=1b36:0010 size=1G\n"
	"provider c nvme-cmb id=1b36:0010 size=1M size=2M\n",
	"bad:5: provider size 6000 is not a multiple of 4K (peer memory comes in "
	"pages)",
	"bad:6: provider size 1G is larger than the module lends for nvme-cmb (256M)",
	"bad:7: duplicate key 'size'");

/* dmabuf steps: transfer keys, but the method is how the chunk is exported. */
static void test_dmabuf_steps(void **state)
{
	struct scenario sc;
	static const char good[] = HEAD
		"step d dmabuf provider=cmb initiator=edu method=phys-vec size=64K piece=4K seed=3\n"
		"expect verified\n";

	(void)state;
	sc = parse_ok(good);
	assert_int_equal(sc.steps[0].action, STEP_DMABUF);
	assert_string_equal(sc.steps[0].transfer.export_method->name, "phys-vec");
	assert_null(sc.steps[0].transfer.method);
	scenario_free(&sc);

	ASSERT_ERRORS(HEAD "provider buf ram size=64K\n"
		      "step a dmabuf provider=cmb initiator=edu method=p2p-page size=64K piece=4K seed=1\n"
		      "step b dmabuf provider=buf initiator=edu method=mmio size=64K piece=4K seed=1\n",
		      "bad:5: unknown dma-buf export method 'p2p-page' (expected mmio, resource, "
		      "phys-vec, mmio-host or resource-host)",
		      "bad:6: a dmabuf step exports peer memory, but provider 'buf' is system RAM");
}

/* RAM: no selector, its own size limit, and only the page method. */
ERROR_CASE(ram_provider_rules,
	HEAD "provider buf ram size=1M\n"
	"provider big ram size=8M\n"
	"provider sel ram id=8086:1234 size=1M\n"
	"step a transfer provider=buf initiator=edu method=mmio size=64K piece=4K seed=1\n"
	"step b transfer provider=cmb initiator=edu method=page size=64K piece=4K seed=1\n"
	"step c transfer provider=buf initiator=edu method=page size=64K piece=4K seed=1\n",
	"bad:5: provider size 8M is larger than the module lends for ram (4M)",
	"bad:6: provider kind ram is system RAM and takes no SELECTOR, got 'id=8086:1234'",
	"bad:7: method mmio maps peer memory, but provider 'buf' is system RAM (use page)",
	"bad:8: method page maps system RAM, but provider 'cmb' is peer memory (use mmio, "
	"resource or p2p-page)");

/* map-type, refused, config, and what contradicts what. */
static void test_topology_expectations(void **state)
{
	struct scenario sc;
	static const char good[] = HEAD "config vlab-rootport-intel-cpu\n" STEP_WITH(GOOD_KEYS)
		"expect map-type NOT_SUPPORTED\n"
		"expect refused\n"
		"step t transfer provider=cmb initiator=edu method=p2p-page size=64K piece=4K seed=2\n"
		"expect map-type predicted\n"
		"expect dma-address bounced\n";

	(void)state;
	sc = parse_ok(good);
	assert_string_equal(sc.config, "vlab-rootport-intel-cpu");
	assert_int_equal(sc.steps[0].expects[0].map_type, EXPECT_MAP_NOT_SUPPORTED);
	assert_int_equal(sc.steps[0].expects[1].what, EXPECT_REFUSED);
	assert_int_equal(sc.steps[1].expects[0].map_type, EXPECT_MAP_PREDICTED);
	assert_int_equal(sc.steps[1].expects[1].dma, EXPECT_DMA_BOUNCED);
	scenario_free(&sc);

	ASSERT_ERRORS(HEAD "config Bad_Name\n" "config a b\n" STEP_WITH(GOOD_KEYS)
		      "expect map-type bus_addr\n"
		      "expect refused now\n"
		      "expect verified\n"
		      "expect refused\n",
		      "bad:4: bad config name 'Bad_Name' (expected [a-z0-9][a-z0-9-]*)",
		      "bad:5: 'config' needs one NAME (a configs/NAME_defconfig)",
		      "bad:7: bad value 'bus_addr' for 'expect map-type' (expected BUS_ADDR, "
		      "THRU_HOST_BRIDGE, NOT_SUPPORTED or predicted)",
		      "bad:8: 'expect refused' takes no value, got 'now'",
		      "bad:10: 'expect refused' contradicts 'expect verified' at line 9 (a refused "
		      "mapping moves no data)");
}

/* All errors of a file, in line order, even those found only at its end. */
/* nodes N: 1 by default, 2 for a server and a client guest, once. */
static void test_nodes(void **state)
{
	struct scenario sc;

	(void)state;
	assert_int_equal(scenario_parse_text("ok", HEAD STEP_WITH(GOOD_KEYS), &sc), 0);
	assert_int_equal(sc.nodes, 1);
	assert_int_equal(sc.nodes_line, 0);
	scenario_free(&sc);
	assert_int_equal(scenario_parse_text("ok", HEAD "nodes 2  # a server and a client\n"
					     STEP_WITH(GOOD_KEYS), &sc), 0);
	assert_int_equal(sc.nodes, 2);
	assert_int_equal(sc.nodes_line, 4);
	scenario_free(&sc);
	assert_int_equal(scenario_parse_text("ok", HEAD "nodes 1\n" STEP_WITH(GOOD_KEYS), &sc), 0);
	assert_int_equal(sc.nodes, 1);
	scenario_free(&sc);

	ASSERT_ERRORS(HEAD "nodes 2\n" "nodes 1\n" "nodes\n" "nodes 2 3\n" "nodes 3\n" "nodes 0\n"
		      "nodes two\n" STEP_WITH(GOOD_KEYS),
		      "bad:5: duplicate 'nodes' (the first is at line 4)",
		      "bad:6: duplicate 'nodes' (the first is at line 4)",
		      "bad:7: duplicate 'nodes' (the first is at line 4)",
		      "bad:8: duplicate 'nodes' (the first is at line 4)",
		      "bad:9: duplicate 'nodes' (the first is at line 4)",
		      "bad:10: duplicate 'nodes' (the first is at line 4)");
	ASSERT_ERRORS(HEAD "nodes\n" "nodes 2 3\n" "nodes 3\n" "nodes 0\n" "nodes two\n"
		      STEP_WITH(GOOD_KEYS),
		      "bad:4: 'nodes' needs one number N (1, or 2: a server and a client guest)",
		      "bad:5: 'nodes' needs one number N (1, or 2: a server and a client guest)",
		      "bad:6: bad node count '3' (expected 1, or 2: a server and a client guest)",
		      "bad:7: bad node count '0' (expected 1, or 2: a server and a client guest)",
		      "bad:8: bad node count 'two' (expected 1, or 2: a server and a client guest)");
}

ERROR_CASE(all_errors_collected_in_line_order,
	"step s transfer provider=nope initiator=edu " GOOD_KEYS "\n"
	"bogus\n"
	"initiator edu edu id=1234:11e8\n"
	"expect whatever\n",
	"bad:1: unknown provider 'nope' (declare it with a provider line)",
	"bad:2: unknown keyword 'bogus' (expected describe, config, nodes, require, "
	"provider, initiator, storage, step, expect or allow-dmesg)",
	"bad:4: unknown expectation 'whatever' (expected verified, pattern SEED, "
	"dma-address bar|iova|ram|bounced, map-type TYPE, refused, oracle or methods-agree [within=N%])",
	"bad:4: missing 'describe' line (one sentence saying what the scenario "
	"shows)");

static void test_unreadable_file(void **state)
{
	struct scenario sc;

	(void)state;
	assert_int_equal(scenario_parse_file("/nonexistent/p2prig-scenario", &sc), 1);
	assert_string_equal(sc.errors[0].text, "/nonexistent/p2prig-scenario: cannot read the "
					       "scenario (No such file or directory)");
	scenario_free(&sc);
}

UNIT_TEST_MAIN("scenario",
	cmocka_unit_test(test_example_file_parses_into_model),
	cmocka_unit_test(test_optional_forms_parse),
	cmocka_unit_test(test_numbers_and_sizes),
	ERROR_TEST(unknown_keyword),
	ERROR_TEST(missing_describe),
	ERROR_TEST(duplicate_describe),
	ERROR_TEST(bad_name),
	ERROR_TEST(duplicate_names),
	ERROR_TEST(unknown_kinds),
	ERROR_TEST(bad_selectors),
	ERROR_TEST(missing_and_unknown_keys),
	ERROR_TEST(bad_numbers_and_sizes),
	ERROR_TEST(piece_rules),
	cmocka_unit_test(test_vlab_bus_addr),
	cmocka_unit_test(test_size_larger_than_provider),
	ERROR_TEST(unknown_references),
	ERROR_TEST(unknown_method_and_action),
	ERROR_TEST(expect_before_any_step),
	ERROR_TEST(bad_expectations),
	ERROR_TEST(invalid_regex),
	ERROR_TEST(bad_require),
	ERROR_TEST(no_steps),
	ERROR_TEST(provider_size_rules),
	ERROR_TEST(ram_provider_rules),
	cmocka_unit_test(test_dmabuf_steps),
	cmocka_unit_test(test_topology_expectations),
	cmocka_unit_test(test_nodes),
	ERROR_TEST(all_errors_collected_in_line_order),
	cmocka_unit_test(test_unreadable_file));
