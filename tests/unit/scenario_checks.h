/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the cmocka tests of scenario files: where the repository's own
 * scenarios are, parsing one that must be good, the check that a malformed
 * text gives exactly the "FILE:LINE: message" errors a person would be
 * shown, in order. Include after <cmocka.h>.
 */
#ifndef P2PRIG_TESTS_SCENARIO_CHECKS_H
#define P2PRIG_TESTS_SCENARIO_CHECKS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

/* The source tree: $P2PRIG_TOP, else where the test was built from. */
static inline const char *source_top(void)
{
	const char *top = getenv("P2PRIG_TOP");

	return top && *top ? top : P2PRIG_SOURCE_TOP;
}

/* Asserts a parse found no errors, showing them when it did. */
static inline void assert_parsed(size_t errors, const struct scenario *sc)
{
	if (errors)
		scenario_print_errors(sc, stdout);
	assert_int_equal(errors, 0);
}

/* Parses text as file "ok", which must have no errors. */
static inline struct scenario parse_ok(const char *text)
{
	struct scenario sc;

	assert_parsed(scenario_parse_text("ok", text, &sc), &sc);
	return sc;
}

/* Parses the repository's scenarios/NAME, which must have no errors. */
static inline struct scenario parse_repository_ok(const char *name)
{
	char path[4096];
	struct scenario sc;

	snprintf(path, sizeof(path), "%s/scenarios/%s", source_top(), name);
	assert_parsed(scenario_parse_file(path, &sc), &sc);
	return sc;
}

/* Parses text as file "bad" and asserts exactly the expected errors, in order. */
static inline void assert_errors(const char *text, const char *const *expected)
{
	struct scenario sc;
	size_t n_expected = 0;

	while (expected[n_expected])
		n_expected++;
	size_t n = scenario_parse_text("bad", text, &sc);
	if (n != n_expected) {
		scenario_print_errors(&sc, stdout);
		fail_msg("%zu errors, expected %zu", n, n_expected);
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sc.errors[i].text, expected[i]);
	scenario_free(&sc);
}

#define ASSERT_ERRORS(text, ...) assert_errors(text, (const char *const[]){ __VA_ARGS__, NULL })

#endif
