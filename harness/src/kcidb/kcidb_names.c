// SPDX-License-Identifier: GPL-2.0
/* KCIDB's names: statuses, origins, ids and test paths. */
#include "kcidb/kcidb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *kcidb_status(enum step_verdict verdict)
{
	switch (verdict) {
	case VERDICT_PASS:
		return "PASS";
	case VERDICT_FAIL:
		return "FAIL";
	case VERDICT_SKIP:
		return "SKIP";
	}
	return "ERROR";
}

bool kcidb_origin_ok(const char *name)
{
	if (!name || !name[0])
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

uint64_t kcidb_hash(const char *text)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		h ^= *c;
		h *= 0x100000001b3ull;
	}
	return h;
}

void kcidb_id(char *id, size_t size, const char *origin, const char *kind, const char *key)
{
	snprintf(id, size, "%s:%s-%016" PRIx64, origin, kind, kcidb_hash(key));
}

static bool path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

void kcidb_path_add(char *path, size_t size, const char *name)
{
	size_t n = strlen(path);

	if (n && n + 1 < size)
		path[n++] = '.';
	if (!name[0] && n + 1 < size)
		path[n++] = '_';
	for (size_t i = 0; name[i] && n + 1 < size; i++) {
		char c = name[i];
		bool level = c == '.' && i > 0 && name[i - 1] != '.' && name[i + 1] &&
			     name[i + 1] != '.';

		path[n++] = path_char(c) || level ? c : '_';
	}
	path[n] = '\0';
}
