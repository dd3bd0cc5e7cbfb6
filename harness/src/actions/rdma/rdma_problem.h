/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why an RDMA call could not go on, for the step to report: a skip when
 * the device or module cannot do what was asked (absent, port down, no
 * dma-buf importer), a failure when something that should work broke.
 */
#ifndef P2PRIG_RDMA_PROBLEM_H
#define P2PRIG_RDMA_PROBLEM_H

#include <stdbool.h>

#include "results/result.h"

struct rdma_problem {
	bool set;			/* false: nothing went wrong */
	enum step_verdict verdict;	/* VERDICT_SKIP or VERDICT_FAIL */
	char why[RESULT_TEXT_MAX];
};

/* Records the first problem only: later ones are consequences. */
__attribute__((format(printf, 3, 4)))
void rdma_problem_set(struct rdma_problem *p, enum step_verdict verdict, const char *fmt, ...);

#endif
