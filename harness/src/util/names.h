/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An enum's names as a table indexed by its values (a NULL entry is a value
 * without a word): one lookup each way, for every such table of the runner.
 */
#ifndef P2PRIG_NAMES_H
#define P2PRIG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* NAMES[VALUE], or FALLBACK past the table's end. */
const char *name_of(const char *const *names, size_t n, size_t value, const char *fallback);
/* The index of TEXT in NAMES; false when TEXT is NULL or names no entry. */
bool name_find(const char *text, const char *const *names, size_t n, size_t *found);

#endif
