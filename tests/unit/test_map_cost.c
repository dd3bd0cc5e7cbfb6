// SPDX-License-Identifier: GPL-2.0
/*
 * map-cost steps: the line and its errors, the repository's scenario, the
 * figures across repeats (mean, stddev of the means, CV and its flag) and
 * the JSON a reader of result.json sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "actions/map-cost/map_cost_report.h"
#include "scenario/scenario.h"
#include "scenario_checks.h"
#include "uapi/p2prig.h"

#include "unit_helpers.h"

#define HEAD                                                 \
	"describe a test scenario\n"                         \
	"provider cmb nvme-cmb id=1b36:0010 size=2M\n"       \
	"provider mem ram size=2M\n"                         \
	"provider small ram size=64K\n"                      \
	"initiator edu edu id=1234:11e8\n"
#define STEP(keys) "step cost map-cost " keys "\n"

static void test_full_line(void **state)
{
	struct scenario sc;
	const char *text = HEAD STEP("provider=cmb ram=mem initiator=edu "
				     "methods=mmio,resource,iova-link,p2p-page,ram "
				     "granules=4K,64K,2M threads=2 iterations=500 dir=to-device repeats=7");

	(void)state;
	assert_int_equal(scenario_parse_text("ok", text, &sc), 0);
	const struct map_cost_params *m = &sc.steps[0].map_cost;
	assert_int_equal(sc.steps[0].action, STEP_MAP_COST);
	assert_int_equal(m->provider, 0);
	assert_int_equal(m->ram, 1);
	assert_int_equal(m->initiator, 0);
	assert_int_equal(m->n_methods, 5);
	assert_int_equal(m->methods[2], MAP_COST_IOVA_LINK);
	assert_int_equal(map_cost_method_info(MAP_COST_RAM)->uapi, P2PRIG_METHOD_PAGE);
	assert_false(map_cost_method_info(MAP_COST_RAM)->peer);
	assert_int_equal(m->n_granules, 3);
	assert_int_equal(m->granules[2], 2 << 20);
	assert_int_equal(m->threads, 2);
	assert_int_equal(m->iterations, 500);
	assert_int_equal(m->dir, P2PRIG_DIR_TO_DEVICE);
	assert_int_equal(m->repeats, 7);
	scenario_free(&sc);
}

static void test_defaults(void **state)
{
	struct scenario sc;

	(void)state;
	assert_int_equal(scenario_parse_text("ok", HEAD STEP("ram=mem initiator=edu methods=ram "
							   "granules=4K"), &sc), 0);
	const struct map_cost_params *m = &sc.steps[0].map_cost;
	assert_int_equal(m->provider, SCENARIO_NO_INDEX);	/* RAM alone needs no peer */
	assert_int_equal(m->threads, 1);
	assert_int_equal(m->iterations, MAP_COST_DEFAULT_ITERATIONS);
	assert_int_equal(m->repeats, MAP_COST_DEFAULT_REPEATS);
	assert_int_equal(m->dir, P2PRIG_DIR_BIDIRECTIONAL);
	scenario_free(&sc);

	assert_int_equal(scenario_parse_text("ok", HEAD STEP("provider=cmb initiator=edu "
							   "methods=mmio granules=4K seconds=2"), &sc), 0);
	assert_int_equal(sc.steps[0].map_cost.iterations, 0);
	assert_int_equal(sc.steps[0].map_cost.seconds, 2);
	scenario_free(&sc);
}

static void test_bad_lines(void **state)
{
	(void)state;
	assert_errors(HEAD STEP("provider=cmb initiator=edu methods=mmio,dma-buf granules=4K"),
		      (const char *const[]){ "bad:6: unknown map-cost method 'dma-buf' (expected "
					     "mmio, resource, iova-link, p2p-page, ram, mmio-host, "
					     "resource-host or iova-link-host)", NULL });
	assert_errors(HEAD STEP("provider=cmb initiator=edu methods=mmio,mmio granules=4K"),
		      (const char *const[]){ "bad:6: method mmio is listed twice", NULL });
	assert_errors(HEAD STEP("provider=cmb initiator=edu methods=mmio granules=4K,6K,4M"),
		      (const char *const[]){ "bad:6: bad granule '6K' (expected a multiple of 4K "
					     "from 4K to 2M)", NULL });
	assert_errors(HEAD STEP("initiator=edu methods=mmio granules=4K"),
		      (const char *const[]){ "bad:6: missing key 'provider=' (the peer memory that "
					     "mmio, resource, iova-link and p2p-page map)", NULL });
	assert_errors(HEAD STEP("provider=cmb initiator=edu methods=ram granules=4K"),
		      (const char *const[]){ "bad:6: method ram needs ram=R (a 'provider R ram "
					     "size=...' line: the RAM mapped by dma_map_page)", NULL });
	assert_errors(HEAD STEP("provider=mem ram=cmb initiator=edu methods=mmio,ram granules=4K"),
		      (const char *const[]){
			      "bad:6: provider=mem must be peer memory, but provider 'mem' is system RAM",
			      "bad:6: ram=cmb must be system RAM (kind ram), but provider 'cmb' is peer "
			      "memory", NULL });
	assert_errors(HEAD STEP("ram=small initiator=edu methods=ram granules=4K,2M"),
		      (const char *const[]){ "bad:6: granule 2M is larger than provider 'small' "
					     "(size=64K)", NULL });
	assert_errors(HEAD STEP("provider=cmb initiator=edu methods=mmio granules=4K iterations=9 "
				"seconds=1 repeats=4 threads=0 dir=up"),
		      (const char *const[]){
			      "bad:6: unknown dir 'up' (expected bidirectional, to-device or from-device)",
			      "bad:6: threads 0 is out of range (expected 1 to 16)",
			      "bad:6: iterations= and seconds= exclude each other (a run is counted or "
			      "timed)",
			      "bad:6: repeats 4 is out of range (expected 5 to 100)", NULL });
	assert_errors(HEAD STEP("provider=cmb initiator=nic methods=mmio granules=4K") "expect verified\n",
		      (const char *const[]){
			      "bad:6: unknown initiator 'nic' (declare it with an initiator line)",
			      "bad:7: 'expect verified' does not apply to map-cost steps (their figures "
			      "are reported, not asserted; the trace proof is checked anyway)", NULL });
}

static void test_repository_scenario(void **state)
{
	struct scenario sc;

	(void)state;
	sc = parse_repository_ok("map-cost");
	assert_int_equal(sc.n_steps, 1);
	/* Every method but the -host twins: through a root port they make the same calls. */
	assert_int_equal(sc.steps[0].map_cost.n_methods, MAP_COST_METHODS - 3);
	assert_true(sc.steps[0].map_cost.repeats >= MAP_COST_MIN_REPEATS);
	scenario_free(&sc);
}

static void test_repeat_figure(void **state)
{
	const double steady[] = { 1000, 1010, 990, 1000, 1000 };
	const double noisy[] = { 1000, 1100, 900, 1000, 1000 };

	(void)state;
	struct repeat_figure f = repeat_figure_of(steady, 5);
	assert_int_equal(f.repeats, 5);
	assert_true(f.mean_ns > 999.99 && f.mean_ns < 1000.01);
	/* sample stddev of {0, 10, -10, 0, 0}: sqrt(200 / 4) */
	assert_true(f.stddev_ns > 7.0710 && f.stddev_ns < 7.0711);
	assert_true(f.cv_percent > 0.7070 && f.cv_percent < 0.7072);
	assert_false(f.cv_flagged);

	f = repeat_figure_of(noisy, 5);
	assert_true(f.cv_percent > 7.07 && f.cv_percent < 7.08);
	assert_true(f.cv_flagged);

	f = repeat_figure_of(NULL, 0);
	assert_int_equal(f.repeats, 0);
	assert_false(f.cv_flagged);
}

static void test_entry_and_json(void **state)
{
	struct map_cost_report *r = map_cost_report_new();
	struct map_cost_entry *e = &r->entries[r->n_entries++];

	(void)state;
	r->params.threads = 1;
	r->params.iterations = 1000;
	r->params.repeats = 5;
	snprintf(r->initiator, sizeof(r->initiator), "edu");
	e->method = MAP_COST_MMIO;
	e->granule = 4096;
	e->outcome = MAP_COST_MEASURED;
	for (size_t i = 0; i < 5; i++) {
		e->repeats[i].map = (struct bench_figures){ .n = 1000, .min_ns = 900,
			.mean_ns = 1000 + 100 * (i % 2), .p50_ns = 1000, .p99_ns = 1500, .max_ns = 2000 };
		e->repeats[i].unmap = (struct bench_figures){ .n = 1000, .mean_ns = 500 };
	}
	e->n_repeats = 5;
	map_cost_entry_summarise(e);
	assert_true(e->map.cv_flagged);		/* 1000, 1100, 1000, 1100, 1000 */
	assert_false(e->unmap.cv_flagged);
	assert_true(e->unmap.stddev_ns == 0.0);

	struct map_cost_entry *skipped = &r->entries[r->n_entries++];
	skipped->method = MAP_COST_IOVA_LINK;
	skipped->granule = 4096;
	skipped->outcome = MAP_COST_SKIPPED;
	snprintf(skipped->reason, sizeof(skipped->reason), "method iova-link: not in the mask");

	json_object *o = map_cost_json(r);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	ASSERT_CONTAINS(text, "\"method\":\"mmio\"",
			"\"granule_bytes\":4096",
			"\"cv_flagged\":true",
			"\"p99_ns\":1500",
			"\"result\":\"skipped\"",
			"\"reason\":\"method iova-link: not in the mask\"");
	json_object *entries = json_object_object_get(o, "entries");
	json_object *map = json_object_object_get(json_object_array_get_idx(entries, 0), "map");
	assert_true(json_object_get_double(json_object_object_get(map, "mean_ns")) == 1040.0);
	json_object_put(o);
	map_cost_report_free(r);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_full_line),
	cmocka_unit_test(test_defaults),
	cmocka_unit_test(test_bad_lines),
	cmocka_unit_test(test_repository_scenario),
	cmocka_unit_test(test_repeat_figure),
	cmocka_unit_test(test_entry_and_json));
