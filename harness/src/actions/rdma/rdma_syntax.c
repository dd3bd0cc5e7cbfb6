// SPDX-License-Identifier: GPL-2.0
/* Values of `rdma` step lines. */
#include "actions/rdma/rdma_syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"
#include "util/names.h"

NAMED_ENUM(rdma_op, enum rdma_op, [RDMA_OP_WRITE] = "write", [RDMA_OP_READ] = "read")
NAMED_ENUM(rdma_memory, enum rdma_memory,
	   [RDMA_MEMORY_HOST] = "host", [RDMA_MEMORY_DMABUF] = "dmabuf")

bool rdma_device_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= RDMA_DEVICE_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

bool rdma_sizes_parse(const char *text, uint64_t *sizes, size_t *n, char *why, size_t why_size)
{
	char *copy = strdup(text);
	bool ok = true;

	if (!copy)
		abort();
	*n = 0;
	/* strtok_r would hide an empty item ("4K,,1M"), so split by hand. */
	for (char *item = copy, *next; ok && item; item = next) {
		uint64_t size;
		char shown[SIZE_TEXT_MAX];

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!parse_size(item, &size) || size == 0) {
			snprintf(why, why_size, "bad size '%s' in sizes (expected a comma-separated list "
				 "of sizes > 0 with an optional K, M or G suffix, e.g. 4K,64K,1M)", item);
			ok = false;
		} else if (size > RDMA_MAX_MESSAGE) {
			format_size(RDMA_MAX_MESSAGE, shown, sizeof(shown));
			snprintf(why, why_size, "size %s in sizes is larger than %s", item, shown);
			ok = false;
		} else if (*n == RDMA_MAX_SIZES) {
			snprintf(why, why_size, "too many sizes (at most %d)", RDMA_MAX_SIZES);
			ok = false;
		} else {
			for (size_t i = 0; i < *n; i++) {
				if (sizes[i] == size) {
					format_size(size, shown, sizeof(shown));
					snprintf(why, why_size, "size %s appears twice in sizes", shown);
					ok = false;
				}
			}
			sizes[(*n)++] = size;
		}
	}
	free(copy);
	return ok;
}

uint64_t rdma_params_max_size(const struct rdma_params *r)
{
	uint64_t max = 0;

	for (size_t i = 0; i < r->n_sizes; i++)
		if (r->sizes[i] > max)
			max = r->sizes[i];
	return max;
}
