/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One RC queue pair with its own completion queue, and what the other end
 * of the connection must know about it (ib_write_bw's exchange: QPN, PSN,
 * LID, GID, how many RDMA READs it answers at once). Connecting takes the
 * other end's description, whether that QP lives in this process (a
 * loopback pair) or in another guest (told over the peer link): one path
 * to RTR and RTS for both.
 */
#ifndef P2PRIG_RDMA_QP_H
#define P2PRIG_RDMA_QP_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "actions/rdma/rdma_device.h"
#include "actions/rdma/rdma_problem.h"
#include "actions/rdma/rdma_syntax.h"

/* The other end of a connection, as it tells it. Fixed-size fields: it crosses the peer link. */
struct rdma_endpoint {
	uint32_t qpn;
	uint32_t psn;			/* its first send PSN: our receive PSN */
	uint16_t lid;
	uint8_t rd_atomic;		/* RDMA READs it answers in flight at most */
	uint8_t pad;
	uint8_t gid[16];		/* RoCE: its address; zero on InfiniBand */
};

struct rdma_qp {
	const struct rdma_device *dev;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	uint32_t send_depth;		/* send work requests in flight at most */
	uint8_t rd_atomic;		/* RDMA READs in flight at most, either way */
	uint32_t psn;			/* our first send PSN */
};

/* send_depth is capped by the device; q->send_depth says what was used. */
/*
 * RoCEv2 packets cross routers in a lab fabric: the GRH hop limit is
 * perftest's, not 1 (which the first router drops).
 */
#define RDMA_HOP_LIMIT 0xff

/* A QP's first send PSN (24 bits), random per call and per process. */
uint32_t rdma_qp_first_psn(void);

bool rdma_qp_create(const struct rdma_device *dev, uint32_t send_depth, struct rdma_qp *q,
		    struct rdma_problem *problem);
void rdma_qp_destroy(struct rdma_qp *q);

/* What the other end needs to connect to Q. */
void rdma_qp_endpoint(const struct rdma_qp *q, struct rdma_endpoint *out);

/* INIT, RTR towards REMOTE, RTS: ready to send and to answer. */
bool rdma_qp_connect(struct rdma_qp *q, const struct rdma_endpoint *remote,
		     struct rdma_problem *problem);

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
int rdma_qp_post(struct rdma_qp *q, const struct rdma_message *m, uint64_t wr_id, bool signaled);

#endif
