// SPDX-License-Identifier: GPL-2.0
/*
 * Lock step of an rdma step between the two nodes: a named barrier per
 * stage, then each node's account of the stage. In one guest there is no
 * other node and a sync only says whether this one may go on.
 */
#include "actions/rdma/rdma_run.h"

#include <stdio.h>
#include <string.h>

void rdma_run_assign_roles(struct rdma_run *rr)
{
	rr->peer = rr->env->peer;
	rr->requester = !rr->peer || rr->peer->role == NODE_CLIENT;
	rr->owns_target = !rr->peer || rr->peer->role == NODE_SERVER;
}

/* Tags name the step by its place: both runners parsed the same file. */
static size_t step_index(const struct rdma_run *rr)
{
	return (size_t)(rr->step - rr->env->sc->steps);
}

static void link_lost(struct rdma_run *rr)
{
	rdma_problem_set(&rr->problem, VERDICT_FAIL, "%s", rr->peer->lost);
}

void rdma_run_begin(struct rdma_run *rr)
{
	char tag[64];

	if (!rr->peer)
		return;
	snprintf(tag, sizeof(tag), "step %zu %s", step_index(rr), rr->step->name);
	if (!node_peer_barrier(rr->peer, tag, NODE_STEP_TIMEOUT_MS))
		link_lost(rr);
}

bool rdma_run_sync(struct rdma_run *rr, const char *stage, struct rdma_sync *mine,
		   struct rdma_sync *theirs, int timeout_ms)
{
	char tag[64];

	if (!rr->peer)
		return !rr->problem.set;
	mine->problem = rr->problem.set;
	mine->verdict = (uint8_t)rr->problem.verdict;
	snprintf(mine->why, sizeof(mine->why), "%s", rr->problem.why);
	snprintf(tag, sizeof(tag), "%zu %s", step_index(rr), stage);
	/* The barrier waits out the other node's work; the account follows at once. */
	if (!node_peer_barrier(rr->peer, tag, timeout_ms) ||
	    !node_peer_exchange(rr->peer, tag, mine, theirs, sizeof(*mine),
				NODE_STAGE_TIMEOUT_MS)) {
		link_lost(rr);
		return false;
	}
	if (theirs->problem) {
		theirs->why[sizeof(theirs->why) - 1] = '\0';
		rdma_problem_set(&rr->problem,
				 theirs->verdict == VERDICT_SKIP ? VERDICT_SKIP : VERDICT_FAIL,
				 "%s: %s", node_peer_other(rr->peer), theirs->why);
	}
	return !rr->problem.set;
}
