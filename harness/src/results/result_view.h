/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A result.json read back and checked, as the tests a report shows: its
 * steps, the kernel's health, and the checks the host made after the
 * guest ended (the optional "host" object; older files have none). The
 * KTAP and JUnit writers walk this view, never the JSON's shape, so both
 * agree on what a run's tests are and how many there are.
 */
#ifndef P2PRIG_RESULT_VIEW_H
#define P2PRIG_RESULT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json.h>

#include "results/result.h"
#include "util/strlist.h"

/* The tests a host check makes are named "host-" and the check. */
#define RESULT_HOST_TEST_PREFIX "host-"

/* Every string below points into root: valid until result_view_free(). */
struct result_step {
	const char *name, *action;
	enum step_verdict verdict;
	const char *reason;		/* "" when it has none */
	struct strlist health;		/* kernel lines that failed it */
	json_object *json;		/* the step, for its figures and expectations */
};

/* One of host.checks. */
struct result_check {
	const char *name;
	char *test;			/* "host-NAME", owned */
	enum step_verdict verdict;
	const char *reason;		/* "" when it has none */
	struct strlist details;
};

struct result_view {
	const char *path;
	json_object *root;		/* owned */
	const char *scenario;
	const char *node;		/* "server" or "client" in a two-node run, else NULL */
	const char *started, *finished;	/* NULL when unknown */
	bool complete;
	const char *error;		/* what stopped the run early, or NULL */
	struct result_step *steps;
	size_t n_steps;
	struct health_report health;
	json_object *host;		/* NULL: written before the host judged runs */
	const char *host_outcome;	/* NULL without a host object */
	struct result_check *checks;
	size_t n_checks;
};

/*
 * Reads and checks PATH. 0, or -1 with "PATH: what is wrong" in WHY (a
 * missing file, not JSON, not a result.json) and V left empty.
 */
int result_view_load(struct result_view *v, const char *path, char *why, size_t why_size);
void result_view_free(struct result_view *v);

/* How many tests the run has: its steps, kernel-health and one per host check. */
size_t result_view_tests(const struct result_view *v);

/*
 * TEXT is a UTC time as result.json writes them, 2026-12-07T01:39:28Z,
 * exactly: its seconds since the epoch in *T. JUnit and KCIDB take no other.
 */
bool result_time_parse(const char *text, time_t *t);

/* Why the run is incomplete: how the guest ended (panic, hang...), else "runner did not finish". */
const char *result_view_incomplete_why(const struct result_view *v);

#endif
