// SPDX-License-Identifier: GPL-2.0
/* The json-c constructors every report shares when it writes JSON. */
#include "util/json_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

json_object *jw_add_counts(json_object *obj, const struct jw_count_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		jw_add(obj, fields[i].key, jw_count(fields[i].value));
	return obj;
}

json_object *jw_add_texts(json_object *obj, const struct jw_text_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		jw_add(obj, fields[i].key, jw_text(fields[i].value));
	return obj;
}

int jw_write_out(json_object *o, const char *path, const char *command)
{
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;

	if (strcmp(path, "-") == 0) {
		printf("%s\n", json_object_to_json_string_ext(o, flags));
	} else if (json_object_to_file_ext(path, o, flags) != 0) {
		const char *why = json_util_get_last_err();

		/* json-c ends its message with a newline. */
		fprintf(stderr, "p2prig %s: cannot write %s: %.*s\n", command, path,
			why ? (int)strcspn(why, "\n") : 0, why ? why : "");
		return 1;
	}
	return 0;
}
