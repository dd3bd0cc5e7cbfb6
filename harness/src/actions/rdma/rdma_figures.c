// SPDX-License-Identifier: GPL-2.0
/*
 * Bandwidth from post and completion times. The peak asks for the least
 * time per message over all runs i..j, (completed[j] - posted[i]) /
 * (j - i + 1): trying every pair is quadratic, so the least value is found
 * by bisection on the time per message t instead. Some run does at least
 * as well as t exactly when, for some j,
 *   completed[j] - t * (j + 1) <= max over i <= j of (posted[i] - t * i),
 * which one pass over the arrays answers.
 */
#include "actions/rdma/rdma_figures.h"

#include <stdbool.h>

#define MIB 1048576.0
#define BISECTIONS 64

static bool some_run_within(const uint64_t *posted, const uint64_t *completed, size_t n, double t)
{
	double best_start = -1e300;

	for (size_t j = 0; j < n; j++) {
		double start = (double)posted[j] - t * (double)j;

		if (start > best_start)
			best_start = start;
		if ((double)completed[j] - t * (double)(j + 1) <= best_start)
			return true;
	}
	return false;
}

/* The least time per message over any run of consecutive messages. */
static double least_time_per_message(const uint64_t *posted, const uint64_t *completed, size_t n)
{
	/* The whole run is one candidate; no run can beat zero. */
	double hi = (double)(completed[n - 1] - posted[0]) / (double)n, lo = 0.0;

	if (some_run_within(posted, completed, n, 0.0))
		return 0.0;
	for (int i = 0; i < BISECTIONS; i++) {
		double mid = (lo + hi) / 2;

		if (some_run_within(posted, completed, n, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

struct rdma_bw_figures rdma_bw_figures(const uint64_t *posted, const uint64_t *completed,
				       size_t n, uint64_t bytes)
{
	struct rdma_bw_figures f = { 0 };
	double span, per_message;

	if (n == 0)
		return f;
	f.elapsed_ns = completed[n - 1] - posted[0];
	span = f.elapsed_ns ? (double)f.elapsed_ns : 1.0;
	f.avg_mibps = (double)bytes * (double)n / MIB / (span / 1e9);
	f.msg_rate_mpps = (double)n / (span / 1e9) / 1e6;

	per_message = least_time_per_message(posted, completed, n);
	if (per_message < 1.0)
		per_message = 1.0;
	f.peak_mibps = (double)bytes / MIB / (per_message / 1e9);
	return f;
}
