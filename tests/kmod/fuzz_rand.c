// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's random numbers: xorshift64* (Marsaglia's xorshift with
 * Vigna's multiplier), one stream per thread, each seeded by a splitmix64
 * step of the run's seed and the stream number. The same seed gives the
 * same numbers on every machine. Values near boundaries are drawn often.
 */
#include "fuzz.h"

static uint64_t fz_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void fz_rng_seed(struct fz_rng *r, uint64_t seed, unsigned int stream)
{
	r->s = fz_mix(seed ^ fz_mix(stream + 1));
	if (!r->s)
		r->s = 1;
}

uint64_t fz_next(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return fz_next(r) % n;
}

bool fz_chance(struct fz_rng *r, unsigned int percent)
{
	return fz_below(r, 100) < percent;
}

/*
 * The edges of a width: the first few picks are fixed values (p a random
 * power of two), the rest drawn; the draws come in the same order as ever,
 * so a seed replays the same values.
 */
uint64_t fz_u64_edge(struct fz_rng *r)
{
	uint64_t p = 1ull << fz_below(r, 64);
	const uint64_t fixed[] = { 0, 1, ~0ull, 1ull << 63, p, p - 1, p + 1 };
	uint64_t pick = fz_below(r, 10);

	if (pick < ARRAY_SIZE(fixed))
		return fixed[pick];
	if (pick == 7)
		return ~0ull - fz_below(r, 4096);
	return pick == 8 ? fz_below(r, 1u << 16) : fz_next(r);
}

uint32_t fz_u32_edge(struct fz_rng *r)
{
	uint32_t p = 1u << fz_below(r, 32);
	const uint32_t fixed[] = { 0, ~0u, 1u << 31, p, p - 1 };
	uint64_t pick = fz_below(r, 8);

	if (pick < ARRAY_SIZE(fixed))
		return fixed[pick];
	return (uint32_t)(pick == 5 ? fz_below(r, 64) : fz_next(r));
}

uint32_t fz_enum_bad(struct fz_rng *r, uint32_t max)
{
	uint32_t v;

	switch (fz_below(r, 5)) {
	case 0:
		return max;
	case 1:
		return max + 1 + (uint32_t)fz_below(r, 16);
	case 2:
		return ~0u;
	case 3:
		return 1u << 31;
	default:
		v = (uint32_t)fz_next(r);
		return v < max ? max : v;
	}
}

uint64_t fz_pages(struct fz_rng *r, uint64_t min, uint64_t max)
{
	uint64_t lo = min / FZ_PAGE, hi = max / FZ_PAGE, span;

	if (hi <= lo)
		return lo * FZ_PAGE;
	span = hi - lo + 1;
	/* Half the time from the first 16 pages of the range. */
	if (span > 16 && fz_chance(r, 50))
		span = 16;
	return (lo + fz_below(r, span)) * FZ_PAGE;
}
