// SPDX-License-Identifier: GPL-2.0
/* The json-c constructors every report shares when it writes JSON. */
#include "util/json_write.h"

#include <inttypes.h>
#include <stdio.h>

void jw_add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

json_object *jw_text(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

json_object *jw_count(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

json_object *jw_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

/* json-c keeps the printed text, so the file shows exactly these decimals. */
json_object *jw_decimal(double v, int places)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.*f", places, v);
	return json_object_new_double_s(v, buf);
}
