// SPDX-License-Identifier: GPL-2.0
/* Zeroed memory or abort: the one allocation failure policy of the reports. */
#include "util/zalloc.h"

#include <stdlib.h>

void *zalloc_or_abort(size_t size)
{
	void *p = calloc(1, size);

	if (!p)
		abort();
	return p;
}
