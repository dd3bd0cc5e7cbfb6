/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An enum's names as a table indexed by its values (a NULL entry is a value
 * without a word): one lookup each way, for every such table of the runner.
 */
#ifndef P2PRIG_NAMES_H
#define P2PRIG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/array_size.h"

/* NAMES[VALUE], or FALLBACK past the table's end. */
const char *name_of(const char *const *names, size_t n, size_t value, const char *fallback);
/* The index of TEXT in NAMES; false when TEXT is NULL or names no entry. */
bool name_find(const char *text, const char *const *names, size_t n, size_t *found);

/*
 * A named enum in one place: the table PREFIX_names (its designated
 * initialisers the macro's last arguments) and PREFIX_name(value), "?" for
 * a value past the table's end.
 */
#define NAMED_ENUM_NAMES(prefix, type, ...)					\
	static const char *const prefix##_names[] = { __VA_ARGS__ };		\
	const char *prefix##_name(type value)					\
	{									\
		return name_of(prefix##_names, ARRAY_SIZE(prefix##_names), value, "?"); \
	}

/* ... and PREFIX_parse(text, &value) too: false when TEXT names no value. */
#define NAMED_ENUM(prefix, type, ...)						\
	NAMED_ENUM_NAMES(prefix, type, __VA_ARGS__)				\
	bool prefix##_parse(const char *text, type *out)			\
	{									\
		size_t found;							\
										\
		if (!name_find(text, prefix##_names, ARRAY_SIZE(prefix##_names), &found)) \
			return false;						\
		*out = (type)found;						\
		return true;							\
	}

#endif
