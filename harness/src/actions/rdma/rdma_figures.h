/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bandwidth figures from the post and completion times of n messages of
 * one size, in the sense perftest gives its columns:
 * - average: n messages over the time from the first post to the last
 *   completion;
 * - peak: the best rate over any run of consecutive messages i..j, each
 *   run timed from the post of i to the completion of j;
 * - message rate: messages per second over the average's time, in Mpps.
 * Times are nanoseconds; both arrays are in posting order.
 */
#ifndef P2PRIG_RDMA_FIGURES_H
#define P2PRIG_RDMA_FIGURES_H

#include <stddef.h>
#include <stdint.h>

struct rdma_bw_figures {
	uint64_t elapsed_ns;
	double avg_mibps, peak_mibps;	/* MiB = 2^20 bytes */
	double msg_rate_mpps;
};

/* n > 0; completed[i] >= posted[i]; a zero span counts as 1 ns. */
struct rdma_bw_figures rdma_bw_figures(const uint64_t *posted, const uint64_t *completed,
				       size_t n, uint64_t bytes);

#endif
