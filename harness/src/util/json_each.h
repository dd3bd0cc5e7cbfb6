/* SPDX-License-Identifier: GPL-2.0 */
/* Walking a JSON array read back from result.json (json_read.h's counterpart for lists). */
#ifndef P2PRIG_JSON_EACH_H
#define P2PRIG_JSON_EACH_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "util/json_read.h"

/*
 * ITEM (a json_object *) set to each element of the array LIST in turn, a
 * null element as NULL; no turn at all when LIST is not an array. LIST is
 * read on every turn: give a variable, not a call.
 */
#define json_array_for_each(item, list)						\
	for (size_t item##_at = 0;						\
	     item##_at < json_length(list) &&					\
	     ((item) = json_object_array_get_idx((list), item##_at), true);	\
	     item##_at++)

#endif
