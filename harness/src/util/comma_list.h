/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario's comma-separated lists of distinct values (sizes=4K,64K,
 * iodepths=1,16, methods=mmio,ram, granules=4K,2M): split, read item by
 * item and checked for their limit and for repeats in one place. Each
 * list brings how an item is read and words its own messages.
 */
#ifndef P2PRIG_COMMA_LIST_H
#define P2PRIG_COMMA_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An item's value, or false with why it is not one. */
typedef bool comma_item_reader(const char *item, uint64_t *value, char *why, size_t why_size);

enum comma_list_fault {
	COMMA_LIST_OK,
	COMMA_LIST_BAD_ITEM,	/* the reader said why */
	COMMA_LIST_TOO_MANY,	/* a good item past the limit */
	COMMA_LIST_REPEATED,	/* a value already read */
};

struct comma_list_result {
	enum comma_list_fault fault;
	char item[256];		/* the item at fault, as written */
	uint64_t value;		/* its value, for TOO_MANY and REPEATED */
};

/*
 * An item of a sizes= list: a size > 0 (HOLDS says of what, for the
 * error), a multiple of ALIGN unless it is 0 (WHY_ALIGNED says why), at
 * most MAX.
 */
bool comma_list_size(const char *item, uint64_t *size, const char *holds, uint64_t align,
		     const char *why_aligned, uint64_t max, char *why, size_t why_size);

/* How many items TEXT has: "4K,,1M" has three (strtok_r would hide the empty one). */
size_t comma_list_count(const char *text);

/*
 * TEXT's items read by READ into VALUES (room for MAX) in order, up to the
 * first fault; *N counts the values read.
 */
void comma_list_read(const char *text, comma_item_reader *read, uint64_t *values, size_t max,
		     size_t *n, char *why, size_t why_size, struct comma_list_result *result);

#endif
