/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel versions: the scenario's `require kernel X.Y` against uname. */
#ifndef P2PRIG_KVERSION_H
#define P2PRIG_KVERSION_H

#include <stdbool.h>

struct kversion {
	unsigned int major, minor, patch;
};

/* Strict: the whole text is MAJOR.MINOR or MAJOR.MINOR.PATCH. */
bool kversion_parse(const char *text, struct kversion *out);

/* Lenient: the leading version of a release like "7.3.4+deb13-amd64". */
bool kversion_from_release(const char *release, struct kversion *out);

/* <0, 0, >0 like strcmp. */
int kversion_compare(const struct kversion *a, const struct kversion *b);

#endif
