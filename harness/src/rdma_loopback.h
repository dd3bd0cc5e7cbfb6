/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two RC queue pairs on one device, connected to each other in-process:
 * each is given the other's QPN and the port's LID and GID directly, the
 * exchange ib_write_bw makes over a socket. The requester posts RDMA
 * WRITE or READ work requests whose remote side is the responder's
 * memory; the responder only answers (no receive queue work).
 */
#ifndef P2PRIG_RDMA_LOOPBACK_H
#define P2PRIG_RDMA_LOOPBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "rdma_device.h"
#include "rdma_syntax.h"

struct rdma_loopback {
	const struct rdma_device *dev;
	struct ibv_cq *cq, *peer_cq;
	struct ibv_qp *qp, *peer;	/* requester, responder */
	uint32_t tx_depth;		/* send work requests in flight at most */
	uint8_t rd_atomic;		/* RDMA READs in flight at most */
};

/* tx_depth is capped by what the device allows; lb->tx_depth says what was used. */
bool rdma_loopback_create(const struct rdma_device *dev, uint32_t tx_depth,
			  struct rdma_loopback *lb, struct rdma_problem *problem);
void rdma_loopback_destroy(struct rdma_loopback *lb);

/* One message: [local, local + length) to or from [remote, remote + length). */
struct rdma_message {
	enum rdma_op op;
	uint64_t local_addr;
	uint32_t lkey;
	uint64_t remote_addr;
	uint32_t rkey;
	uint32_t length;
};

/* 0 or the errno of ibv_post_send. */
int rdma_loopback_post(struct rdma_loopback *lb, const struct rdma_message *m, uint64_t wr_id,
		       bool signaled);

#endif
