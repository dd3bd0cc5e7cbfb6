/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by every cmocka program in tests/unit: its main(), written once.
 * Include after <cmocka.h>.
 */
#ifndef P2PRIG_TESTS_UNIT_HELPERS_H
#define P2PRIG_TESTS_UNIT_HELPERS_H

/* A test run between the file's own setup() and teardown(). */
#define FIXTURE_TEST(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

/*
 * main(): runs the tests listed, as cmocka group NAME, between group_setup
 * and group_teardown (either may be NULL). Its TAP output is that of
 * cmocka_run_group_tests_name() on the same table.
 */
#define UNIT_TEST_MAIN_WITH(name, group_setup, group_teardown, ...)                       \
	int main(void)                                                                      \
	{                                                                                   \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };                          \
		return cmocka_run_group_tests_name(name, tests, group_setup, group_teardown); \
	}

#define UNIT_TEST_MAIN(name, ...) UNIT_TEST_MAIN_WITH(name, NULL, NULL, __VA_ARGS__)

#endif
