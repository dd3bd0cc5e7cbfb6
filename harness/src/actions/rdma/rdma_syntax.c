// SPDX-License-Identifier: GPL-2.0
/* Values of `rdma` step lines. */
#include "actions/rdma/rdma_syntax.h"

#include <stdio.h>
#include <string.h>

#include "util/comma_list.h"
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

static bool read_message_size(const char *item, uint64_t *size, char *why, size_t why_size)
{
	return comma_list_size(item, size, "sizes > 0", 0, NULL, RDMA_MAX_MESSAGE, why,
			       why_size);
}

bool rdma_sizes_parse(const char *text, uint64_t *sizes, size_t *n, char *why, size_t why_size)
{
	struct comma_list_result r;
	char shown[SIZE_TEXT_MAX];

	comma_list_read(text, read_message_size, sizes, RDMA_MAX_SIZES, n, why, why_size, &r);
	if (r.fault == COMMA_LIST_TOO_MANY) {
		snprintf(why, why_size, "too many sizes (at most %d)", RDMA_MAX_SIZES);
	} else if (r.fault == COMMA_LIST_REPEATED) {
		/* As the size reads, whichever way it was written: 4096 and 4K are one. */
		format_size(r.value, shown, sizeof(shown));
		snprintf(why, why_size, "size %s appears twice in sizes", shown);
	}
	return r.fault == COMMA_LIST_OK;
}

uint64_t rdma_params_max_size(const struct rdma_params *r)
{
	uint64_t max = 0;

	for (size_t i = 0; i < r->n_sizes; i++)
		if (r->sizes[i] > max)
			max = r->sizes[i];
	return max;
}
