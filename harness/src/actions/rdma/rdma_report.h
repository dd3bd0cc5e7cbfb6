/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an rdma step measured: the device and QP set-up it used, and per
 * message size the bytes checked, bandwidth and latency. Written into the
 * step's entry of result.json as "rdma", and printed in the columns an
 * ib_write_bw user reads (#bytes #iterations BW peak BW average MsgRate).
 */
#ifndef P2PRIG_RDMA_REPORT_H
#define P2PRIG_RDMA_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/pattern.h"
#include "actions/rdma/rdma_syntax.h"
#include "util/stats.h"

struct json_object;

struct rdma_size_report {
	uint64_t bytes;			/* message size */
	uint32_t iterations;		/* messages in each pass */
	bool measured;			/* both passes ran to the end */
	bool verified;			/* measured, and every byte right after each pass */
	uint16_t signal_every;		/* bandwidth pass: one signalled completion per this many */
	uint64_t checked_bytes;
	struct pattern_check check;	/* both passes together */
	uint64_t elapsed_ns;		/* bandwidth pass: first post to last completion */
	double bw_peak_mibps, bw_avg_mibps;	/* MiB = 2^20 bytes, as perftest */
	double msg_rate_mpps;
	struct stats_summary latency_ns;	/* one message at a time, post to completion */
};

struct rdma_report {
	bool used;			/* an rdma step: the rest is meaningful */
	char device[RDMA_DEVICE_NAME_MAX];
	char op[8], memory[8];
	char provider[48], method[16];	/* memory=dmabuf only */
	bool opened;			/* the device fields below are known */
	uint8_t port;
	char link_layer[16];		/* "Ethernet" (RoCE) or "InfiniBand" */
	int gid_index;			/* -1: no GRH (InfiniBand, LID routed) */
	char gid[48];
	char remote_gid[48];		/* two nodes: the other end's GID ("" otherwise) */
	uint32_t remote_qpn;		/* two nodes: the other end's QP number */
	uint32_t path_mtu;		/* bytes */
	uint32_t tx_depth;		/* as used: the step's, capped by the device */
	uint32_t timeout_ms;		/* the bound on every completion wait */
	struct rdma_size_report sizes[RDMA_MAX_SIZES];
	size_t n_sizes;
};

/* Gbit/s (10^9 bits) from MiB/s. */
double rdma_mib_to_gbit(double mib_per_s);

/* The "rdma" object of a step in result.json. */
struct json_object *rdma_report_json(const struct rdma_report *r);

/*
 * The columns, perftest's first: #bytes #iterations BW peak[MiB/sec]
 * BW average[MiB/sec] MsgRate[Mpps], then Gbit/s and latency in usec.
 * prefix starts every line (the progress lines' "p2prig: ").
 */
void rdma_print_header(FILE *to, const char *prefix);
void rdma_print_row(FILE *to, const char *prefix, uint64_t bytes, uint64_t iterations,
		    double peak_mibps, double avg_mibps, double mpps, double lat_min_ns,
		    double lat_mean_ns, double lat_p99_ns);

#endif
