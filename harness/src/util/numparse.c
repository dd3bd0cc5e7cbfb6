// SPDX-License-Identifier: GPL-2.0
/* Numbers and sizes in scenario files. */
#include "util/numparse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool all_chars(const char *s, int (*is_ok)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_ok((unsigned char)*s))
			return false;
	return true;
}

bool parse_number(const char *text, uint64_t *out)
{
	int base = 10;
	const char *digits = text;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		digits = text + 2;
	}
	/* strtoull alone would accept blanks, signs and (with base 0) octal. */
	if (!all_chars(digits, base == 16 ? isxdigit : isdigit))
		return false;

	errno = 0;
	unsigned long long value = strtoull(digits, NULL, base);
	if (errno == ERANGE)
		return false;
	*out = value;
	return true;
}

static const struct {
	char suffix;
	unsigned int shift;
} size_units[] = {
	{ 'G', 30 },
	{ 'M', 20 },
	{ 'K', 10 },
};

bool parse_size(const char *text, uint64_t *out)
{
	size_t len = strlen(text);
	unsigned int shift = 0;
	char number[32];

	if (len == 0 || len >= sizeof(number))
		return false;
	memcpy(number, text, len + 1);
	for (size_t i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		if (number[len - 1] == size_units[i].suffix) {
			shift = size_units[i].shift;
			number[len - 1] = '\0';
			break;
		}
	}

	uint64_t value;
	if (!parse_number(number, &value))
		return false;
	if (shift && value > (UINT64_MAX >> shift))
		return false;
	*out = value << shift;
	return true;
}

void format_size(uint64_t bytes, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		uint64_t unit = UINT64_C(1) << size_units[i].shift;

		if (bytes && bytes % unit == 0) {
			snprintf(buf, size, "%" PRIu64 "%c", bytes / unit, size_units[i].suffix);
			return;
		}
	}
	snprintf(buf, size, "%" PRIu64, bytes);
}
