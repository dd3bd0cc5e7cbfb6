// SPDX-License-Identifier: GPL-2.0
/* An RC QP, its description for the other end, and connecting it to one. */
#include "actions/rdma/rdma_qp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Retry and timeout as ib_write_bw's defaults: 4.096 us * 2^14 per try. */
#define QP_TIMEOUT	14
#define QP_RETRIES	7
#define MIN_RNR_TIMER	12
#define MAX_RD_ATOMIC	16
#define PSN_MASK	0xffffff

/*
 * A random start, as perftest, so that a stale packet of an earlier QP,
 * of this run or another, cannot match: from the kernel, not lrand48(),
 * which nothing seeds and so starts every process on the same PSN.
 */
uint32_t rdma_qp_first_psn(void)
{
	uint32_t psn;

	if (getrandom(&psn, sizeof(psn), 0) != (ssize_t)sizeof(psn))
		psn = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 8);
	return psn & PSN_MASK;
}

static uint8_t smallest(int a, int b, int c)
{
	int m = a < b ? a : b;

	m = m < c ? m : c;
	return (uint8_t)(m > 0 ? m : 1);
}

bool rdma_qp_create(const struct rdma_device *dev, uint32_t send_depth, struct rdma_qp *q,
		    struct rdma_problem *problem)
{
	const char *call = "ibv_create_cq";

	memset(q, 0, sizeof(*q));
	q->dev = dev;
	q->send_depth = send_depth;
	if (dev->attr.max_qp_wr > 0 && q->send_depth > (uint32_t)dev->attr.max_qp_wr)
		q->send_depth = (uint32_t)dev->attr.max_qp_wr;
	q->rd_atomic = smallest(dev->attr.max_qp_rd_atom, dev->attr.max_qp_init_rd_atom,
				MAX_RD_ATOMIC);
	q->psn = rdma_qp_first_psn();

	q->cq = ibv_create_cq(dev->ctx, (int)q->send_depth, NULL, NULL, 0);
	if (q->cq) {
		struct ibv_qp_init_attr attr = {
			.send_cq = q->cq,
			.recv_cq = q->cq,
			.cap = {
				.max_send_wr = q->send_depth,
				.max_recv_wr = 1,
				.max_send_sge = 1,
				.max_recv_sge = 1,
			},
			.qp_type = IBV_QPT_RC,
			/* Unsignalled WRs complete silently: one CQE stands for a batch. */
			.sq_sig_all = 0,
		};

		call = "ibv_create_qp";
		q->qp = ibv_create_qp(dev->pd, &attr);
	}
	if (q->qp)
		return true;
	rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: %s: %s", dev->name, call,
			 strerror(errno));
	rdma_qp_destroy(q);
	return false;
}

void rdma_qp_destroy(struct rdma_qp *q)
{
	if (q->qp)
		ibv_destroy_qp(q->qp);
	if (q->cq)
		ibv_destroy_cq(q->cq);
	q->qp = NULL;
	q->cq = NULL;
}

void rdma_qp_endpoint(const struct rdma_qp *q, struct rdma_endpoint *out)
{
	memset(out, 0, sizeof(*out));
	out->qpn = q->qp->qp_num;
	out->psn = q->psn;
	out->lid = q->dev->port_attr.lid;
	out->rd_atomic = q->rd_atomic;
	if (q->dev->use_grh)
		memcpy(out->gid, q->dev->gid.raw, sizeof(out->gid));
}

static int to_init(const struct rdma_qp *q)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = q->dev->port,
		.qp_access_flags = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ,
	};

	return ibv_modify_qp(q->qp, &attr, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
					   IBV_QP_ACCESS_FLAGS);
}

/* Ready to receive from REMOTE: its QPN and PSN, its LID or (RoCE) its GID. */
static int to_rtr(const struct rdma_qp *q, const struct rdma_endpoint *remote)
{
	const struct rdma_device *dev = q->dev;
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = dev->port_attr.active_mtu,
		.dest_qp_num = remote->qpn,
		.rq_psn = remote->psn,
		.max_dest_rd_atomic = q->rd_atomic,
		.min_rnr_timer = MIN_RNR_TIMER,
		.ah_attr = {
			.dlid = remote->lid,
			.sl = 0,
			.port_num = dev->port,
			.is_global = dev->use_grh,
		},
	};

	if (dev->use_grh) {
		memcpy(attr.ah_attr.grh.dgid.raw, remote->gid, sizeof(remote->gid));
		attr.ah_attr.grh.sgid_index = (uint8_t)dev->gid_index;
		attr.ah_attr.grh.hop_limit = RDMA_HOP_LIMIT;
	}
	return ibv_modify_qp(q->qp, &attr, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
					   IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
					   IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
}

/* Our READs in flight must not exceed what the remote end answers at once. */
static int to_rts(const struct rdma_qp *q, const struct rdma_endpoint *remote)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_RTS,
		.timeout = QP_TIMEOUT,
		.retry_cnt = QP_RETRIES,
		.rnr_retry = QP_RETRIES,
		.sq_psn = q->psn,
		.max_rd_atomic = q->rd_atomic < remote->rd_atomic ? q->rd_atomic
								  : remote->rd_atomic,
	};

	return ibv_modify_qp(q->qp, &attr, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
					   IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
					   IBV_QP_MAX_QP_RD_ATOMIC);
}

bool rdma_qp_connect(struct rdma_qp *q, const struct rdma_endpoint *remote,
		     struct rdma_problem *problem)
{
	const char *call = "ibv_modify_qp to INIT";
	int rc = to_init(q);

	if (!rc) {
		call = "ibv_modify_qp to RTR";
		rc = to_rtr(q, remote);
	}
	if (!rc) {
		call = "ibv_modify_qp to RTS";
		rc = to_rts(q, remote);
	}
	if (rc)
		rdma_problem_set(problem, VERDICT_FAIL,
				 "RDMA device %s: %s (remote QPN 0x%06x): %s", q->dev->name, call,
				 remote->qpn, strerror(rc));
	return rc == 0;
}

int rdma_qp_post(struct rdma_qp *q, const struct rdma_message *m, uint64_t wr_id, bool signaled)
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

	return ibv_post_send(q->qp, &wr, &bad);
}
