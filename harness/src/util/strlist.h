/* SPDX-License-Identifier: GPL-2.0 */
/* A growable list of owned strings. */
#ifndef P2PRIG_STRLIST_H
#define P2PRIG_STRLIST_H

#include <stddef.h>

struct strlist {
	char **items;
	size_t n, capacity;
};

/* Stores a copy of text. */
void strlist_add(struct strlist *list, const char *text);
void strlist_free(struct strlist *list);

#endif
