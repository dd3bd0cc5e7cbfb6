// SPDX-License-Identifier: GPL-2.0
/* `expect methods-agree` and the flagged note: the decision, after the last step. */
#include "results/methods_agree.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "actions/step.h"

/* Since 6.18 dma_map_resource() is a wrapper of dma_map_phys(DMA_ATTR_MMIO). */
static const struct kversion one_path_since = { 6, 18, 0 };

static bool maps_like_mmio(const struct method_kind *m)
{
	return m && m->mmio_like;
}

bool methods_agree_partners(const struct scenario_step *a, const struct scenario_step *b)
{
	const struct transfer_params *x = &a->transfer, *y = &b->transfer;

	return a != b && a->action_name && b->action_name && a->action == STEP_TRANSFER &&
	       b->action == STEP_TRANSFER && x->provider != SCENARIO_NO_INDEX &&
	       x->provider == y->provider && x->initiator == y->initiator && x->size == y->size &&
	       maps_like_mmio(x->method) && maps_like_mmio(y->method) &&
	       x->method->policy == y->method->policy;
}

bool methods_agree_applies(const struct kversion *kernel, char *why, size_t why_size)
{
	if (!kernel) {
		snprintf(why, why_size, "the kernel's version is unknown");
		return false;
	}
	if (kversion_compare(kernel, &one_path_since) < 0) {
		snprintf(why, why_size, "%s", METHODS_AGREE_BEFORE_6_18);
		return false;
	}
	why[0] = '\0';
	return true;
}

double methods_agree_difference(uint64_t a, uint64_t b)
{
	uint64_t low = a < b ? a : b, high = a < b ? b : a;

	if (high == low)
		return 0.0;
	if (low == 0)
		return INFINITY;
	return 100.0 * (double)(high - low) / (double)low;
}

bool methods_agree_compare(const struct step_report *a, const struct step_report *b,
			   double within_percent, struct methods_agreement *out)
{
	memset(out, 0, sizeof(*out));
	if (!a->map_ns.n || !a->unmap_ns.n || !b->map_ns.n || !b->unmap_ns.n)
		return false;
	out->map_floor[0] = a->map_ns.min;
	out->map_floor[1] = b->map_ns.min;
	out->unmap_floor[0] = a->unmap_ns.min;
	out->unmap_floor[1] = b->unmap_ns.min;
	out->map_percent = methods_agree_difference(a->map_ns.min, b->map_ns.min);
	out->unmap_percent = methods_agree_difference(a->unmap_ns.min, b->unmap_ns.min);
	out->agree = out->map_percent <= within_percent && out->unmap_percent <= within_percent;
	return true;
}

void methods_agree_describe(const struct methods_agreement *m, char *buf, size_t size)
{
	snprintf(buf, size,
		 "map floor %llu vs %llu ns (%.1f %%), unmap floor %llu vs %llu ns (%.1f %%)",
		 (unsigned long long)m->map_floor[0], (unsigned long long)m->map_floor[1],
		 m->map_percent, (unsigned long long)m->unmap_floor[0],
		 (unsigned long long)m->unmap_floor[1], m->unmap_percent);

}

static double worst(const struct methods_agreement *m)
{
	return m->map_percent > m->unmap_percent ? m->map_percent : m->unmap_percent;
}

/* The step's `expect methods-agree` and its report, or NULL. */
static const struct scenario_expect *stated(const struct scenario_step *step,
					    struct step_report *out,
					    struct expectation_report **report)
{
	for (size_t k = 0; k < step->n_expects && k < out->n_expectations; k++) {
		if (step->expects[k].what == EXPECT_METHODS_AGREE) {
			*report = &out->expectations[k];
			return &step->expects[k];
		}
	}
	return NULL;
}

/* Step I's stated expectation against every partner that measured. */
static void judge_stated(const struct scenario *sc, struct step_report *steps, size_t n_steps,
			 size_t i, const struct scenario_expect *e, struct expectation_report *r)
{
	struct step_report *out = &steps[i];
	struct methods_agreement m, worst_m = { 0 };
	size_t worst_j = 0, compared = 0;
	char figures[120];

	if (!out->map_ns.n) {
		snprintf(r->detail, sizeof(r->detail), "the step measured no steady timings");
		return;
	}
	for (size_t j = 0; j < n_steps; j++) {
		if (!methods_agree_partners(&sc->steps[i], &sc->steps[j]) ||
		    !methods_agree_compare(out, &steps[j], e->within_percent, &m))
			continue;
		if (!compared++ || worst(&m) > worst(&worst_m)) {
			worst_m = m;
			worst_j = j;
		}
	}
	if (!compared) {
		snprintf(r->detail, sizeof(r->detail),
			 "no equivalent step (same provider, initiator and size, mmio or resource) "
			 "measured steady timings");
		return;
	}
	methods_agree_describe(&worst_m, figures, sizeof(figures));
	snprintf(r->detail, sizeof(r->detail), "%s against step '%s' (%s): %s %.3g %%%s",
		 figures, steps[worst_j].name, steps[worst_j].method,
		 worst_m.agree ? "within" : "more than", e->within_percent,
		 compared > 1 ? " (the worst pair)" : "");
	r->outcome = worst_m.agree ? EXPECT_MET : EXPECT_UNMET;
	if (!worst_m.agree) {
		if (out->verdict == VERDICT_PASS)
			step_set_reason(out, VERDICT_FAIL, "expect methods-agree not met: %s",
					r->detail);
		else
			step_add_reason(out, "expect methods-agree not met: %s", r->detail);
	}
}

static void skip_stated(struct step_report *out, struct expectation_report *r, const char *why)
{
	r->outcome = EXPECT_SKIPPED;
	snprintf(r->detail, sizeof(r->detail), "skip: %.*s", (int)sizeof(r->detail) - 7, why);
	if (out->verdict == VERDICT_PASS)
		step_set_reason(out, VERDICT_SKIP, "expect methods-agree: %s", why);
}

/* Pairs nobody asked about: a note on the later step when they disagree. */
static void note_unstated(const struct scenario *sc, struct step_report *steps, size_t j)
{
	struct expectation_report *unused;
	struct methods_agreement m;
	char figures[120], note[RESULT_TEXT_MAX];

	if (stated(&sc->steps[j], &steps[j], &unused))
		return;
	for (size_t i = 0; i < j; i++) {
		if (stated(&sc->steps[i], &steps[i], &unused) ||
		    !methods_agree_partners(&sc->steps[j], &sc->steps[i]) ||
		    !methods_agree_compare(&steps[j], &steps[i], SCENARIO_DEFAULT_AGREE_PERCENT, &m) ||
		    m.agree)
			continue;
		methods_agree_describe(&m, figures, sizeof(figures));
		snprintf(note, sizeof(note),
			 "methods disagree: %s against step '%s' (%s), more than %.3g %% apart "
			 "where 6.18+ runs one path (not stated, so not a failure)",
			 figures, steps[i].name, steps[i].method, SCENARIO_DEFAULT_AGREE_PERCENT);
		strlist_add(&steps[j].notes, note);
	}
}

/* A debug kernel: the expectation is not judged, and says so; the verdict stays. */
static void not_judged(struct step_report *out, struct expectation_report *r, const char *checkers)
{
	r->outcome = EXPECT_SKIPPED;
	snprintf(r->detail, sizeof(r->detail),
		 "not judged: the kernel runs debug checkers (%s), whose cost, not the methods', "
		 "sets map timings",
		 checkers);
	strlist_add(&out->notes, r->detail);
}

void methods_agree_evaluate(const struct scenario *sc, struct step_report *steps, size_t n_steps,
			    const struct kversion *kernel, const char *checkers)
{
	char why[RESULT_TEXT_MAX];
	bool debug = checkers && checkers[0];
	bool applies = !debug && methods_agree_applies(kernel, why, sizeof(why));

	if (n_steps > sc->n_steps)
		n_steps = sc->n_steps;
	for (size_t i = 0; i < n_steps; i++) {
		struct expectation_report *r;
		const struct scenario_expect *e = stated(&sc->steps[i], &steps[i], &r);

		if (!e || steps[i].verdict == VERDICT_SKIP)
			continue;
		if (debug)
			not_judged(&steps[i], r, checkers);
		else if (!applies)
			skip_stated(&steps[i], r, why);
		else
			judge_stated(sc, steps, n_steps, i, e, r);
	}
	for (size_t j = 0; applies && j < n_steps; j++)
		note_unstated(sc, steps, j);
}
