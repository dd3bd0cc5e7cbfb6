// SPDX-License-Identifier: GPL-2.0
/* A growable list of owned strings. */
#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

void strlist_add(struct strlist *list, const char *text)
{
	if (list->n == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 8;
		char **grown = realloc(list->items, capacity * sizeof(*grown));
		if (!grown)
			abort();
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->n] = strdup(text);
	if (!list->items[list->n])
		abort();
	list->n++;
}

void strlist_free(struct strlist *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
