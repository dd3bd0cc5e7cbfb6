// SPDX-License-Identifier: GPL-2.0
/*
 * An rdma step that cannot run is a skip with its reason, never a pass or
 * a crash: a verbs device that is not there, a module that does not offer
 * the export method, a kernel the scenario rules out. Runs on any host
 * (the device name used is one no machine has).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actions/rdma/rdma_device.h"
#include "actions/action.h"
#include "actions/step.h"

#include "unit_helpers.h"

#define ABSENT "p2prig-absent0"

static void test_absent_device_is_a_skip(void **state)
{
	struct rdma_device dev;
	struct rdma_problem problem = { 0 };

	(void)state;
	assert_false(rdma_device_open(ABSENT, &dev, &problem));
	assert_true(problem.set);
	assert_int_equal(problem.verdict, VERDICT_SKIP);
	assert_non_null(strstr(problem.why, "RDMA device " ABSENT ": "));
	assert_null(dev.ctx);
	rdma_device_close(&dev);	/* nothing open: nothing to do */
}

static void test_first_problem_is_kept(void **state)
{
	struct rdma_problem problem = { 0 };

	(void)state;
	rdma_problem_set(&problem, VERDICT_SKIP, "first %d", 1);
	rdma_problem_set(&problem, VERDICT_FAIL, "second");
	assert_int_equal(problem.verdict, VERDICT_SKIP);
	assert_string_equal(problem.why, "first 1");
}

/* One step of TEXT run against a module that offers export_mask, as run.c would. */
static void run_step(const char *text, uint32_t export_mask, const char *skip_all,
		     struct step_report *out)
{
	static struct scenario sc;
	struct provider_state providers[SCENARIO_MAX_PROVIDERS] = { 0 };
	struct initiator_state initiators[SCENARIO_MAX_INITIATORS] = { 0 };
	struct p2prig_info info = { .export_method_mask = export_mask };
	struct rigdev dev = { .fd = -1 };
	char progress[256] = "";

	size_t errors = scenario_parse_text("unit", text, &sc);
	if (errors)
		scenario_print_errors(&sc, stdout);
	assert_int_equal(errors, 0);
	providers[0].resolved = providers[0].allocated = true;
	struct step_env env = {
		.rig = "vlab", .skip_all = skip_all, .dev = &dev, .info = &info, .sc = &sc,
		.providers = providers, .initiators = initiators,
	};
	memset(out, 0, sizeof(*out));
	step_runner_find(STEP_RDMA)->run(&env, &sc.steps[0], out, progress, sizeof(progress));
	assert_non_null(strstr(progress, "0/3 sizes verified"));
	scenario_free(&sc);
}

#define HEAD "describe unit\nprovider cmb nvme-cmb id=1b36:0010 size=1M\n"
#define SIZES " sizes=4K,64K,1M iterations=4 seed=7\nexpect verified\n"

static void test_step_on_absent_device_skips(void **state)
{
	static struct step_report out;

	(void)state;
	run_step(HEAD "step s rdma device=" ABSENT " op=read memory=host" SIZES, 0, "", &out);
	assert_int_equal(out.verdict, VERDICT_SKIP);
	assert_non_null(strstr(out.reason, "RDMA device " ABSENT));
	assert_false(out.verified);
	assert_true(out.rdma.used);
	assert_false(out.rdma.opened);
	assert_string_equal(out.rdma.op, "read");
	assert_string_equal(out.rdma.memory, "host");
	assert_int_equal(out.rdma.n_sizes, 3);
	assert_int_equal(out.rdma.sizes[2].bytes, 1 << 20);
	assert_false(out.rdma.sizes[0].measured);
	assert_int_equal(out.bytes, 1 << 20);
	assert_int_equal(out.n_expectations, 1);
	assert_int_equal(out.expectations[0].outcome, EXPECT_NOT_EVALUATED);
}

static void test_step_without_export_method_skips(void **state)
{
	static struct step_report out;

	(void)state;
	run_step(HEAD "step s rdma device=" ABSENT " op=write memory=dmabuf provider=cmb "
		 "method=phys-vec" SIZES, 1u << P2PRIG_EXPORT_MMIO, "", &out);
	assert_int_equal(out.verdict, VERDICT_SKIP);
	assert_string_equal(out.reason, "dma-buf export method phys-vec: not offered by the module "
					"(export_method_mask 0x1)");
	assert_string_equal(out.rdma.provider, "cmb");
	assert_string_equal(out.rdma.method, "phys-vec");
	assert_string_equal(out.provider.name, "cmb");
	assert_string_equal(out.method, "phys-vec");
}

static void test_step_skipped_for_the_whole_run(void **state)
{
	static struct step_report out;

	(void)state;
	run_step(HEAD "step s rdma device=rxe0 op=write memory=host" SIZES, 0,
		 "needs kernel 9.0 or later, running 7.3.4", &out);
	assert_int_equal(out.verdict, VERDICT_SKIP);
	assert_string_equal(out.reason, "needs kernel 9.0 or later, running 7.3.4");
}

UNIT_TEST_MAIN("rdma-device",
	cmocka_unit_test(test_absent_device_is_a_skip),
	cmocka_unit_test(test_first_problem_is_kept),
	cmocka_unit_test(test_step_on_absent_device_skips),
	cmocka_unit_test(test_step_without_export_method_skips),
	cmocka_unit_test(test_step_skipped_for_the_whole_run));
