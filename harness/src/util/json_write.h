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

/*
 * Objects that are a run of counts, or of texts, each under its own name,
 * are written from a table of { key, value } by one call.
 */
struct jw_count_field {
	const char *key;
	uint64_t value;
};

struct jw_text_field {
	const char *key;
	const char *value;
};

/* OBJ[KEY] = VALUE, as jw_count(), for each of the N FIELDS; returns OBJ. */
json_object *jw_add_counts(json_object *obj, const struct jw_count_field *fields, size_t n);
/* OBJ[KEY] = VALUE, as jw_text() (NULL or "" is null), for each of the N FIELDS. */
json_object *jw_add_texts(json_object *obj, const struct jw_text_field *fields, size_t n);

/*
 * OBJ[KEY] = [ ONE(&ITEMS[0]), ..., ONE(&ITEMS[N - 1]) ]: a report's list
 * (its sizes, steps, controllers), one object each, ONE keeping its type.
 * ITEMS and N are read on every turn: give fields, not calls.
 */
#define JW_ADD_ARRAY(obj, key, items, n, one)					\
	do {									\
		json_object *jw_list_ = json_object_new_array();		\
										\
		for (size_t jw_i_ = 0; jw_i_ < (n); jw_i_++)			\
			json_object_array_add(jw_list_, one(&(items)[jw_i_]));	\
		jw_add((obj), (key), jw_list_);					\
	} while (0)

/*
 * O, pretty-printed, to PATH, or to stdout when PATH is "-". Returns 0, or
 * 1 after saying on stderr "p2prig COMMAND: cannot write PATH: why".
 */
int jw_write_out(json_object *o, const char *path, const char *command);

#endif
