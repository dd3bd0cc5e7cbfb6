/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory backends of an rdma step, one file each (as perftest's): where a
 * buffer lives, how it is registered with the device, and how the CPU
 * reaches its bytes to seed and check them.
 *
 * A backend's create function returns its buffer registered over
 * [0, size) with the access flags asked for, or NULL with the problem
 * set: VERDICT_SKIP when the device or module cannot offer this memory
 * (no dma-buf export, no dma-buf importer in the device's driver),
 * VERDICT_FAIL when something that should work broke.
 */
#ifndef P2PRIG_RDMA_MEMORY_H
#define P2PRIG_RDMA_MEMORY_H

#include <stdint.h>

#include <infiniband/verbs.h>

#include "actions/rdma/rdma_problem.h"
#include "client/rigdev.h"

struct rdma_buffer {
	const char *backend;		/* "host", "dmabuf" */
	struct ibv_mr *mr;
	uint64_t iova;			/* the address work requests name: mr->addr's */
	uint64_t size;
	/* CPU copies; 0 or a negative errno. offset + length <= size. */
	int (*cpu_write)(struct rdma_buffer *m, uint64_t offset, const void *buf, uint64_t length);
	int (*cpu_read)(struct rdma_buffer *m, uint64_t offset, void *buf, uint64_t length);
	/* Deregisters and frees; m is gone afterwards. */
	void (*destroy)(struct rdma_buffer *m);
};

/* Page-aligned anonymous memory, ibv_reg_mr. */
struct rdma_buffer *rdma_host_memory_create(const char *device, struct ibv_pd *pd, uint64_t size,
					    int access, struct rdma_problem *problem);

/* What the dma-buf backend exports. */
struct rdma_dmabuf_source {
	const struct rigdev *rig;
	uint32_t chunk;			/* a peer-memory chunk the run allocated */
	uint32_t method;		/* enum p2prig_export_method */
	const char *method_name;
	const char *provider_name;
};

/*
 * [0, size rounded up to a page) of the chunk exported by the module as a
 * dma-buf, ibv_reg_dmabuf_mr on its fd; the CPU reaches the bytes through
 * the module's CHUNK_IO.
 */
struct rdma_buffer *rdma_dmabuf_memory_create(const char *device, struct ibv_pd *pd,
					      const struct rdma_dmabuf_source *source,
					      uint64_t size, int access,
					      struct rdma_problem *problem);

#endif
