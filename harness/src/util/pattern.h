/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seeded data pattern. Byte o of the pattern of seed s is byte o%8
 * (little-endian) of the (o/8)-th output of a splitmix64 generator seeded
 * with s; splitmix64 reaches any output directly, so any piece of a region
 * is generated or checked on its own.
 */
#ifndef P2PRIG_PATTERN_H
#define P2PRIG_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The pattern itself, or its bitwise complement (~pattern). */
enum pattern_form {
	PATTERN_PLAIN,
	PATTERN_COMPLEMENT,
};

struct pattern_check {
	uint64_t mismatched_bytes;
	bool has_mismatch;
	uint64_t first_mismatch;	/* region offset; valid when has_mismatch */
};

uint64_t pattern_word(uint64_t seed, uint64_t word_index);
uint8_t pattern_byte(uint64_t seed, uint64_t offset, enum pattern_form form);

/* buf holds the region's bytes [offset, offset + len). */
void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t offset, enum pattern_form form);

/* Adds buf's mismatches against the pattern to *check (zero it first). */
void pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t offset,
		   enum pattern_form form, struct pattern_check *check);

/*
 * Adds PART's mismatches to *INTO, whose offsets are REBASE less than
 * PART's: a region checked against a pattern that starts elsewhere (the
 * host oracle's, addressed by BAR offset) still reports region offsets.
 */
void pattern_check_merge(struct pattern_check *into, const struct pattern_check *part,
			 uint64_t rebase);

#endif
