// SPDX-License-Identifier: GPL-2.0
/* Name tables, looked up by value and by word. */
#include "util/names.h"

#include <string.h>

const char *name_of(const char *const *names, size_t n, size_t value, const char *fallback)
{
	return value < n ? names[value] : fallback;
}

bool name_find(const char *text, const char *const *names, size_t n, size_t *found)
{
	for (size_t i = 0; text && i < n; i++) {
		if (names[i] && strcmp(names[i], text) == 0) {
			*found = i;
			return true;
		}
	}
	return false;
}
