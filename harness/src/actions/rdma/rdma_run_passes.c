// SPDX-License-Identifier: GPL-2.0
/*
 * Set-up and the passes of an rdma step, one path for one guest and for
 * two nodes. Each pass: the source gets the seed's pattern and the
 * destination its complement (so a pass that silently moved nothing
 * cannot pass), the requester moves the messages, the destination's
 * holder checks every byte. Between the stages the nodes sync
 * (rdma_run_sync.c); in one guest that is only a check for problems.
 */
#include "actions/rdma/rdma_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"
#include "util/pattern.h"
#include "actions/rdma/rdma_bench.h"
#include "actions/rdma/rdma_figures.h"
#include "util/stats.h"

static void record_device(struct rdma_run *rr)
{
	struct rdma_report *rep = rr->report;

	rep->opened = true;
	rep->port = rr->dev.port;
	snprintf(rep->link_layer, sizeof(rep->link_layer), "%s", rdma_device_link_layer(&rr->dev));
	rep->gid_index = rr->dev.gid_index;
	rdma_device_gid_text(&rr->dev, rep->gid, sizeof(rep->gid));
	rep->path_mtu = rdma_mtu_bytes(rr->dev.port_attr.active_mtu);
}

/* Every size must fit one message of the port. */
static bool sizes_fit(struct rdma_run *rr)
{
	uint64_t largest = rdma_params_max_size(rr->r);
	char shown[SIZE_TEXT_MAX];

	if (largest <= rr->dev.port_attr.max_msg_sz)
		return true;
	format_size(largest, shown, sizeof(shown));
	rdma_problem_set(&rr->problem, VERDICT_SKIP,
			 "RDMA device %s: size %s is larger than its largest message (%u bytes)",
			 rr->dev.name, shown, rr->dev.port_attr.max_msg_sz);
	return false;
}

static struct rdma_buffer *create_target(struct rdma_run *rr, uint64_t size)
{
	const struct rdma_params *r = rr->r;
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

	if (r->memory == RDMA_MEMORY_HOST)
		return rdma_host_memory_create(r->device, rr->dev.pd, size, access, &rr->problem);
	struct rdma_dmabuf_source source = {
		.rig = rr->env->dev,
		.chunk = rr->env->providers[r->provider].chunk.handle,
		.method = r->method->uapi,
		.method_name = r->method->name,
		.provider_name = rr->env->sc->providers[r->provider].name,
	};
	return rdma_dmabuf_memory_create(r->device, rr->dev.pd, &source, size, access,
					 &rr->problem);
}

/* The QP(s) of this node: a connected loopback pair, or this node's end, not yet connected. */
static bool create_qps(struct rdma_run *rr)
{
	if (!rr->peer) {
		if (!rdma_loopback_create(&rr->dev, rr->r->tx_depth, &rr->lb, &rr->problem))
			return false;
		rr->poster = &rr->lb.requester;
	} else {
		/* The server only answers: one send slot is all its QP needs. */
		if (!rdma_qp_create(&rr->dev, rr->requester ? rr->r->tx_depth : 1, &rr->qp,
				    &rr->problem))
			return false;
		rr->poster = rr->requester ? &rr->qp : NULL;
	}
	if (rr->poster)
		rr->report->tx_depth = rr->poster->send_depth;
	return true;
}

/* This node's share: the device, the buffers it holds, its QP(s). */
static bool set_up_here(struct rdma_run *rr)
{
	uint64_t size = rdma_params_max_size(rr->r);

	if (!rdma_device_open(rr->r->device, &rr->dev, &rr->problem))
		return false;
	rr->dev_open = true;
	record_device(rr);
	if (!sizes_fit(rr))
		return false;
	if (rr->owns_target) {
		rr->target = create_target(rr, size);
		if (!rr->target)
			return false;
		rr->target_ref = (struct rdma_target_ref){
			.addr = rr->target->iova, .rkey = rr->target->mr->rkey, .size = size,
		};
	}
	if (rr->requester) {
		rr->local = rdma_host_memory_create(rr->r->device, rr->dev.pd, size,
						    IBV_ACCESS_LOCAL_WRITE, &rr->problem);
		if (!rr->local)
			return false;
	}
	if (!create_qps(rr))
		return false;
	rr->staging = malloc(size);
	if (!rr->staging)
		abort();
	if (rr->requester) {
		rr->posted = calloc(rr->r->iterations, sizeof(*rr->posted));
		rr->completed = calloc(rr->r->iterations, sizeof(*rr->completed));
		if (!rr->posted || !rr->completed)
			abort();
	}
	return true;
}

/* Two nodes: each tells the other its QP's endpoint, the server its target too. */
static bool connect_nodes(struct rdma_run *rr)
{
	struct rdma_sync mine = { 0 }, theirs = { 0 }, done = { 0 }, their_done = { 0 };

	if (!rr->problem.set) {
		rdma_qp_endpoint(&rr->qp, &mine.endpoint);
		mine.target = rr->target_ref;
	}
	if (!rdma_run_sync(rr, "ready", &mine, &theirs, NODE_STAGE_TIMEOUT_MS))
		return false;
	if (!rr->owns_target)
		rr->target_ref = theirs.target;
	if (rr->target_ref.size < rdma_params_max_size(rr->r))
		rdma_problem_set(&rr->problem, VERDICT_FAIL, "the server's target holds %" PRIu64
				 " bytes, less than the largest size", rr->target_ref.size);
	if (!rr->problem.set) {
		union ibv_gid remote;

		struct rdma_report *rep = rr->report;

		memcpy(remote.raw, theirs.endpoint.gid, sizeof(remote.raw));
		if (rr->dev.use_grh)
			rdma_gid_text(&remote, rep->remote_gid, sizeof(rep->remote_gid));
		rep->remote_qpn = theirs.endpoint.qpn;
		rdma_qp_connect(&rr->qp, &theirs.endpoint, &rr->problem);
	}
	return rdma_run_sync(rr, "connected", &done, &their_done, NODE_STAGE_TIMEOUT_MS);
}

bool rdma_run_set_up(struct rdma_run *rr)
{
	bool here = !rr->problem.set && set_up_here(rr);

	if (!rr->peer)
		return here;
	/* Even a node that could not set up takes part: the other must learn why. */
	return connect_nodes(rr);
}

void rdma_run_tear_down(struct rdma_run *rr)
{
	rdma_loopback_destroy(&rr->lb);
	rdma_qp_destroy(&rr->qp);
	if (rr->local)
		rr->local->destroy(rr->local);
	if (rr->target)
		rr->target->destroy(rr->target);
	if (rr->dev_open)
		rdma_device_close(&rr->dev);
	free(rr->staging);
	free(rr->posted);
	free(rr->completed);
}

static void cpu_copy(struct rdma_run *rr, int rc, const struct rdma_buffer *m, const char *what)
{
	if (rc)
		rdma_problem_set(&rr->problem, VERDICT_FAIL, "%s memory: CPU %s failed: %s",
				 m->backend, what, strerror(-rc));
}

/* The pattern of SEED, or the complement of the pattern the destination is checked against. */
static void seed(struct rdma_run *rr, struct rdma_buffer *m, uint64_t size, bool source)
{
	if (rr->problem.set)
		return;
	if (source)
		pattern_fill(rr->staging, size, rr->r->seed, 0, PATTERN_PLAIN);
	else
		pattern_fill(rr->staging, size, rr->check_seed, 0, PATTERN_COMPLEMENT);
	cpu_copy(rr, m->cpu_write(m, 0, rr->staging, size), m, "write");
}

/* Every byte of the destination, into the account this node gives. */
static void check(struct rdma_run *rr, struct rdma_buffer *dst, uint64_t size,
		  struct rdma_sync *found)
{
	struct pattern_check c = { 0 };
	int rc = dst->cpu_read(dst, 0, rr->staging, size);

	cpu_copy(rr, rc, dst, "read");
	if (rc)
		return;
	pattern_check(rr->staging, size, rr->check_seed, 0, PATTERN_PLAIN, &c);
	found->checked = 1;
	found->checked_bytes = size;
	found->has_mismatch = c.has_mismatch;
	found->mismatched_bytes = c.mismatched_bytes;
	found->first_mismatch = c.first_mismatch;
}

/* Both passes' checks add up in the size's report. */
static void add_check(struct rdma_size_report *sr, const struct rdma_sync *found)
{
	struct pattern_check *c = &sr->check;

	sr->checked_bytes += found->checked_bytes;
	c->mismatched_bytes += found->mismatched_bytes;
	if (found->has_mismatch && (!c->has_mismatch || found->first_mismatch < c->first_mismatch))
		c->first_mismatch = found->first_mismatch;
	c->has_mismatch |= found->has_mismatch;
}

/* The requester's pass ends within one completion timeout per message at worst. */
static int moved_timeout_ms(const struct rdma_run *rr)
{
	return (int)((uint64_t)rr->r->iterations * RDMA_TIMEOUT_MS + NODE_STAGE_TIMEOUT_MS);
}

static void move(struct rdma_run *rr, const struct rdma_size_report *sr, bool bandwidth,
		 struct samples *latency)
{
	struct rdma_pass pass = {
		.requester = rr->poster,
		.message = {
			.op = rr->r->op,
			.local_addr = rr->local->iova,
			.lkey = rr->local->mr->lkey,
			.remote_addr = rr->target_ref.addr,
			.rkey = rr->target_ref.rkey,
			.length = (uint32_t)sr->bytes,
		},
		.iterations = rr->r->iterations,
		.signal_every = sr->signal_every,
		.timeout_ms = RDMA_TIMEOUT_MS,
	};

	if (bandwidth)
		rdma_bench_bandwidth(&pass, rr->posted, rr->completed, &rr->problem);
	else
		rdma_bench_latency(&pass, latency, &rr->problem);
}

static bool run_pass(struct rdma_run *rr, struct rdma_size_report *sr, bool bandwidth,
		     struct samples *latency)
{
	bool write = rr->r->op == RDMA_OP_WRITE;
	struct rdma_buffer *src = write ? rr->local : rr->target;
	struct rdma_buffer *dst = write ? rr->target : rr->local;
	struct rdma_sync mine = { 0 }, theirs = { 0 };
	const char *pass = bandwidth ? "bw" : "lat";
	char stage[48];

	if (src)
		seed(rr, src, sr->bytes, true);
	if (dst)
		seed(rr, dst, sr->bytes, false);
	snprintf(stage, sizeof(stage), "%" PRIu64 " %s seeded", sr->bytes, pass);
	if (!rdma_run_sync(rr, stage, &mine, &theirs, NODE_STAGE_TIMEOUT_MS))
		return false;

	if (rr->poster)
		move(rr, sr, bandwidth, latency);
	snprintf(stage, sizeof(stage), "%" PRIu64 " %s moved", sr->bytes, pass);
	if (!rdma_run_sync(rr, stage, &mine, &theirs, moved_timeout_ms(rr)))
		return false;

	if (dst)
		check(rr, dst, sr->bytes, &mine);
	snprintf(stage, sizeof(stage), "%" PRIu64 " %s checked", sr->bytes, pass);
	if (!rdma_run_sync(rr, stage, &mine, &theirs, NODE_STAGE_TIMEOUT_MS))
		return false;
	/* The destination's holder checked; in one guest that is this node. */
	add_check(sr, dst ? &mine : &theirs);
	return true;
}

bool rdma_run_size(struct rdma_run *rr, struct rdma_size_report *sr)
{
	struct samples latency = { 0 };

	if (rr->poster)
		sr->signal_every = (uint16_t)rdma_signal_every(sr->bytes, rr->poster->send_depth);
	bool ok = run_pass(rr, sr, false, &latency) && run_pass(rr, sr, true, &latency);

	sr->latency_ns = stats_summarise(latency.values, latency.n);
	samples_free(&latency);
	if (!ok)
		return false;
	sr->verified = !sr->check.has_mismatch;
	if (!rr->poster)
		return true;	/* the figures are the requester's */
	struct rdma_bw_figures f = rdma_bw_figures(rr->posted, rr->completed, rr->r->iterations,
						   sr->bytes);
	sr->measured = true;
	sr->elapsed_ns = f.elapsed_ns;
	sr->bw_peak_mibps = f.peak_mibps;
	sr->bw_avg_mibps = f.avg_mibps;
	sr->msg_rate_mpps = f.msg_rate_mpps;
	return true;
}
