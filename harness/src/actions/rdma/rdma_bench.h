/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two timed passes of one message size, posted by a requester QP
 * connected to a loopback partner or to the other node.
 *
 * Bandwidth: the same message posted `iterations` times with up to
 * tx_depth in flight, every post and completion time kept for
 * rdma_figures. Completions are moderated as ib_write_bw does by default:
 * one signalled work request per RDMA_SIGNAL_EVERY for messages up to
 * RDMA_MODERATION_LIMIT, every one above (where a completion costs nothing
 * next to the data, and per-message times make the peak meaningful).
 *
 * Latency: one message at a time, each signalled, from post to its
 * completion.
 *
 * Every wait for a completion gives up after timeout_ms without one: a
 * failure naming the device and how far the pass got.
 */
#ifndef P2PRIG_RDMA_BENCH_H
#define P2PRIG_RDMA_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "actions/rdma/rdma_qp.h"
#include "actions/rdma/rdma_problem.h"
#include "util/stats.h"

#define RDMA_SIGNAL_EVERY	100	/* ib_write_bw's default --cq-mod */
#define RDMA_MODERATION_LIMIT	8192	/* bytes; larger messages are each signalled */
#define RDMA_TIMEOUT_MS		10000

struct rdma_pass {
	struct rdma_qp *requester;	/* posts the messages and polls their completions */
	struct rdma_message message;
	uint32_t iterations;
	uint32_t signal_every;		/* at most requester->send_depth */
	uint32_t timeout_ms;
};

/* posted and completed hold iterations entries each: ns on CLOCK_MONOTONIC. */
bool rdma_bench_bandwidth(const struct rdma_pass *pass, uint64_t *posted, uint64_t *completed,
			  struct rdma_problem *problem);

/* Adds iterations samples (ns) to latency_ns. */
bool rdma_bench_latency(const struct rdma_pass *pass, struct samples *latency_ns,
			struct rdma_problem *problem);

/* One signalled work request per this many, for messages of BYTES. */
uint32_t rdma_signal_every(uint64_t bytes, uint32_t tx_depth);

/* CLOCK_MONOTONIC in ns. */
uint64_t rdma_now_ns(void);

#endif
