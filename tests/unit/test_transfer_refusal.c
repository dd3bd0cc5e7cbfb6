// SPDX-License-Identifier: GPL-2.0
/*
 * A MAP the kernel refused (actions/transfer/transfer_refusal.c): which
 * errors are refusals, that the step's report says so whether the step
 * expected the refusal or not, that only an expected one passes, and the
 * fields result.json then holds (refused, refused_error, result, reason)
 * as the topology matrix reads them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "actions/transfer/transfer_refusal.h"
#include "results/result.h"

#include "unit_helpers.h"

static void test_which_errors_are_refusals(void **state)
{
	(void)state;
	assert_true(transfer_map_refused(-EREMOTEIO, false));
	assert_true(transfer_map_refused(-EREMOTEIO, true));
	/* A method that turns the refusal into EIO meets `expect refused` only. */
	assert_true(transfer_map_refused(-EIO, true));
	assert_false(transfer_map_refused(-EIO, false));
	assert_false(transfer_map_refused(-EINVAL, true));
	assert_false(transfer_map_refused(-ENOMEM, false));
	assert_false(transfer_map_refused(-EOPNOTSUPP, true));
}

static void test_unexpected_refusal_recorded_and_failed(void **state)
{
	struct step_report out = { .verdict = VERDICT_PASS };

	(void)state;
	assert_false(transfer_map_failed(&out, -EREMOTEIO, false, "method mmio"));
	assert_true(out.refused);
	assert_int_equal(out.refused_errno, EREMOTEIO);
	assert_int_equal(out.verdict, VERDICT_FAIL);
	assert_string_equal(out.reason, "method mmio: MAP refused: Remote I/O error (the kernel's "
					"p2pdma found no path for the pair), and the step does "
					"not expect refused");
}

static void test_expected_refusal_goes_on(void **state)
{
	struct step_report out = { .verdict = VERDICT_PASS };

	(void)state;
	assert_true(transfer_map_failed(&out, -EIO, true, "method p2p-page"));
	assert_true(out.refused);
	assert_int_equal(out.refused_errno, EIO);
	/* The expectations decide the verdict after this: nothing said yet. */
	assert_int_equal(out.verdict, VERDICT_PASS);
	assert_string_equal(out.reason, "");
}

static void test_other_errors_not_refusals(void **state)
{
	struct step_report out = { .verdict = VERDICT_PASS };

	(void)state;
	assert_false(transfer_map_failed(&out, -EIO, false, "method mmio"));
	assert_false(out.refused);
	assert_int_equal(out.verdict, VERDICT_FAIL);
	assert_string_equal(out.reason, "method mmio: MAP failed: Input/output error");

	memset(&out, 0, sizeof(out));
	assert_false(transfer_map_failed(&out, -EOPNOTSUPP, true, "method iova-link"));
	assert_false(out.refused);
	assert_int_equal(out.verdict, VERDICT_SKIP);
}

static json_object *field(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("no field '%s'", key);
	return v;
}

/* An unexpected refusal and a mapping that worked, as result.json holds them. */
static void test_result_json_fields(void **state)
{
	char dir[] = "/tmp/p2prig-test-refusal.XXXXXX", path[128];
	struct run_report r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	run_report_init(&r, "matrix", NULL, NULL, "vlab", NULL, NULL);
	struct step_report *refused = run_report_add_step(&r);
	snprintf(refused->name, sizeof(refused->name), "edu1-mmio");
	assert_false(transfer_map_failed(refused, -EREMOTEIO, false, "method mmio"));
	struct step_report *mapped = run_report_add_step(&r);
	snprintf(mapped->name, sizeof(mapped->name), "edu0-mmio");
	mapped->mapped = true;
	assert_int_equal(result_write_json(&r, dir), 0);

	snprintf(path, sizeof(path), "%s/%s", dir, RESULT_JSON_NAME);
	json_object *root = json_object_from_file(path);
	assert_non_null(root);
	json_object *steps = field(root, "steps");
	json_object *s = json_object_array_get_idx(steps, 0);
	assert_true(json_object_get_boolean(field(s, "refused")));
	assert_string_equal(json_object_get_string(field(s, "refused_error")), "Remote I/O error");
	assert_string_equal(json_object_get_string(field(s, "result")), "fail");
	assert_false(json_object_get_boolean(field(s, "verified")));
	assert_null(field(s, "dma_address"));

	s = json_object_array_get_idx(steps, 1);
	assert_false(json_object_get_boolean(field(s, "refused")));
	assert_null(field(s, "refused_error"));
	json_object_put(root);
	run_report_free(&r);
	REMOVE_SCRATCH(dir, path);
}

UNIT_TEST_MAIN("transfer_refusal",
	cmocka_unit_test(test_which_errors_are_refusals),
	cmocka_unit_test(test_unexpected_refusal_recorded_and_failed),
	cmocka_unit_test(test_expected_refusal_goes_on),
	cmocka_unit_test(test_other_errors_not_refusals),
	cmocka_unit_test(test_result_json_fields));
