/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a result.json back (json-c) on the host: a missing key, a null
 * or a value of the wrong type reads as absent, never as a crash.
 */
#ifndef P2PRIG_JSON_READ_H
#define P2PRIG_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

/* OBJ[KEY], or NULL (also when OBJ is NULL). */
json_object *json_field(json_object *obj, const char *key);
/* OBJ[KEY] when it is a string, else FALLBACK. */
const char *json_text(json_object *obj, const char *key, const char *fallback);
bool json_has_number(json_object *obj, const char *key);
/* How many elements ARRAY has; 0 when it is not an array (or NULL). */
size_t json_length(json_object *array);
/* OBJ[KEY] as a double, 0 when it is not a number. */
double json_number(json_object *obj, const char *key);
/* A timing's FIELD ("p50", "mean") in whole ns into BUF, or "-" when nothing was measured. */
void json_figure_ns(json_object *stats, const char *field, char *buf, size_t size);
/* OBJ[KEY] is true. */
bool json_flag(json_object *obj, const char *key);
/* OBJ[KEY] as result.json writes addresses and seeds ("0x..."); false when absent. */
bool json_hex(json_object *obj, const char *key, uint64_t *out);

#endif
