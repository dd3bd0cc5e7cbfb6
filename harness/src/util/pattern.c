// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded, offset-addressable data pattern (splitmix64).
 *
 * Fill and check go a word at a time between a byte-wise head and tail:
 * the byte loop ran at about 0.5 GiB/s, slow enough to show in the I/O
 * figures of the steps that fill or check their buffers.
 */
#include <endian.h>
#include <string.h>

#include "util/pattern.h"

/* splitmix64's output function for its word_index-th state. */
uint64_t pattern_word(uint64_t seed, uint64_t word_index)
{
	uint64_t z = seed + (word_index + 1) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t form_mask(enum pattern_form form)
{
	return form == PATTERN_COMPLEMENT ? UINT64_MAX : 0;
}

uint8_t pattern_byte(uint64_t seed, uint64_t offset, enum pattern_form form)
{
	uint64_t word = pattern_word(seed, offset / 8) ^ form_mask(form);

	return (uint8_t)(word >> (8 * (offset % 8)));
}

/* Bytes before the region's next 8-byte pattern boundary, at most len. */
static size_t head_bytes(uint64_t offset, size_t len)
{
	size_t head = (size_t)((8 - offset % 8) % 8);

	return head < len ? head : len;
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t offset, enum pattern_form form)
{
	uint8_t *out = buf;
	uint64_t invert = form_mask(form);
	size_t head = head_bytes(offset, len), i;

	for (i = 0; i < head; i++)
		out[i] = pattern_byte(seed, offset + i, form);
	/* The buffer need not be aligned: memcpy makes the store safe. */
	for (; len - i >= 8; i += 8) {
		uint64_t le = htole64(pattern_word(seed, (offset + i) / 8) ^ invert);

		memcpy(out + i, &le, 8);
	}
	for (; i < len; i++)
		out[i] = pattern_byte(seed, offset + i, form);
}

static void note_mismatch(struct pattern_check *check, uint64_t offset)
{
	if (!check->has_mismatch || offset < check->first_mismatch)
		check->first_mismatch = offset;
	check->has_mismatch = true;
	check->mismatched_bytes++;
}

/* Byte by byte: the head and the tail. */
static void check_bytes(const uint8_t *in, size_t len, uint64_t seed, uint64_t offset,
			enum pattern_form form, struct pattern_check *check)
{
	for (size_t i = 0; i < len; i++) {
		if (in[i] != pattern_byte(seed, offset + i, form))
			note_mismatch(check, offset + i);
	}
}

void pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t offset,
		   enum pattern_form form, struct pattern_check *check)
{
	const uint8_t *in = buf;
	uint64_t invert = form_mask(form);
	size_t head = head_bytes(offset, len), i = head;

	check_bytes(in, head, seed, offset, form, check);
	for (; len - i >= 8; i += 8) {
		uint64_t want = pattern_word(seed, (offset + i) / 8) ^ invert, got, diff;

		memcpy(&got, in + i, 8);
		diff = le64toh(got) ^ want;
		/* Byte b of the region is bits 8b to 8b + 7 of its word. */
		for (unsigned int b = 0; diff && b < 8; b++) {
			if ((diff >> (8 * b)) & 0xff)
				note_mismatch(check, offset + i + b);
		}
	}
	check_bytes(in + i, len - i, seed, offset + i, form, check);
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
