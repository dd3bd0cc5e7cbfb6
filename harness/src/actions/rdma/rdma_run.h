/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One rdma step on this node, shared by its parts: rdma_step.c (what the
 * step reports), rdma_run_passes.c (set-up and the timed, checked passes)
 * and rdma_run_sync.c (lock step with the other node).
 *
 * In one guest both ends are here: a loopback pair, the requester's
 * buffer and the target. In a two-node run the client is the requester
 * with its buffer, the server owns the target and only answers; each
 * stage of a pass is followed by a sync, and whichever node holds a
 * buffer seeds or checks it and tells the other what it found.
 */
#ifndef P2PRIG_RDMA_RUN_H
#define P2PRIG_RDMA_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "run/node_link.h"
#include "actions/rdma/rdma_device.h"
#include "actions/rdma/rdma_loopback.h"
#include "actions/rdma/rdma_memory.h"
#include "actions/rdma/rdma_problem.h"
#include "actions/rdma/rdma_qp.h"
#include "actions/rdma/rdma_report.h"
#include "actions/step.h"

/* The target buffer as the requester's work requests name it. */
struct rdma_target_ref {
	uint64_t addr;
	uint32_t rkey;
	uint32_t pad;
	uint64_t size;
};

struct rdma_run {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct rdma_params *r;
	struct step_report *out;
	struct rdma_report *report;
	uint64_t check_seed;
	struct rdma_problem problem;

	struct node_peer *peer;		/* NULL: one guest, both ends here */
	bool requester;			/* this node posts the work requests */
	bool owns_target;		/* this node holds the target buffer */

	struct rdma_device dev;
	bool dev_open;
	struct rdma_loopback lb;	/* one guest */
	struct rdma_qp qp;		/* two nodes: this node's end */
	struct rdma_qp *poster;		/* the requester's QP; NULL on the server */
	struct rdma_buffer *local, *target;	/* NULL where the other node holds it */
	struct rdma_target_ref target_ref;
	uint8_t *staging;		/* CPU copy of one buffer, for seeding and checking */
	uint64_t *posted, *completed;	/* bandwidth pass times */
};

/*
 * What one node tells the other after each stage: whether it ran into a
 * problem (and which), what it found checking a destination it holds,
 * and at set-up its QP's endpoint and the target. Both runners are the
 * same build, so the struct crosses the link as it is.
 */
struct rdma_sync {
	uint8_t problem;		/* 0: all well */
	uint8_t verdict;		/* enum step_verdict of the problem */
	uint8_t checked;		/* the fields of check below are meaningful */
	uint8_t has_mismatch;
	uint32_t pad;
	uint64_t checked_bytes, mismatched_bytes, first_mismatch;
	struct rdma_endpoint endpoint;	/* set-up */
	struct rdma_target_ref target;	/* set-up, from the target's owner */
	char why[RESULT_TEXT_MAX];
};

/* rdma_run_sync.c */

/* Roles from env->peer: both ends here, the client's or the server's. */
void rdma_run_assign_roles(struct rdma_run *rr);
/* Both nodes at the start of this step. A no-op in one guest. */
void rdma_run_begin(struct rdma_run *rr);
/*
 * Tells the other node MINE (the problem filled in from rr->problem) and
 * takes THEIRS, after both reach STAGE. A problem of either node or of
 * the link becomes rr's problem. True when both may go on; in one guest,
 * when rr has no problem.
 */
bool rdma_run_sync(struct rdma_run *rr, const char *stage, struct rdma_sync *mine,
		   struct rdma_sync *theirs, int timeout_ms);

/* rdma_run_passes.c */

/* Device, buffers and connected QP(s); false with rr->problem set. */
bool rdma_run_set_up(struct rdma_run *rr);
/* Both passes of one size; false when the step cannot go on. */
bool rdma_run_size(struct rdma_run *rr, struct rdma_size_report *sr);
void rdma_run_tear_down(struct rdma_run *rr);

#endif
