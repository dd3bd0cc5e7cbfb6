// SPDX-License-Identifier: GPL-2.0
/* Kernel version parsing and comparison. */
#include "util/kversion.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* One decimal component; *end is left after its digits. */
static bool component(const char *s, const char **end, unsigned int *out)
{
	char *stop;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &stop, 10);
	if (errno || v > 1000000)
		return false;
	*out = (unsigned int)v;
	*end = stop;
	return true;
}

/* Reads MAJOR.MINOR[.PATCH]; *end is left after the last component. */
static bool leading_version(const char *s, const char **end, struct kversion *out)
{
	struct kversion v = { 0 };

	if (!component(s, &s, &v.major) || *s != '.' || !component(s + 1, &s, &v.minor))
		return false;
	if (*s == '.' && isdigit((unsigned char)s[1]) && !component(s + 1, &s, &v.patch))
		return false;
	*out = v;
	*end = s;
	return true;
}

bool kversion_parse(const char *text, struct kversion *out)
{
	const char *end;

	return leading_version(text, &end, out) && *end == '\0';
}

bool kversion_from_release(const char *release, struct kversion *out)
{
	const char *end;

	return leading_version(release, &end, out);
}

int kversion_compare(const struct kversion *a, const struct kversion *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}
