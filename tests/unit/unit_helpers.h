/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by every cmocka program in tests/unit: its main(), written once,
 * and the check that a text (a JSON dump, a report) holds some fragments.
 * Include after <cmocka.h>.
 */
#ifndef P2PRIG_TESTS_UNIT_HELPERS_H
#define P2PRIG_TESTS_UNIT_HELPERS_H

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Asserts text holds every fragment, naming the first one it lacks. */
static inline void assert_contains(const char *text, const char *const *fragments)
{
	for (size_t i = 0; fragments[i]; i++)
		if (!strstr(text, fragments[i]))
			fail_msg("no '%s' in %s", fragments[i], text);
}

#define ASSERT_CONTAINS(text, ...) assert_contains(text, (const char *const[]){ __VA_ARGS__, NULL })

/* Asserts that pred, named name, gives want for every text listed. */
static inline void assert_each(bool (*pred)(const char *), const char *name, bool want,
			       const char *const *texts)
{
	for (size_t i = 0; texts[i]; i++)
		if (pred(texts[i]) != want)
			fail_msg("%s(\"%s\") is %s", name, texts[i], want ? "false" : "true");
}

#define ASSERT_EACH_TRUE(pred, ...) \
	assert_each(pred, #pred, true, (const char *const[]){ __VA_ARGS__, NULL })
#define ASSERT_EACH_FALSE(pred, ...) \
	assert_each(pred, #pred, false, (const char *const[]){ __VA_ARGS__, NULL })

/* A fixture's scratch folder gone: the files listed, then dir itself. */
static inline void remove_scratch(const char *dir, const char *const *files)
{
	for (size_t i = 0; files[i]; i++)
		unlink(files[i]);
	rmdir(dir);
}

#define REMOVE_SCRATCH(dir, ...) remove_scratch(dir, (const char *const[]){ __VA_ARGS__, NULL })

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
