// SPDX-License-Identifier: GPL-2.0
/* result.json's UTC times, checked before KCIDB's date-time fields take them. */
#include "kcidb/kcidb.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool kcidb_time_parse(const char *text, int64_t *t)
{
	struct tm tm = { 0 };
	int n = 0;

	if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
			    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 20 || strlen(text) != 20)
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = (int64_t)timegm(&tm);
	return true;
}

bool kcidb_time_ok(const char *text)
{
	int64_t t;

	return kcidb_time_parse(text, &t);
}
