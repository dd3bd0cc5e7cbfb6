/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two RC queue pairs on one device, connected to each other in-process:
 * each is given the other's endpoint directly, the exchange ib_write_bw
 * makes over a socket. The requester posts RDMA WRITE or READ work
 * requests whose remote side is the responder's memory; the responder
 * only answers (no receive queue work).
 */
#ifndef P2PRIG_RDMA_LOOPBACK_H
#define P2PRIG_RDMA_LOOPBACK_H

#include <stdbool.h>

#include "actions/rdma/rdma_qp.h"

struct rdma_loopback {
	struct rdma_qp requester, responder;
};

/* tx_depth is capped by the device; lb->requester.send_depth says what was used. */
bool rdma_loopback_create(const struct rdma_device *dev, uint32_t tx_depth,
			  struct rdma_loopback *lb, struct rdma_problem *problem);
void rdma_loopback_destroy(struct rdma_loopback *lb);

#endif
