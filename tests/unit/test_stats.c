// SPDX-License-Identifier: GPL-2.0
/* Timing statistics on samples whose answers are known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/stats.h"

#include "unit_helpers.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_one_to_ten(void **state)
{
	/* Shuffled on purpose: the summary must not depend on order. */
	static const uint64_t v[] = { 7, 1, 10, 3, 5, 9, 2, 8, 4, 6 };
	struct stats_summary s = stats_summarise(v, N(v));

	(void)state;
	assert_int_equal(s.n, 10);
	assert_int_equal(s.min, 1);
	assert_int_equal(s.max, 10);
	assert_float_equal(s.mean, 5.5, 1e-9);
	/* sample stddev: sqrt(82.5 / 9) */
	assert_float_equal(s.stddev, 3.0276503540974917, 1e-9);
	assert_int_equal(s.p50, 5);
	assert_int_equal(s.p99, 10);
}

static void test_textbook_stddev(void **state)
{
	static const uint64_t v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct stats_summary s = stats_summarise(v, N(v));

	(void)state;
	assert_float_equal(s.mean, 5.0, 1e-9);
	/* sqrt(32 / 7) */
	assert_float_equal(s.stddev, 2.1380899352993950, 1e-9);
	assert_int_equal(s.p50, 4);
	assert_int_equal(s.p99, 9);
}

static void test_percentiles_of_one_to_hundred(void **state)
{
	struct samples samples = { 0 };

	(void)state;
	for (uint64_t i = 100; i >= 1; i--)
		samples_add(&samples, i);
	struct stats_summary s = stats_summarise(samples.values, samples.n);
	assert_int_equal(s.n, 100);
	assert_int_equal(s.p50, 50);
	assert_int_equal(s.p99, 99);
	assert_float_equal(s.mean, 50.5, 1e-9);
	samples_free(&samples);
}

static void test_single_sample(void **state)
{
	static const uint64_t v[] = { 1234 };
	struct stats_summary s = stats_summarise(v, 1);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.min, 1234);
	assert_int_equal(s.max, 1234);
	assert_int_equal(s.p50, 1234);
	assert_int_equal(s.p99, 1234);
	assert_float_equal(s.mean, 1234.0, 1e-9);
	assert_float_equal(s.stddev, 0.0, 1e-12);
}

static void test_no_samples(void **state)
{
	struct stats_summary s = stats_summarise(NULL, 0);

	(void)state;
	assert_int_equal(s.n, 0);
}

/* Timing values in nanoseconds are large: no overflow in the mean. */
static void test_large_values(void **state)
{
	static const uint64_t v[] = { UINT64_C(4000000000000), UINT64_C(4000000000002) };
	struct stats_summary s = stats_summarise(v, N(v));

	(void)state;
	assert_float_equal(s.mean, 4000000000001.0, 1e-3);
	assert_int_equal(s.p99, UINT64_C(4000000000002));
}

static void test_samples_grow(void **state)
{
	struct samples samples = { 0 };

	(void)state;
	for (uint64_t i = 0; i < 10000; i++)
		samples_add(&samples, i);
	assert_int_equal(samples.n, 10000);
	assert_int_equal(samples.values[9999], 9999);
	samples_free(&samples);
	assert_null(samples.values);
	assert_int_equal(samples.n, 0);
}

UNIT_TEST_MAIN("stats",
	cmocka_unit_test(test_one_to_ten),
	cmocka_unit_test(test_textbook_stddev),
	cmocka_unit_test(test_percentiles_of_one_to_hundred),
	cmocka_unit_test(test_single_sample),
	cmocka_unit_test(test_no_samples),
	cmocka_unit_test(test_large_values),
	cmocka_unit_test(test_samples_grow));
