/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an `rdma` step line holds (scenarios/README.md, "rdma steps") and
 * the parsers of its values. scenario.c reads the line and reports errors
 * with file:line; the words themselves are judged here so the rules live
 * in one place.
 */
#ifndef P2PRIG_RDMA_SYNTAX_H
#define P2PRIG_RDMA_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/kinds.h"

#define RDMA_DEVICE_NAME_MAX	64	/* IBV_SYSFS_NAME_MAX, with the NUL */
#define RDMA_MAX_SIZES		16
#define RDMA_MAX_MESSAGE	(64ULL << 20)	/* both buffers live in the guest's RAM */
#define RDMA_MAX_ITERATIONS	100000
#define RDMA_DEFAULT_TX_DEPTH	128	/* as ib_write_bw's default, for comparable figures */
#define RDMA_MAX_TX_DEPTH	8192

enum rdma_op {
	RDMA_OP_WRITE,		/* the requester's buffer lands in the target buffer */
	RDMA_OP_READ,		/* the target buffer is read into the requester's */
};

/* Where the target buffer (the one the remote side of the QP pair owns) lives. */
enum rdma_memory {
	RDMA_MEMORY_HOST,	/* malloc'ed pages, ibv_reg_mr */
	RDMA_MEMORY_DMABUF,	/* a provider chunk exported as dma-buf, ibv_reg_dmabuf_mr */
};

struct rdma_params {
	char device[RDMA_DEVICE_NAME_MAX];
	enum rdma_op op;
	enum rdma_memory memory;
	size_t provider;			/* dmabuf: index in scenario.providers */
	const struct export_method_kind *method;	/* dmabuf: how the chunk is exported */
	uint64_t sizes[RDMA_MAX_SIZES];		/* message sizes, in the order given */
	size_t n_sizes;
	uint32_t iterations;			/* messages per size and pass */
	uint32_t tx_depth;			/* work requests in flight at most */
	uint64_t seed;
};

const char *rdma_op_name(enum rdma_op op);
const char *rdma_memory_name(enum rdma_memory memory);
bool rdma_op_parse(const char *text, enum rdma_op *out);
bool rdma_memory_parse(const char *text, enum rdma_memory *out);

/* A verbs device name as the kernel gives them: [A-Za-z0-9_.-], shorter than 64. */
bool rdma_device_name_ok(const char *name);

/*
 * "4K,64K,1M": sizes > 0 and at most RDMA_MAX_MESSAGE, no repeats, at most
 * RDMA_MAX_SIZES. On error false, with what was wrong in why.
 */
bool rdma_sizes_parse(const char *text, uint64_t *sizes, size_t *n, char *why, size_t why_size);

/* The largest of the sizes (the buffers are that big). */
uint64_t rdma_params_max_size(const struct rdma_params *r);

#endif
