// SPDX-License-Identifier: GPL-2.0
/* Seeded, offset-addressable data pattern (splitmix64). */
#include "pattern.h"

/* splitmix64's output function for its word_index-th state. */
uint64_t pattern_word(uint64_t seed, uint64_t word_index)
{
	uint64_t z = seed + (word_index + 1) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint8_t pattern_byte(uint64_t seed, uint64_t offset, enum pattern_form form)
{
	uint8_t b = (uint8_t)(pattern_word(seed, offset / 8) >> (8 * (offset % 8)));

	return form == PATTERN_COMPLEMENT ? (uint8_t)~b : b;
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t offset, enum pattern_form form)
{
	uint8_t *out = buf;
	uint64_t word = 0;
	uint64_t invert = form == PATTERN_COMPLEMENT ? UINT64_MAX : 0;

	for (size_t i = 0; i < len; i++) {
		uint64_t o = offset + i;
		if (i == 0 || o % 8 == 0)
			word = pattern_word(seed, o / 8) ^ invert;
		out[i] = (uint8_t)(word >> (8 * (o % 8)));
	}
}

void pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t offset,
		   enum pattern_form form, struct pattern_check *check)
{
	const uint8_t *in = buf;
	uint64_t word = 0;
	uint64_t invert = form == PATTERN_COMPLEMENT ? UINT64_MAX : 0;

	for (size_t i = 0; i < len; i++) {
		uint64_t o = offset + i;
		if (i == 0 || o % 8 == 0)
			word = pattern_word(seed, o / 8) ^ invert;
		if (in[i] == (uint8_t)(word >> (8 * (o % 8))))
			continue;
		if (!check->has_mismatch || o < check->first_mismatch)
			check->first_mismatch = o;
		check->has_mismatch = true;
		check->mismatched_bytes++;
	}
}

void pattern_check_merge(struct pattern_check *into, const struct pattern_check *part,
			 uint64_t rebase)
{
	if (!part->has_mismatch)
		return;
	uint64_t first = part->first_mismatch - rebase;

	if (!into->has_mismatch || first < into->first_mismatch)
		into->first_mismatch = first;
	into->has_mismatch = true;
	into->mismatched_bytes += part->mismatched_bytes;
}
