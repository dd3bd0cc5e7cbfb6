// SPDX-License-Identifier: GPL-2.0
/* A connected pair of RC QPs on one device. */
#include "actions/rdma/rdma_loopback.h"

#include <string.h>

bool rdma_loopback_create(const struct rdma_device *dev, uint32_t tx_depth,
			  struct rdma_loopback *lb, struct rdma_problem *problem)
{
	struct rdma_endpoint requester, responder;

	memset(lb, 0, sizeof(*lb));
	/* The responder never posts: one send slot is all it needs. */
	if (!rdma_qp_create(dev, tx_depth, &lb->requester, problem) ||
	    !rdma_qp_create(dev, 1, &lb->responder, problem))
		goto failed;
	rdma_qp_endpoint(&lb->requester, &requester);
	rdma_qp_endpoint(&lb->responder, &responder);
	if (rdma_qp_connect(&lb->requester, &responder, problem) &&
	    rdma_qp_connect(&lb->responder, &requester, problem))
		return true;
failed:
	rdma_loopback_destroy(lb);
	return false;
}

void rdma_loopback_destroy(struct rdma_loopback *lb)
{
	rdma_qp_destroy(&lb->responder);
	rdma_qp_destroy(&lb->requester);
}
