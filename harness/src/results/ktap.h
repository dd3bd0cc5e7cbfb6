/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap.txt: KTAP version 1 (Documentation/dev-tools/ktap.rst), one test
 * per step plus "kernel-health", written and flushed line by line so a
 * run that dies still leaves every result it reached.
 */
#ifndef P2PRIG_KTAP_H
#define P2PRIG_KTAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "results/result.h"

#define KTAP_FILE_NAME "ktap.txt"
#define KTAP_HEALTH_TEST "kernel-health"

struct ktap {
	FILE *f;
};

/* Creates DIR/ktap.txt with the version and plan lines; 0 or -errno. */
int ktap_open(struct ktap *k, const char *dir, size_t planned);

/* Diagnostics explaining the step, then its result line. */
void ktap_step(struct ktap *k, size_t number, const struct step_report *step);

/* The final "kernel-health" test. */
void ktap_health(struct ktap *k, size_t number, const struct run_report *r);

/* One "# " line; newlines in text become blanks. */
void ktap_diagnostic(struct ktap *k, const char *text);

/* "# LABEL: TEXT", or "# TEXT" when LABEL is NULL. */
void ktap_labelled_diagnostic(struct ktap *k, const char *label, const char *text);

/*
 * One test: a failure's reason and LINES (each labelled LABEL) as
 * diagnostics, then the result line; a skip carries its reason on the
 * result line. ktap_step() and `p2prig ktap` both write tests this way.
 */
void ktap_test(struct ktap *k, size_t number, const char *name, enum step_verdict verdict,
	       const char *reason, const char *label, const struct strlist *lines);

/* The "kernel-health" test of H. */
void ktap_health_report(struct ktap *k, size_t number, const struct health_report *h);

/* One map-cost entry as its diagnostic says it, from a report or from result.json. */
struct ktap_map_cost_line {
	const char *method;
	uint64_t granule;
	const char *outcome;		/* NULL when measured; else with reason */
	const char *reason;
	const struct repeat_figure *map, *unmap;
	double cv_limit_percent;	/* a flagged figure says it passed this */
	const char *trace;		/* "pass", "fail", "not run" */
};

void ktap_format_map_cost(const struct ktap_map_cost_line *l, char *buf, size_t size);

void ktap_close(struct ktap *k);

/*
 * A test that passed in DIR/ktap.txt turned into a failure after the fact
 * (the host's oracle), REASON before it as a diagnostic. 0, -ENOENT when
 * test NUMBER did not pass, or another negative errno.
 */
int ktap_fail_test(const char *dir, size_t number, const char *reason);

/*
 * The same for the ktap.txt K is writing (closed for the rewrite, then
 * appended to): a step decided after the fact, once every step ran, as a
 * failure or a skip (VERDICT). 0 or a negative errno.
 */
int ktap_amend_test(struct ktap *k, const char *dir, size_t number, enum step_verdict verdict,
		    const char *reason);

#endif
