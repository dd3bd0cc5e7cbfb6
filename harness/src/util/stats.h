/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing samples and their summary: n, min, mean, stddev (sample, n-1),
 * max, and nearest-rank p50 and p99, so percentiles are always values
 * that were measured.
 */
#ifndef P2PRIG_STATS_H
#define P2PRIG_STATS_H

#include <stddef.h>
#include <stdint.h>

struct samples {
	uint64_t *values;
	size_t n, capacity;
};

struct stats_summary {
	size_t n;		/* 0: nothing measured, the rest is meaningless */
	uint64_t min, max, p50, p99;
	double mean, stddev;
};

void samples_add(struct samples *s, uint64_t value);
void samples_free(struct samples *s);

struct stats_summary stats_summarise(const uint64_t *values, size_t n);

/* Nearest rank: the smallest value with at least pct% of samples <= it. */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned int pct);

#endif
