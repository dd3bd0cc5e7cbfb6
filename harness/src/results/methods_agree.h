/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `expect methods-agree`: since 6.18 dma_map_resource() is
 * dma_map_phys(..., DMA_ATTR_MMIO), so a transfer step mapping a provider
 * by mmio and one mapping the same provider for the same initiator and
 * size by resource run the same code: their steady map and unmap floors
 * (the fastest call of the steady pairs) must agree within a tolerance.
 * Not the p50: the IOVA allocator's state adds a page-table page to some
 * calls in a pattern whose phase follows the flush queue's timer, so the
 * p50 of 32 calls lands on either mode; the floor is the path's own cost.
 * Evaluated once every step has run; a

 * pair that disagrees where the scenario stated nothing gets a flagged
 * note, never a failure (scenarios/README.md says why it holds and when
 * it may not).
 */
#ifndef P2PRIG_METHODS_AGREE_H
#define P2PRIG_METHODS_AGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/kversion.h"
#include "results/result.h"
#include "scenario/scenario.h"
#include "util/stats.h"

/* Why the comparison means nothing before 6.18. */
#define METHODS_AGREE_BEFORE_6_18 "before 6.18 dma_map_resource has its own path"

/*
 * Whether steps A and B must agree: both transfer steps, the same provider,
 * initiator and size, each mapping by mmio or resource.
 */
bool methods_agree_partners(const struct scenario_step *a, const struct scenario_step *b);

/* Whether KERNEL (NULL: unknown) maps both methods alike; false with why. */
bool methods_agree_applies(const struct kversion *kernel, char *why, size_t why_size);

/* How far apart two figures are: the larger over the smaller, in %. */
double methods_agree_difference(uint64_t a, uint64_t b);

struct methods_agreement {
	uint64_t map_floor[2], unmap_floor[2];	/* [0] this step, [1] the other */
	double map_percent, unmap_percent;
	bool agree;				/* both within the tolerance */
};

/* Compares the steady map and unmap floors of two steps; false when either measured none. */
bool methods_agree_compare(const struct step_report *a, const struct step_report *b,
			   double within_percent, struct methods_agreement *out);

/* "map floor 9047 vs 9030 ns (0.2 %), unmap floor 5558 vs 5540 ns (0.3 %)" */
void methods_agree_describe(const struct methods_agreement *m, char *buf, size_t size);

/*
 * After the last step: each `expect methods-agree` met, unmet (the step
 * fails) or skipped (before 6.18: the step is a skip if it had passed),
 * and a flagged note on the later step of any equivalent pair that
 * disagrees by more than the default tolerance without being asked to
 * agree. STEPS are SC's steps' reports, in order. On a kernel with debug
 * CHECKERS on (non-NULL: kernel_checkers.h) it is not judged at all: the
 * expectation says why and the step keeps its verdict, since its figures
 * measure the checkers and its bytes were judged all the same.
 */
void methods_agree_evaluate(const struct scenario *sc, struct step_report *steps, size_t n_steps,
			    const struct kversion *kernel, const char *checkers);

#endif
