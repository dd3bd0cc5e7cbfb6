// SPDX-License-Identifier: GPL-2.0
/*
 * `expect methods-agree`: its parsing (within=N%, where it applies, a step
 * to agree with) and the decision made after the last step, on figures
 * whose answers are known: met, unmet, a skip before 6.18, and the flagged
 * note on an unstated pair.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "system/kernel_checkers.h"
#include "results/methods_agree.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

#define HEAD "describe d\nprovider cmb nvme-cmb id=1b36:0010 size=1M\n" \
	     "initiator edu edu id=1234:11e8\n"
#define STEP(name, method, size) \
	"step " name " transfer provider=cmb initiator=edu method=" method " size=" size \
	" piece=4K seed=1\n"

static const struct kversion v7_3 = { 7, 3, 4 }, v6_18 = { 6, 18, 0 }, v6_12 = { 6, 12, 117 };

static void test_difference(void **state)
{
	(void)state;
	assert_float_equal(methods_agree_difference(100, 103), 3.0, 1e-9);
	assert_float_equal(methods_agree_difference(103, 100), 3.0, 1e-9);
	assert_float_equal(methods_agree_difference(9047, 9047), 0.0, 1e-9);
	assert_float_equal(methods_agree_difference(0, 0), 0.0, 1e-9);
	assert_true(isinf(methods_agree_difference(0, 5)));
	/* The figures: 12417 against 9047 is 37.2 % */
	assert_float_equal(methods_agree_difference(12417, 9047), 37.25, 0.01);
}

static void test_applies_from_6_18(void **state)
{
	char why[128];

	(void)state;
	assert_true(methods_agree_applies(&v7_3, why, sizeof(why)));
	assert_true(methods_agree_applies(&v6_18, why, sizeof(why)));
	assert_false(methods_agree_applies(&v6_12, why, sizeof(why)));
	assert_string_equal(why, "before 6.18 dma_map_resource has its own path");
	assert_false(methods_agree_applies(NULL, why, sizeof(why)));
	assert_string_equal(why, "the kernel's version is unknown");
}

static void test_parse_forms(void **state)
{
	struct scenario sc;
	static const char good[] = HEAD STEP("a", "mmio", "64K") "expect methods-agree\n"
		"step b transfer provider=cmb initiator=edu method=resource size=64K piece=4K "
		"seed=2 warmup=0 map-repeat=5\n"
		"expect methods-agree within=2.5%\n";

	(void)state;
	sc = parse_ok(good);
	assert_int_equal(sc.steps[0].transfer.warmup, SCENARIO_DEFAULT_WARMUP);
	assert_int_equal(sc.steps[1].transfer.warmup, 0);
	assert_int_equal(sc.steps[1].transfer.map_repeat, 5);
	assert_int_equal(sc.steps[0].expects[0].what, EXPECT_METHODS_AGREE);
	assert_float_equal(sc.steps[0].expects[0].within_percent, 3.0, 1e-9);
	assert_float_equal(sc.steps[1].expects[0].within_percent, 2.5, 1e-9);
	scenario_free(&sc);
}

static void test_parse_errors(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD STEP("a", "mmio", "64K") STEP("b", "resource", "64K")
		      "expect methods-agree within=3\n"
		      "expect methods-agree within=0%\n"
		      "expect methods-agree within=abc%\n"
		      "expect methods-agree tolerance=3%\n"
		      "expect methods-agree within=3% now\n",
		      "bad:6: bad tolerance '3' for 'expect methods-agree' (expected within=N% with N "
		      "above 0 and at most 100, such as within=3%)",
		      "bad:7: bad tolerance '0%' for 'expect methods-agree' (expected within=N% with N "
		      "above 0 and at most 100, such as within=3%)",
		      "bad:8: bad tolerance 'abc%' for 'expect methods-agree' (expected within=N% with "
		      "N above 0 and at most 100, such as within=3%)",
		      "bad:9: bad value 'tolerance=3%' for 'expect methods-agree' (expected within=N%)",
		      "bad:10: unexpected word 'now' (expected expect methods-agree [within=N%])");
	ASSERT_ERRORS(HEAD STEP("a", "mmio", "64K") "expect methods-agree\n",
		      "bad:5: 'expect methods-agree': no other transfer step maps provider 'cmb' for "
		      "the same initiator and size by mmio or resource (step 'a' has nothing to "
		      "agree with)");
	ASSERT_ERRORS(HEAD STEP("a", "mmio", "64K") STEP("b", "resource", "128K")
		      "expect methods-agree\n",
		      "bad:6: 'expect methods-agree': no other transfer step maps provider 'cmb' for "
		      "the same initiator and size by mmio or resource (step 'b' has nothing to "
		      "agree with)");
	ASSERT_ERRORS(HEAD STEP("a", "mmio", "64K") STEP("b", "p2p-page", "64K")
		      "expect methods-agree\n",
		      "bad:6: 'expect methods-agree' compares mmio and resource mappings, but step "
		      "'b' maps by p2p-page");
	ASSERT_ERRORS(HEAD STEP("a", "mmio", "64K")
		      "step b dmabuf provider=cmb initiator=edu method=mmio size=64K piece=4K seed=1\n"
		      "expect methods-agree\n",
		      "bad:6: 'expect methods-agree' applies to transfer steps (it compares their "
		      "steady map and unmap timings), not to dmabuf steps");
	ASSERT_ERRORS(HEAD "step a transfer provider=cmb initiator=edu method=mmio size=64K "
		      "piece=4K seed=1 warmup=100001\n",
		      "bad:4: warmup 100001 is too large (at most 100000)");
}

static void test_partners(void **state)
{
	struct scenario sc;
	static const char text[] = HEAD STEP("a", "mmio", "64K") STEP("b", "resource", "64K")
		STEP("c", "resource", "128K") STEP("d", "p2p-page", "64K")
		STEP("e", "mmio", "64K");

	(void)state;
	assert_int_equal(scenario_parse_text("ok", text, &sc), 0);
	assert_true(methods_agree_partners(&sc.steps[0], &sc.steps[1]));
	assert_true(methods_agree_partners(&sc.steps[1], &sc.steps[0]));
	assert_true(methods_agree_partners(&sc.steps[0], &sc.steps[4]));	/* mmio twice */
	assert_false(methods_agree_partners(&sc.steps[0], &sc.steps[0]));	/* itself */
	assert_false(methods_agree_partners(&sc.steps[0], &sc.steps[2]));	/* another size */
	assert_false(methods_agree_partners(&sc.steps[0], &sc.steps[3]));	/* p2p pages */
	scenario_free(&sc);
}

/*
 * Reports for SC's steps as a transfer step leaves them: passed, these
 * steady floors (the p50 a page-table page above each, which is not judged).
 */
static void reports(const struct scenario *sc, struct step_report *out, const uint64_t *map_floor,
		    const uint64_t *unmap_floor)
{
	for (size_t i = 0; i < sc->n_steps; i++) {
		struct step_report *r = &out[i];

		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", sc->steps[i].name);
		snprintf(r->method, sizeof(r->method), "%s", sc->steps[i].transfer.method->name);
		r->verdict = VERDICT_PASS;
		r->n_expectations = sc->steps[i].n_expects;
		if (map_floor[i])
			r->map_ns = (struct stats_summary){ .n = 32, .min = map_floor[i],
							    .p50 = map_floor[i] + 5200 * (i + 1) };
		if (unmap_floor[i])
			r->unmap_ns = (struct stats_summary){ .n = 32, .min = unmap_floor[i],
							      .p50 = unmap_floor[i] + 1000 * (i + 1) };
	}
}

static void free_reports(struct step_report *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strlist_free(&out[i].notes);
}

static const char stated_text[] = HEAD STEP("mmio", "mmio", "1M") STEP("resource", "resource", "1M")
	"expect methods-agree\n";

/* A scenario of two transfer steps and their reports. */
struct pair {
	struct scenario sc;
	struct step_report out[2];
};

/*
 * text parsed, its steps reported with these floors (reports) and, when kv
 * is given, judged by methods_agree_evaluate on that kernel and checkers.
 */
static void judge(struct pair *p, const char *text, const uint64_t *map_floor,
		  const uint64_t *unmap_floor, const struct kversion *kv, const char *checkers)
{
	assert_int_equal(scenario_parse_text("ok", text, &p->sc), 0);
	reports(&p->sc, p->out, map_floor, unmap_floor);
	if (kv)
		methods_agree_evaluate(&p->sc, p->out, 2, kv, checkers);
}

static void pair_free(struct pair *p)
{
	free_reports(p->out, 2);
	scenario_free(&p->sc);
}

/*
 * The second step's methods-agree outcome, its verdict and, unless NULL,
 * the expectation's detail.
 */
static void assert_second(const struct pair *p, enum expect_outcome outcome,
			  enum step_verdict verdict, const char *detail)
{
	assert_int_equal(p->out[1].expectations[0].outcome, outcome);
	if (detail)
		assert_string_equal(p->out[1].expectations[0].detail, detail);
	assert_int_equal(p->out[1].verdict, verdict);
}

static void test_stated_met(void **state)
{
	struct pair p;

	(void)state;
	judge(&p, stated_text, (uint64_t[]){ 9030, 9047 }, (uint64_t[]){ 5540, 5558 }, &v7_3, NULL);
	assert_second(&p, EXPECT_MET, VERDICT_PASS,
		      "map floor 9047 vs 9030 ns (0.2 %), unmap floor 5558 vs 5540 ns (0.3 %) "
		      "against step 'mmio' (mmio): within 3 %");
	assert_int_equal(p.out[0].verdict, VERDICT_PASS);
	assert_int_equal(p.out[0].notes.n + p.out[1].notes.n, 0);
	pair_free(&p);
}

/*
 * CI's nvme-cmb on 7.3.4: the first step's 32 steady maps fell where every
 * other one paid a fresh page-table page (p50 11040 against 8299 ns, 33 %
 * apart), while the floors stood 0.4 % apart. The p50 is not judged.
 */
static void test_p50_modes_not_judged(void **state)
{
	struct pair p;

	(void)state;
	judge(&p, stated_text, (uint64_t[]){ 8301, 8269 }, (uint64_t[]){ 5555, 5559 }, NULL, NULL);
	p.out[0].map_ns.p50 = 11040;
	p.out[1].map_ns.p50 = 8299;
	methods_agree_evaluate(&p.sc, p.out, 2, &v7_3, NULL);
	assert_second(&p, EXPECT_MET, VERDICT_PASS,
		      "map floor 8269 vs 8301 ns (0.4 %), unmap floor 5559 vs 5555 ns (0.1 %) "
		      "against step 'mmio' (mmio): within 3 %");
	pair_free(&p);
}

/* A debug kernel's figures measure its checkers: 6 % apart is not judged. */
static void test_debug_kernel_not_judged(void **state)
{
	struct pair p;

	(void)state;
	judge(&p, stated_text, (uint64_t[]){ 1304029, 1382917 }, (uint64_t[]){ 230196, 230195 },
	      &v7_3, "dma-debug, kmemleak, lockdep");
	assert_second(&p, EXPECT_SKIPPED, VERDICT_PASS,
		      "not judged: the kernel runs debug checkers (dma-debug, kmemleak, "
		      "lockdep), whose cost, not the methods', sets map timings");
	assert_int_equal(p.out[1].notes.n, 1);
	assert_int_equal(p.out[0].notes.n, 0);
	pair_free(&p);
}

/* Known by the files they make; none under an empty root. */
static void test_kernel_checkers_detect(void **state)
{
	char root[] = "/tmp/p2prig-checkers.XXXXXX", path[256], found[64];

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_false(kernel_checkers_detect(root, found, sizeof(found)));
	assert_string_equal(found, "");
	snprintf(path, sizeof(path), "mkdir -p %s/sys/kernel/debug/dma-api %s/proc && touch %s/proc/lockdep",
		 root, root, root);
	assert_int_equal(system(path), 0);
	assert_true(kernel_checkers_detect(root, found, sizeof(found)));
	assert_string_equal(found, "dma-debug, lockdep");
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

static void test_stated_unmet_fails(void **state)
{
	struct pair p;

	(void)state;
	/* The map agrees; the unmap is 3.5 % apart: either one fails it. */
	judge(&p, stated_text, (uint64_t[]){ 9030, 9047 }, (uint64_t[]){ 5400, 5589 }, &v7_3, NULL);
	assert_second(&p, EXPECT_UNMET, VERDICT_FAIL, NULL);
	assert_string_equal(p.out[1].reason,
			    "expect methods-agree not met: map floor 9047 vs 9030 ns (0.2 %), unmap floor "
			    "5589 vs 5400 ns (3.5 %) against step 'mmio' (mmio): more than 3 %");
	assert_int_equal(p.out[0].verdict, VERDICT_PASS);
	pair_free(&p);
}

static void test_stated_tolerance(void **state)
{
	struct pair p;
	static const char text[] = HEAD STEP("mmio", "mmio", "1M") STEP("resource", "resource", "1M")
		"expect methods-agree within=40%\n";

	(void)state;
	judge(&p, text, (uint64_t[]){ 12417, 9047 }, (uint64_t[]){ 5558, 5558 }, &v7_3, NULL);
	assert_second(&p, EXPECT_MET, VERDICT_PASS, NULL);
	pair_free(&p);
}

static void test_stated_before_6_18_skips(void **state)
{
	struct pair p;

	(void)state;
	judge(&p, stated_text, (uint64_t[]){ 12417, 9047 }, (uint64_t[]){ 5558, 5558 },
	      &v6_12, NULL);
	assert_second(&p, EXPECT_SKIPPED, VERDICT_SKIP, NULL);
	assert_string_equal(p.out[1].reason,
			    "expect methods-agree: before 6.18 dma_map_resource has its own path");
	assert_int_equal(p.out[0].verdict, VERDICT_PASS);
	assert_int_equal(p.out[1].notes.n, 0);
	pair_free(&p);
}

static void test_partner_measured_nothing(void **state)
{
	struct pair p;

	(void)state;
	judge(&p, stated_text, (uint64_t[]){ 0, 9047 }, (uint64_t[]){ 0, 5558 }, NULL, NULL);
	p.out[0].verdict = VERDICT_FAIL;
	methods_agree_evaluate(&p.sc, p.out, 2, &v7_3, NULL);
	assert_int_equal(p.out[1].expectations[0].outcome, EXPECT_NOT_EVALUATED);
	assert_non_null(strstr(p.out[1].expectations[0].detail, "no equivalent step"));
	assert_int_equal(p.out[1].verdict, VERDICT_PASS);
	/* A run that stopped after the first step: nothing to compare yet. */
	reports(&p.sc, p.out, (uint64_t[]){ 9030, 9047 }, (uint64_t[]){ 5540, 5558 });
	methods_agree_evaluate(&p.sc, p.out, 1, &v7_3, NULL);
	assert_int_equal(p.out[1].expectations[0].outcome, EXPECT_NOT_EVALUATED);
	pair_free(&p);
}

static void test_unstated_pair_is_noted(void **state)
{
	struct pair p;
	static const char text[] = HEAD STEP("mmio", "mmio", "1M") STEP("resource", "resource", "1M");

	(void)state;
	judge(&p, text, (uint64_t[]){ 12417, 9047 }, (uint64_t[]){ 5558, 5558 }, &v7_3, NULL);
	assert_int_equal(p.out[0].verdict, VERDICT_PASS);
	assert_int_equal(p.out[1].verdict, VERDICT_PASS);
	assert_int_equal(p.out[0].notes.n, 0);
	assert_int_equal(p.out[1].notes.n, 1);
	assert_string_equal(p.out[1].notes.items[0],
			    "methods disagree: map floor 9047 vs 12417 ns (37.2 %), unmap floor 5558 vs "
			    "5558 ns (0.0 %) against step 'mmio' (mmio), more than 3 % apart where "
			    "6.18+ runs one path (not stated, so not a failure)");
	free_reports(p.out, 2);

	/* Within 3 %, or before 6.18: no note. */
	reports(&p.sc, p.out, (uint64_t[]){ 9030, 9047 }, (uint64_t[]){ 5558, 5558 });
	methods_agree_evaluate(&p.sc, p.out, 2, &v7_3, NULL);
	assert_int_equal(p.out[1].notes.n, 0);
	reports(&p.sc, p.out, (uint64_t[]){ 12417, 9047 }, (uint64_t[]){ 5558, 5558 });
	methods_agree_evaluate(&p.sc, p.out, 2, &v6_12, NULL);
	assert_int_equal(p.out[1].notes.n, 0);
	pair_free(&p);
}

UNIT_TEST_MAIN("methods-agree",
	cmocka_unit_test(test_difference),
	cmocka_unit_test(test_applies_from_6_18),
	cmocka_unit_test(test_parse_forms),
	cmocka_unit_test(test_parse_errors),
	cmocka_unit_test(test_partners),
	cmocka_unit_test(test_stated_met),
	cmocka_unit_test(test_p50_modes_not_judged),
	cmocka_unit_test(test_stated_unmet_fails),
	cmocka_unit_test(test_debug_kernel_not_judged),
	cmocka_unit_test(test_kernel_checkers_detect),
	cmocka_unit_test(test_stated_tolerance),
	cmocka_unit_test(test_stated_before_6_18_skips),
	cmocka_unit_test(test_partner_measured_nothing),
	cmocka_unit_test(test_unstated_pair_is_noted));
