// SPDX-License-Identifier: GPL-2.0
/* Comma-separated lists of distinct values, split by hand to keep their empty items. */
#include "util/comma_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

bool comma_list_size(const char *item, uint64_t *size, const char *holds, uint64_t align,
		     const char *why_aligned, uint64_t max, char *why, size_t why_size)
{
	char shown[SIZE_TEXT_MAX];

	if (!parse_size(item, size) || *size == 0) {
		snprintf(why, why_size, "bad size '%s' in sizes (expected a comma-separated list "
			 "of %s with an optional K, M or G suffix, e.g. 4K,64K,1M)", item, holds);
		return false;
	}
	if (align && *size % align) {
		format_size(align, shown, sizeof(shown));
		snprintf(why, why_size, "size %s in sizes is not a multiple of %s (%s)", item, shown,
			 why_aligned);
		return false;
	}
	if (*size > max) {
		format_size(max, shown, sizeof(shown));
		snprintf(why, why_size, "size %s in sizes is larger than %s", item, shown);
		return false;
	}
	return true;
}

size_t comma_list_count(const char *text)
{
	size_t n = 1;

	for (const char *c = strchr(text, ','); c; c = strchr(c + 1, ','))
		n++;
	return n;
}

/* Where ITEM is wrong, if it is, past the reader's own checks. */
static enum comma_list_fault check_item(const uint64_t *values, size_t max, size_t n,
					uint64_t value)
{
	if (n == max)
		return COMMA_LIST_TOO_MANY;
	for (size_t i = 0; i < n; i++)
		if (values[i] == value)
			return COMMA_LIST_REPEATED;
	return COMMA_LIST_OK;
}

void comma_list_read(const char *text, comma_item_reader *read, uint64_t *values, size_t max,
		     size_t *n, char *why, size_t why_size, struct comma_list_result *result)
{
	char *copy = strdup(text);

	if (!copy)
		abort();
	*n = 0;
	result->fault = COMMA_LIST_OK;
	for (char *item = copy, *comma; item && result->fault == COMMA_LIST_OK; item = comma) {
		comma = strchr(item, ',');
		if (comma)
			*comma++ = '\0';
		if (!read(item, &result->value, why, why_size))
			result->fault = COMMA_LIST_BAD_ITEM;
		else
			result->fault = check_item(values, max, *n, result->value);
		if (result->fault == COMMA_LIST_OK)
			values[(*n)++] = result->value;
		else
			snprintf(result->item, sizeof(result->item), "%s", item);
	}
	free(copy);
}
