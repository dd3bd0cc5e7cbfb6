// SPDX-License-Identifier: GPL-2.0
/*
 * The dma-buf memory backend: a provider's peer-memory chunk, exported by
 * the module with a chosen method, registered with ibv_reg_dmabuf_mr. The
 * device's driver then attaches to the dma-buf as an importer and maps it
 * through the exporter, which is the path under test. A driver without a
 * dma-buf importer (rxe, siw) refuses with EOPNOTSUPP: a skip, with that
 * reason, never a pass.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/rdma/rdma_memory.h"

#define PAGE 4096ULL
/* The address work requests name the dma-buf by: any value works, 0 reads plainly. */
#define DMABUF_IOVA 0

struct dmabuf_memory {
	struct rdma_buffer base;
	struct rdma_dmabuf_source source;
	int fd;
};

static struct dmabuf_memory *to_dmabuf(struct rdma_buffer *m)
{
	return (struct dmabuf_memory *)((char *)m - offsetof(struct dmabuf_memory, base));
}

/* The chunk's bytes through the CPU (the module's CHUNK_IO), not through the dma-buf. */
static int dmabuf_cpu_write(struct rdma_buffer *m, uint64_t offset, const void *buf,
			    uint64_t length)
{
	const struct rdma_dmabuf_source *s = &to_dmabuf(m)->source;

	return rigdev_chunk_io(s->rig, s->chunk, P2PRIG_IO_WRITE, offset, (void *)buf, length);
}

static int dmabuf_cpu_read(struct rdma_buffer *m, uint64_t offset, void *buf, uint64_t length)
{
	const struct rdma_dmabuf_source *s = &to_dmabuf(m)->source;

	return rigdev_chunk_io(s->rig, s->chunk, P2PRIG_IO_READ, offset, buf, length);
}

static void dmabuf_destroy(struct rdma_buffer *m)
{
	struct dmabuf_memory *d = to_dmabuf(m);

	if (m->mr)
		ibv_dereg_mr(m->mr);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

static void export_failed(const struct rdma_dmabuf_source *s, int rc, struct rdma_problem *problem)
{
	if (rc == -ENOTTY)
		rdma_problem_set(problem, VERDICT_SKIP,
				 "provider %s: the module has no dma-buf export yet (EXPORT: ENOTTY)",
				 s->provider_name);
	else if (rc == -EOPNOTSUPP)
		rdma_problem_set(problem, VERDICT_SKIP,
				 "provider %s: dma-buf export method %s not supported by this kernel "
				 "or module (EOPNOTSUPP)", s->provider_name, s->method_name);
	else
		rdma_problem_set(problem, VERDICT_FAIL,
				 "provider %s: dma-buf EXPORT by method %s failed: %s",
				 s->provider_name, s->method_name, strerror(-rc));
}

static void register_failed(const char *device, int err, struct rdma_problem *problem)
{
	/* libibverbs answers EOPNOTSUPP itself when the provider has no reg_dmabuf_mr. */
	if (err == EOPNOTSUPP || err == ENOSYS)
		rdma_problem_set(problem, VERDICT_SKIP,
				 "RDMA device %s cannot register dma-buf memory: ibv_reg_dmabuf_mr: "
				 "%s (its driver has no dma-buf importer)", device, strerror(err));
	else
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_reg_dmabuf_mr: %s",
				 device, strerror(err));
}

struct rdma_buffer *rdma_dmabuf_memory_create(const char *device, struct ibv_pd *pd,
					      const struct rdma_dmabuf_source *source,
					      uint64_t size, int access,
					      struct rdma_problem *problem)
{
	struct dmabuf_memory *d = calloc(1, sizeof(*d));
	uint64_t length = (size + PAGE - 1) / PAGE * PAGE;
	int rc;

	if (!d)
		abort();
	d->source = *source;
	d->fd = -1;
	d->base.backend = "dmabuf";
	d->base.size = size;
	d->base.cpu_write = dmabuf_cpu_write;
	d->base.cpu_read = dmabuf_cpu_read;
	d->base.destroy = dmabuf_destroy;

	rc = rigdev_export(source->rig, source->chunk, source->method, 0, length, &d->fd);
	if (rc) {
		export_failed(source, rc, problem);
		dmabuf_destroy(&d->base);
		return NULL;
	}
	d->base.mr = ibv_reg_dmabuf_mr(pd, 0, length, DMABUF_IOVA, d->fd, access);
	if (!d->base.mr) {
		register_failed(device, errno, problem);
		dmabuf_destroy(&d->base);
		return NULL;
	}
	d->base.iova = DMABUF_IOVA;
	return &d->base;
}
