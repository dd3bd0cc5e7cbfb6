/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing JSON (result.json, the doctor's report, the NVMe inventory) with
 * json-c: one constructor per kind of value, so every report writes a
 * count, an address or a figure the same way. A NULL value serialises as
 * null. json_read.h is the reading counterpart.
 */
#ifndef P2PRIG_JSON_WRITE_H
#define P2PRIG_JSON_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

/* OBJ[KEY] = VALUE; OBJ takes VALUE's reference, and a NULL VALUE is null. */
void jw_add(json_object *obj, const char *key, json_object *value);
/* S as a string; NULL (null) when S is NULL or empty. */
json_object *jw_text(const char *s);
/* V as an int64: counts, sizes and nanoseconds stay below 2^63. */
json_object *jw_count(uint64_t v);
/* V as "0x..." text: JSON readers lose integers above 2^53. */
json_object *jw_hex(uint64_t v);
/* V printed with PLACES decimals: 1234.5 rather than 1234.4999999999998. */
json_object *jw_decimal(double v, int places);

/* One named figure of an object: KEY and the count written under it. */
struct jw_count_field {
	const char *key;
	uint64_t value;
};

/* OBJ[KEY] = VALUE, as jw_count(), for each of the N FIELDS; returns OBJ. */
json_object *jw_add_counts(json_object *obj, const struct jw_count_field *fields, size_t n);

/*
 * An array of ONE(item) for each of the N items of SIZE bytes at ITEMS:
 * a list of a report's sizes, jobs or steps, one object each.
 */
json_object *jw_array(const void *items, size_t n, size_t size,
		      json_object *(*one)(const void *item));
/* jw_array() over the N elements of the array ITEMS points to. */
#define JW_ARRAY(items, n, one) jw_array((items), (n), sizeof(*(items)), (one))

/*
 * O, pretty-printed, to PATH, or to stdout when PATH is "-". Returns 0, or
 * 1 after saying on stderr "p2prig COMMAND: cannot write PATH: why".
 */
int jw_write_out(json_object *o, const char *path, const char *command);

#endif
