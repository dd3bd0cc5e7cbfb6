// SPDX-License-Identifier: GPL-2.0
/* The kernel's debug checkers, known by the files they make. */
#include "system/kernel_checkers.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	const char *path;
} checkers[] = {
	{ "dma-debug", "sys/kernel/debug/dma-api" },
	{ "kmemleak", "sys/kernel/debug/kmemleak" },
	{ "lockdep", "proc/lockdep" },
};

bool kernel_checkers_detect(const char *root, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", root, checkers[i].path);
		if (access(path, F_OK) != 0 || used >= size)
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
				 checkers[i].name);
		used = n < 0 ? used : used + (size_t)n;
	}
	return size && out[0];
}
