/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers and sizes as scenario files write them: decimal or 0x hex,
 * sizes with an optional K, M or G suffix (powers of 1024).
 */
#ifndef P2PRIG_NUMPARSE_H
#define P2PRIG_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole text must be a number: no sign, no blanks, no octal. */
bool parse_number(const char *text, uint64_t *out);

/* A number with an optional upper-case K, M or G suffix. */
bool parse_size(const char *text, uint64_t *out);

/*
 * Room for any size format_size() spells: 20 digits, a suffix and the NUL.
 * Buffers that take it are this big, so an error message shows the number
 * the user wrote, never its first digits.
 */
#define SIZE_TEXT_MAX 24

/* Shortest exact spelling: 4096 -> "4K", 1048576 -> "1M", 1000 -> "1000". */
void format_size(uint64_t bytes, char *buf, size_t size);

#endif
