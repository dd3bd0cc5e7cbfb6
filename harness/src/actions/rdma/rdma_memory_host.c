// SPDX-License-Identifier: GPL-2.0
/* The baseline memory backend: anonymous pages registered with ibv_reg_mr. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "actions/rdma/rdma_memory.h"

struct host_memory {
	struct rdma_buffer base;
	void *buf;
	size_t mapped;
};

static struct host_memory *to_host(struct rdma_buffer *m)
{
	return (struct host_memory *)((char *)m - offsetof(struct host_memory, base));
}

static int host_cpu_write(struct rdma_buffer *m, uint64_t offset, const void *buf,
			  uint64_t length)
{
	memcpy((char *)to_host(m)->buf + offset, buf, length);
	return 0;
}

static int host_cpu_read(struct rdma_buffer *m, uint64_t offset, void *buf, uint64_t length)
{
	memcpy(buf, (char *)to_host(m)->buf + offset, length);
	return 0;
}

static void host_destroy(struct rdma_buffer *m)
{
	struct host_memory *h = to_host(m);

	if (m->mr)
		ibv_dereg_mr(m->mr);
	munmap(h->buf, h->mapped);
	free(h);
}

struct rdma_buffer *rdma_host_memory_create(const char *device, struct ibv_pd *pd, uint64_t size,
					    int access, struct rdma_problem *problem)
{
	struct host_memory *h = calloc(1, sizeof(*h));

	if (!h)
		abort();
	h->mapped = size;
	/* mmap: page aligned and zeroed, as the device pins whole pages anyway. */
	h->buf = mmap(NULL, h->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->buf == MAP_FAILED) {
		rdma_problem_set(problem, VERDICT_FAIL, "host memory: cannot map %llu bytes: %s",
				 (unsigned long long)size, strerror(errno));
		free(h);
		return NULL;
	}
	h->base.backend = "host";
	h->base.size = size;
	h->base.cpu_write = host_cpu_write;
	h->base.cpu_read = host_cpu_read;
	h->base.destroy = host_destroy;
	h->base.mr = ibv_reg_mr(pd, h->buf, size, access);
	if (!h->base.mr) {
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_reg_mr of %llu bytes of "
				 "host memory: %s", device, (unsigned long long)size, strerror(errno));
		host_destroy(&h->base);
		return NULL;
	}
	h->base.iova = (uintptr_t)h->buf;
	return &h->base;
}
