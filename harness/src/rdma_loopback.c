// SPDX-License-Identifier: GPL-2.0
/* A connected pair of RC QPs on one device. */
#include "rdma_loopback.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Retry and timeout as ib_write_bw's defaults: 4.096 us * 2^14 per try. */
#define QP_TIMEOUT	14
#define QP_RETRIES	7
#define MIN_RNR_TIMER	12
#define MAX_RD_ATOMIC	16

static struct ibv_qp *create_qp(const struct rdma_loopback *lb, struct ibv_cq *cq,
				uint32_t send_wr)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = cq,
		.recv_cq = cq,
		.cap = {
			.max_send_wr = send_wr,
			.max_recv_wr = 1,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
		.qp_type = IBV_QPT_RC,
		/* Unsignalled WRs complete silently: one CQE stands for a batch. */
		.sq_sig_all = 0,
	};

	return ibv_create_qp(lb->dev->pd, &attr);
}

static int to_init(const struct rdma_loopback *lb, struct ibv_qp *qp)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = lb->dev->port,
		.qp_access_flags = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ,
	};

	return ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
					IBV_QP_ACCESS_FLAGS);
}

/* Ready to receive from REMOTE: its QPN, and the port's own LID or GID. */
static int to_rtr(const struct rdma_loopback *lb, struct ibv_qp *qp, const struct ibv_qp *remote)
{
	const struct rdma_device *dev = lb->dev;
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = dev->port_attr.active_mtu,
		.dest_qp_num = remote->qp_num,
		.rq_psn = 0,
		.max_dest_rd_atomic = lb->rd_atomic,
		.min_rnr_timer = MIN_RNR_TIMER,
		.ah_attr = {
			.dlid = dev->port_attr.lid,
			.sl = 0,
			.port_num = dev->port,
			.is_global = dev->use_grh,
		},
	};

	if (dev->use_grh) {
		attr.ah_attr.grh.dgid = dev->gid;
		attr.ah_attr.grh.sgid_index = (uint8_t)dev->gid_index;
		attr.ah_attr.grh.hop_limit = 1;
	}
	return ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
					IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
					IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
}

static int to_rts(const struct rdma_loopback *lb, struct ibv_qp *qp)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_RTS,
		.timeout = QP_TIMEOUT,
		.retry_cnt = QP_RETRIES,
		.rnr_retry = QP_RETRIES,
		.sq_psn = 0,
		.max_rd_atomic = lb->rd_atomic,
	};

	return ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
					IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
					IBV_QP_MAX_QP_RD_ATOMIC);
}

static uint8_t smallest(int a, int b, int c)
{
	int m = a < b ? a : b;

	m = m < c ? m : c;
	return (uint8_t)(m > 0 ? m : 1);
}

bool rdma_loopback_create(const struct rdma_device *dev, uint32_t tx_depth,
			  struct rdma_loopback *lb, struct rdma_problem *problem)
{
	const char *call;
	int rc;

	memset(lb, 0, sizeof(*lb));
	lb->dev = dev;
	lb->tx_depth = tx_depth;
	if (dev->attr.max_qp_wr > 0 && lb->tx_depth > (uint32_t)dev->attr.max_qp_wr)
		lb->tx_depth = (uint32_t)dev->attr.max_qp_wr;
	lb->rd_atomic = smallest(dev->attr.max_qp_rd_atom, dev->attr.max_qp_init_rd_atom,
				 MAX_RD_ATOMIC);

	call = "ibv_create_cq";
	lb->cq = ibv_create_cq(dev->ctx, (int)lb->tx_depth, NULL, NULL, 0);
	lb->peer_cq = lb->cq ? ibv_create_cq(dev->ctx, 1, NULL, NULL, 0) : NULL;
	if (!lb->peer_cq)
		goto failed_errno;
	call = "ibv_create_qp";
	lb->qp = create_qp(lb, lb->cq, lb->tx_depth);
	lb->peer = lb->qp ? create_qp(lb, lb->peer_cq, 1) : NULL;
	if (!lb->peer)
		goto failed_errno;

	call = "ibv_modify_qp to INIT";
	rc = to_init(lb, lb->qp);
	if (!rc)
		rc = to_init(lb, lb->peer);
	if (rc)
		goto failed;
	call = "ibv_modify_qp to RTR";
	rc = to_rtr(lb, lb->qp, lb->peer);
	if (!rc)
		rc = to_rtr(lb, lb->peer, lb->qp);
	if (rc)
		goto failed;
	call = "ibv_modify_qp to RTS";
	rc = to_rts(lb, lb->qp);
	if (!rc)
		rc = to_rts(lb, lb->peer);
	if (rc)
		goto failed;
	return true;

failed_errno:
	rc = errno;
failed:
	rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: %s: %s", dev->name, call,
			 strerror(rc));
	rdma_loopback_destroy(lb);
	return false;
}

void rdma_loopback_destroy(struct rdma_loopback *lb)
{
	if (lb->peer)
		ibv_destroy_qp(lb->peer);
	if (lb->qp)
		ibv_destroy_qp(lb->qp);
	if (lb->peer_cq)
		ibv_destroy_cq(lb->peer_cq);
	if (lb->cq)
		ibv_destroy_cq(lb->cq);
	lb->peer = lb->qp = NULL;
	lb->peer_cq = lb->cq = NULL;
}

int rdma_loopback_post(struct rdma_loopback *lb, const struct rdma_message *m, uint64_t wr_id,
		       bool signaled)
{
	struct ibv_sge sge = {
		.addr = m->local_addr,
		.length = m->length,
		.lkey = m->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = wr_id,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = m->op == RDMA_OP_WRITE ? IBV_WR_RDMA_WRITE : IBV_WR_RDMA_READ,
		.send_flags = signaled ? IBV_SEND_SIGNALED : 0,
		.wr.rdma = {
			.remote_addr = m->remote_addr,
			.rkey = m->rkey,
		},
	};
	struct ibv_send_wr *bad = NULL;

	return ibv_post_send(lb->qp, &wr, &bad);
}
