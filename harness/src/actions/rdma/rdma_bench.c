// SPDX-License-Identifier: GPL-2.0
/* Posting and polling loops of the bandwidth and latency passes. */
#include "actions/rdma/rdma_bench.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define POLL_BATCH 16

uint64_t rdma_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *op_verb(const struct rdma_pass *pass)
{
	return pass->message.op == RDMA_OP_WRITE ? "RDMA WRITE" : "RDMA READ";
}

static bool post_one(const struct rdma_pass *pass, uint64_t index, bool signaled,
		     struct rdma_problem *problem)
{
	int rc = rdma_qp_post(pass->requester, &pass->message, index, signaled);

	if (rc)
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_post_send (%s %u bytes, "
				 "message %llu): %s", pass->requester->dev->name, op_verb(pass),
				 pass->message.length, (unsigned long long)index, strerror(rc));
	return rc == 0;
}

/*
 * Polls the requester's CQ until at least one completion arrives or
 * timeout_ms pass without one. Returns how many (> 0), or 0 with the
 * problem set.
 */
static int wait_completions(const struct rdma_pass *pass, struct ibv_wc *wc, uint64_t done,
			    struct rdma_problem *problem)
{
	uint64_t deadline = 0;

	for (;;) {
		int got = ibv_poll_cq(pass->requester->cq, POLL_BATCH, wc);

		if (got < 0) {
			rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_poll_cq failed (%d)",
					 pass->requester->dev->name, got);
			return 0;
		}
		if (got > 0)
			return got;
		/* The clock is read only while idle: a busy CQ never pays for it. */
		uint64_t now = rdma_now_ns();
		if (!deadline) {
			deadline = now + (uint64_t)pass->timeout_ms * 1000000u;
		} else if (now > deadline) {
			rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: no completion within "
					 "%u ms (%s %u bytes, %llu of %u messages completed)",
					 pass->requester->dev->name, pass->timeout_ms, op_verb(pass),
					 pass->message.length, (unsigned long long)done,
					 pass->iterations);
			return 0;
		}
	}
}

static bool completion_ok(const struct rdma_pass *pass, const struct ibv_wc *wc,
			  struct rdma_problem *problem)
{
	if (wc->status == IBV_WC_SUCCESS)
		return true;
	rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: %s %u bytes, message %llu "
			 "completed with %s (vendor error 0x%x)", pass->requester->dev->name,
			 op_verb(pass), pass->message.length, (unsigned long long)wc->wr_id,
			 ibv_wc_status_str(wc->status), wc->vendor_err);
	return false;
}

bool rdma_bench_bandwidth(const struct rdma_pass *pass, uint64_t *posted, uint64_t *completed,
			  struct rdma_problem *problem)
{
	uint64_t n = pass->iterations, sent = 0, done = 0;
	struct ibv_wc wc[POLL_BATCH];

	while (done < n) {
		/* Keep the send queue full; a signalled WR closes every batch and the run. */
		while (sent < n && sent - done < pass->requester->send_depth) {
			bool signaled = (sent + 1) % pass->signal_every == 0 || sent + 1 == n;

			posted[sent] = rdma_now_ns();
			if (!post_one(pass, sent, signaled, problem))
				return false;
			sent++;
		}
		int got = wait_completions(pass, wc, done, problem);
		if (!got)
			return false;
		uint64_t now = rdma_now_ns();
		for (int i = 0; i < got; i++) {
			if (!completion_ok(pass, &wc[i], problem))
				return false;
			/* RC completes in order: this CQE stands for every WR up to it. */
			for (; done <= wc[i].wr_id && done < n; done++)
				completed[done] = now;
		}
	}
	return true;
}

bool rdma_bench_latency(const struct rdma_pass *pass, struct samples *latency_ns,
			struct rdma_problem *problem)
{
	struct ibv_wc wc[POLL_BATCH];

	for (uint64_t i = 0; i < pass->iterations; i++) {
		uint64_t start = rdma_now_ns();

		if (!post_one(pass, i, true, problem))
			return false;
		int got = wait_completions(pass, wc, i, problem);
		if (!got)
			return false;
		uint64_t end = rdma_now_ns();
		if (!completion_ok(pass, &wc[0], problem))
			return false;
		samples_add(latency_ns, end - start);
	}
	return true;
}

uint32_t rdma_signal_every(uint64_t bytes, uint32_t tx_depth)
{
	if (bytes > RDMA_MODERATION_LIMIT)
		return 1;
	/* A batch longer than the queue would never complete. */
	return RDMA_SIGNAL_EVERY < tx_depth ? RDMA_SIGNAL_EVERY : tx_depth;
}
