// SPDX-License-Identifier: GPL-2.0
/* The seeded pattern: deterministic, addressable by offset, and its checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/pattern.h"

#include "unit_helpers.h"

#define REGION 4096

/* splitmix64 seeded with 0 starts with this value (its reference output). */
static void test_first_word_is_splitmix64(void **state)
{
	(void)state;
	assert_true(pattern_word(0, 0) == UINT64_C(0xe220a8397b1dcdaf));
}

static void test_same_seed_same_bytes(void **state)
{
	uint8_t a[REGION], b[REGION];

	(void)state;
	pattern_fill(a, sizeof(a), 0x5eed0001, 0, PATTERN_PLAIN);
	pattern_fill(b, sizeof(b), 0x5eed0001, 0, PATTERN_PLAIN);
	assert_memory_equal(a, b, sizeof(a));
}

static void test_other_seed_other_bytes(void **state)
{
	uint8_t a[REGION], b[REGION];
	size_t same = 0;

	(void)state;
	pattern_fill(a, sizeof(a), 0x5eed0001, 0, PATTERN_PLAIN);
	pattern_fill(b, sizeof(b), 0x5eed0002, 0, PATTERN_PLAIN);
	for (size_t i = 0; i < sizeof(a); i++)
		same += a[i] == b[i];
	/* About 1 in 256 bytes agree by chance. */
	assert_true(same < REGION / 64);
}

/* Any piece, at any (even unaligned) offset, equals that slice of the whole. */
static void test_pieces_match_the_whole(void **state)
{
	static const struct {
		size_t offset, len;
	} pieces[] = { { 0, 1 }, { 3, 5 }, { 7, 9 }, { 8, 8 }, { 1000, 1 }, { 1001, 2047 },
		       { 4095, 1 } };
	uint8_t whole[REGION], piece[REGION];

	(void)state;
	pattern_fill(whole, sizeof(whole), 42, 0, PATTERN_PLAIN);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		pattern_fill(piece, pieces[i].len, 42, pieces[i].offset, PATTERN_PLAIN);
		assert_memory_equal(piece, whole + pieces[i].offset, pieces[i].len);
	}
	for (size_t o = 0; o < REGION; o += 97)
		assert_int_equal(pattern_byte(42, o, PATTERN_PLAIN), whole[o]);
}

static void test_complement_is_bitwise_not(void **state)
{
	uint8_t plain[REGION], complement[REGION];

	(void)state;
	pattern_fill(plain, sizeof(plain), 7, 0x1000, PATTERN_PLAIN);
	pattern_fill(complement, sizeof(complement), 7, 0x1000, PATTERN_COMPLEMENT);
	for (size_t i = 0; i < sizeof(plain); i++)
		assert_int_equal(complement[i], (uint8_t)~plain[i]);
	assert_int_equal(pattern_byte(7, 0x1003, PATTERN_COMPLEMENT), complement[3]);
}

/* buf checked from scratch against seed's pattern at offset. */
static struct pattern_check checked(const void *buf, size_t len, uint64_t seed, uint64_t offset,
				    enum pattern_form form)
{
	struct pattern_check check = { 0 };

	pattern_check(buf, len, seed, offset, form, &check);
	return check;
}

static void test_clean_region_has_no_mismatch(void **state)
{
	uint8_t buf[REGION];

	(void)state;
	pattern_fill(buf, sizeof(buf), 9, 0x2000, PATTERN_PLAIN);
	struct pattern_check check = checked(buf, sizeof(buf), 9, 0x2000, PATTERN_PLAIN);
	assert_false(check.has_mismatch);
	assert_int_equal(check.mismatched_bytes, 0);
}

static void test_one_flipped_byte_found_at_its_offset(void **state)
{
	uint8_t buf[REGION];

	(void)state;
	pattern_fill(buf, sizeof(buf), 0x5eed0001, 0x1000, PATTERN_COMPLEMENT);
	buf[1234] ^= 0x10;
	struct pattern_check check = checked(buf, sizeof(buf), 0x5eed0001, 0x1000,
					     PATTERN_COMPLEMENT);
	assert_true(check.has_mismatch);
	assert_int_equal(check.mismatched_bytes, 1);
	assert_int_equal(check.first_mismatch, 0x1000 + 1234);
}

/* Checks accumulate across pieces and keep the lowest offset. */
static void test_mismatches_add_up_across_pieces(void **state)
{
	uint8_t a[512], b[512];
	struct pattern_check check = { 0 };

	(void)state;
	pattern_fill(a, sizeof(a), 1, 0, PATTERN_PLAIN);
	pattern_fill(b, sizeof(b), 1, 512, PATTERN_PLAIN);
	b[10] ^= 1;
	b[11] ^= 1;
	a[500] ^= 0xff;
	pattern_check(b, sizeof(b), 1, 512, PATTERN_PLAIN, &check);
	pattern_check(a, sizeof(a), 1, 0, PATTERN_PLAIN, &check);
	assert_int_equal(check.mismatched_bytes, 3);
	assert_int_equal(check.first_mismatch, 500);
}

/* Checking against another seed finds (nearly) every byte wrong. */
static void test_wrong_seed_is_caught(void **state)
{
	uint8_t buf[REGION];

	(void)state;
	pattern_fill(buf, sizeof(buf), 1, 0, PATTERN_PLAIN);
	assert_true(checked(buf, sizeof(buf), 2, 0, PATTERN_PLAIN).mismatched_bytes >
		    REGION - REGION / 64);
}

/*
 * Every head and tail the word-wise loops can meet: each start offset mod
 * 8, lengths across several words, and a buffer that is not 8-aligned in
 * memory. Byte for byte what pattern_byte() says.
 */
static void test_every_alignment_matches_pattern_byte(void **state)
{
	uint8_t storage[64 + 1];
	uint8_t *buf = storage + 1;

	(void)state;
	for (uint64_t offset = 0x100; offset < 0x100 + 8; offset++) {
		for (size_t len = 0; len <= 40; len++) {
			pattern_fill(buf, len, 3, offset, PATTERN_COMPLEMENT);
			for (size_t i = 0; i < len; i++)
				assert_int_equal(buf[i], pattern_byte(3, offset + i, PATTERN_COMPLEMENT));
		}
	}
}

/* Flipped bytes in the head, inside words and in the tail: each counted once. */
static void test_every_alignment_counts_each_flip(void **state)
{
	uint8_t storage[64 + 3];
	uint8_t *buf = storage + 3;

	(void)state;
	for (uint64_t offset = 0x200; offset < 0x200 + 8; offset++) {
		struct pattern_check check;
		size_t len = 61;

		pattern_fill(buf, len, 5, offset, PATTERN_PLAIN);
		buf[0] ^= 0x01;
		buf[9] ^= 0x80;
		buf[10] ^= 0xff;
		buf[len - 1] ^= 0x40;
		check = checked(buf, len, 5, offset, PATTERN_PLAIN);
		assert_int_equal(check.mismatched_bytes, 4);
		assert_int_equal(check.first_mismatch, offset);
	}
}

UNIT_TEST_MAIN("pattern",
	cmocka_unit_test(test_first_word_is_splitmix64),
	cmocka_unit_test(test_same_seed_same_bytes),
	cmocka_unit_test(test_other_seed_other_bytes),
	cmocka_unit_test(test_pieces_match_the_whole),
	cmocka_unit_test(test_complement_is_bitwise_not),
	cmocka_unit_test(test_clean_region_has_no_mismatch),
	cmocka_unit_test(test_one_flipped_byte_found_at_its_offset),
	cmocka_unit_test(test_mismatches_add_up_across_pieces),
	cmocka_unit_test(test_wrong_seed_is_caught),
	cmocka_unit_test(test_every_alignment_matches_pattern_byte),
	cmocka_unit_test(test_every_alignment_counts_each_flip));
