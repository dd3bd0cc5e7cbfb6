// SPDX-License-Identifier: GPL-2.0
/* Summary statistics of timing samples. */
#include "util/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void samples_add(struct samples *s, uint64_t value)
{
	if (s->n == s->capacity) {
		size_t capacity = s->capacity ? 2 * s->capacity : 64;
		uint64_t *grown = realloc(s->values, capacity * sizeof(*grown));
		if (!grown)
			abort();
		s->values = grown;
		s->capacity = capacity;
	}
	s->values[s->n++] = value;
}

void samples_free(struct samples *s)
{
	free(s->values);
	memset(s, 0, sizeof(*s));
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned int pct)
{
	/* rank = ceil(pct/100 * n), counted from 1 */
	size_t rank = (pct * n + 99) / 100;

	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

struct stats_summary stats_summarise(const uint64_t *values, size_t n)
{
	struct stats_summary s = { .n = n };

	if (n == 0)
		return s;
	uint64_t *sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		abort();
	memcpy(sorted, values, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_u64);

	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)sorted[i];
	s.mean = sum / (double)n;

	double squares = 0;
	for (size_t i = 0; i < n; i++) {
		double d = (double)sorted[i] - s.mean;
		squares += d * d;
	}
	s.stddev = n > 1 ? sqrt(squares / (double)(n - 1)) : 0.0;

	s.min = sorted[0];
	s.max = sorted[n - 1];
	s.p50 = stats_percentile(sorted, n, 50);
	s.p99 = stats_percentile(sorted, n, 99);
	free(sorted);
	return s;
}
