// SPDX-License-Identifier: GPL-2.0
/* KTAP from a result.json: the plan, the steps, kernel-health, the host's checks. */
#include "results/ktap_from_result.h"

#include "results/ktap.h"
#include "results/result_figures.h"

static void run_diagnostics(struct ktap *k, const struct result_view *v)
{
	char line[256];

	if (!v->complete) {
		snprintf(line, sizeof(line), "run incomplete: %s", result_view_incomplete_why(v));
		ktap_diagnostic(k, line);
	}
	if (v->error)
		ktap_labelled_diagnostic(k, "error", v->error);
}

static void step_test(struct ktap *k, size_t number, const struct result_step *s)
{
	struct strlist figures = { 0 };

	result_figures(s->json, &figures);
	for (size_t i = 0; i < figures.n; i++)
		ktap_diagnostic(k, figures.items[i]);
	strlist_free(&figures);
	ktap_test(k, number, s->name, s->verdict, s->reason, "kernel", &s->health);
}

/* A passing check's reason says what it saw; ktap_test() keeps reasons for failures. */
static void check_test(struct ktap *k, size_t number, const struct result_check *c)
{
	if (c->verdict == VERDICT_PASS && c->reason[0])
		ktap_diagnostic(k, c->reason);
	ktap_test(k, number, c->test, c->verdict, c->reason, NULL, &c->details);
}

int ktap_from_result(FILE *out, const struct result_view *v)
{
	struct ktap k = { .f = out };
	size_t number = 0;

	fprintf(out, "KTAP version 1\n1..%zu\n", result_view_tests(v));
	run_diagnostics(&k, v);
	for (size_t i = 0; i < v->n_steps; i++)
		step_test(&k, ++number, &v->steps[i]);
	ktap_health_report(&k, ++number, &v->health);
	for (size_t i = 0; i < v->n_checks; i++)
		check_test(&k, ++number, &v->checks[i]);
	return fflush(out) || ferror(out) ? -1 : 0;
}
