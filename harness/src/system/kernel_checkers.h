/* SPDX-License-Identifier: GPL-2.0 */
/* Which of the kernel's own debug checkers the running kernel has on. */
#ifndef P2PRIG_KERNEL_CHECKERS_H
#define P2PRIG_KERNEL_CHECKERS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes the checkers found under ROOT ("/" in a guest) to OUT as a
 * comma-separated list ("dma-debug, kmemleak, lockdep"), each known by
 * what it puts in debugfs or procfs; true when there is any. Such a
 * kernel's timings measure the checkers, not the code under them.
 */
bool kernel_checkers_detect(const char *root, char *out, size_t size);

#endif
