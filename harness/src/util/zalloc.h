/* SPDX-License-Identifier: GPL-2.0 */
/* Zeroed memory for a report the runner cannot go on without. */
#ifndef P2PRIG_ZALLOC_H
#define P2PRIG_ZALLOC_H

#include <stddef.h>

/* SIZE zeroed bytes; aborts when there are none, as every report's _new() did. */
void *zalloc_or_abort(size_t size);

#endif
