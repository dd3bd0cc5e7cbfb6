// SPDX-License-Identifier: GPL-2.0
/*
 * How fast the seeded pattern is filled and checked, as ratios measured in
 * one run: against a byte-at-a-time fill and check (the runner's loop
 * before it went a word at a time) and against memcpy of the same buffer,
 * the most any CPU fill could hope for. Prints one line per figure.
 *
 *   bench_pattern [MiB [ROUNDS]]     (default 256 MiB, 5 rounds; best of)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/pattern.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The byte-wise loop the word-wise one replaced: the reference. */
static void bytewise_fill(uint8_t *out, size_t len, uint64_t seed)
{
	uint64_t word = 0;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0)
			word = pattern_word(seed, i / 8);
		out[i] = (uint8_t)(word >> (8 * (i % 8)));
	}
}

static uint64_t bytewise_check(const uint8_t *in, size_t len, uint64_t seed)
{
	uint64_t word = 0, wrong = 0;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0)
			word = pattern_word(seed, i / 8);
		wrong += in[i] != (uint8_t)(word >> (8 * (i % 8)));
	}
	return wrong;
}

enum which { FILL, CHECK, OLD_FILL, OLD_CHECK, MEMCPY, N_WHICH };

static const char *const names[N_WHICH] = { "fill", "check", "bytewise_fill", "bytewise_check",
					    "memcpy" };

/* One timed pass of what; returns ns. A wrong byte aborts: the figures would lie. */
static uint64_t one_pass(enum which what, uint8_t *buf, uint8_t *other, size_t len)
{
	struct pattern_check check = { 0 };
	uint64_t t0 = now_ns(), wrong = 0;

	switch (what) {
	case FILL:
		pattern_fill(buf, len, 1, 0, PATTERN_PLAIN);
		break;
	case CHECK:
		pattern_check(buf, len, 1, 0, PATTERN_PLAIN, &check);
		wrong = check.mismatched_bytes;
		break;
	case OLD_FILL:
		bytewise_fill(buf, len, 1);
		break;
	case OLD_CHECK:
		wrong = bytewise_check(buf, len, 1);
		break;
	default:
		memcpy(other, buf, len);
		break;
	}
	uint64_t ns = now_ns() - t0;

	if (wrong) {
		fprintf(stderr, "bench_pattern: %s found %" PRIu64 " wrong bytes\n", names[what],
			wrong);
		exit(1);
	}
	return ns ? ns : 1;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoull(argv[1], NULL, 0) : 256;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	size_t len = mib << 20;
	uint8_t *buf = malloc(len), *other = malloc(len);
	uint64_t best[N_WHICH];

	if (!mib || rounds < 1 || !buf || !other) {
		fprintf(stderr, "usage: bench_pattern [MiB >= 1 [ROUNDS >= 1]]\n");
		return 2;
	}
	memset(other, 0, len);
	pattern_fill(buf, len, 1, 0, PATTERN_PLAIN);	/* touch every page first */
	for (int w = 0; w < N_WHICH; w++)
		best[w] = UINT64_MAX;
	/* Interleaved rounds: a slow moment of the machine hits every figure alike. */
	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < N_WHICH; w++) {
			uint64_t ns = one_pass((enum which)w, buf, other, len);

			best[w] = ns < best[w] ? ns : best[w];
		}
	}
	printf("buffer %zu MiB, best of %d rounds\n", mib, rounds);
	for (int w = 0; w < N_WHICH; w++)
		printf("%-15s %8.2f GiB/s\n", names[w], (double)len / best[w] * 1e9 / (1 << 30));
	printf("fill  / bytewise fill  %6.2fx faster\n", (double)best[OLD_FILL] / best[FILL]);
	printf("check / bytewise check %6.2fx faster\n", (double)best[OLD_CHECK] / best[CHECK]);
	printf("fill  takes %.2fx a memcpy of the buffer\n", (double)best[FILL] / best[MEMCPY]);
	printf("check takes %.2fx a memcpy of the buffer\n", (double)best[CHECK] / best[MEMCPY]);
	free(buf);
	free(other);
	return 0;
}
