// SPDX-License-Identifier: GPL-2.0
/* The first thing that stopped an RDMA step, with its verdict. */
#include "actions/rdma/rdma_problem.h"

#include <stdarg.h>
#include <stdio.h>

void rdma_problem_set(struct rdma_problem *p, enum step_verdict verdict, const char *fmt, ...)
{
	va_list ap;

	if (p->set)
		return;
	p->set = true;
	p->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}
