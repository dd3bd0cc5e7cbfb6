// SPDX-License-Identifier: GPL-2.0
/* Tolerant accessors for a result.json read back on the host. */
#include "util/json_read.h"

#include <stdio.h>

#include "util/numparse.h"

json_object *json_field(json_object *obj, const char *key)
{
	json_object *value = NULL;

	if (!obj || !json_object_object_get_ex(obj, key, &value))
		return NULL;
	return value;
}

const char *json_text(json_object *obj, const char *key, const char *fallback)
{
	json_object *v = json_field(obj, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : fallback;
}

bool json_has_number(json_object *obj, const char *key)
{
	json_object *v = json_field(obj, key);

	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

size_t json_length(json_object *array)
{
	return json_object_is_type(array, json_type_array) ? json_object_array_length(array) : 0;
}

double json_number(json_object *obj, const char *key)
{
	return json_has_number(obj, key) ? json_object_get_double(json_field(obj, key)) : 0.0;
}

void json_figure_ns(json_object *stats, const char *field, char *buf, size_t size)
{
	if (json_has_number(stats, field))
		snprintf(buf, size, "%.0f", json_object_get_double(json_field(stats, field)));
	else
		snprintf(buf, size, "-");
}

bool json_flag(json_object *obj, const char *key)
{
	json_object *v = json_field(obj, key);

	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

bool json_hex(json_object *obj, const char *key, uint64_t *out)
{
	const char *s = json_text(obj, key, NULL);

	return s && parse_number(s, out);
}
