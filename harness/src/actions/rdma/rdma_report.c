// SPDX-License-Identifier: GPL-2.0
/* An rdma step's figures: result.json's "rdma" object and perftest-style columns. */
#include "actions/rdma/rdma_report.h"
#include "results/result.h"

#include <stdio.h>

#include <json.h>

#include "util/array_size.h"
#include "util/json_write.h"

#define MIB 1048576.0
/* Three decimals: enough for Mpps and Gbit/s under emulation, short for people. */
#define FIGURE_PLACES 3
/* Message rates under emulation are a few thousand a second: six decimals of Mpps. */
#define RATE_PLACES 6

double rdma_mib_to_gbit(double mib_per_s)
{
	return mib_per_s * MIB * 8.0 / 1e9;
}

static json_object *size_json(const struct rdma_size_report *s)
{
	json_object *o = json_object_new_object();
	double peak_gbit = rdma_mib_to_gbit(s->bw_peak_mibps);
	double avg_gbit = rdma_mib_to_gbit(s->bw_avg_mibps);

	jw_add(o, "bytes", jw_count(s->bytes));
	jw_add(o, "iterations", jw_count(s->iterations));
	jw_add(o, "signal_every", s->signal_every ? jw_count(s->signal_every) : NULL);
	jw_add(o, "verified", json_object_new_boolean(s->verified));
	jw_add(o, "checked_bytes", jw_count(s->checked_bytes));
	jw_add(o, "mismatched_bytes", jw_count(s->check.mismatched_bytes));
	jw_add(o, "first_mismatch",
	       s->check.has_mismatch ? jw_count(s->check.first_mismatch) : NULL);
	jw_add(o, "elapsed_ns", s->measured ? jw_count(s->elapsed_ns) : NULL);
	jw_add(o, "bw_peak_mibps",
	       s->measured ? jw_decimal(s->bw_peak_mibps, FIGURE_PLACES) : NULL);
	jw_add(o, "bw_avg_mibps", s->measured ? jw_decimal(s->bw_avg_mibps, FIGURE_PLACES) : NULL);
	jw_add(o, "bw_peak_gbit_s", s->measured ? jw_decimal(peak_gbit, FIGURE_PLACES) : NULL);
	jw_add(o, "bw_avg_gbit_s", s->measured ? jw_decimal(avg_gbit, FIGURE_PLACES) : NULL);
	jw_add(o, "msg_rate_mpps", s->measured ? jw_decimal(s->msg_rate_mpps, RATE_PLACES) : NULL);
	jw_add(o, "latency_ns", result_stats_json(&s->latency_ns));
	return o;
}

json_object *rdma_report_json(const struct rdma_report *r)
{
	const struct jw_text_field step[] = {
		{ "device", r->device }, { "op", r->op }, { "memory", r->memory },
		{ "provider", r->provider }, { "method", r->method },
	};
	json_object *o = jw_add_texts(json_object_new_object(), step, ARRAY_SIZE(step));

	jw_add(o, "port", r->opened ? json_object_new_int(r->port) : NULL);
	jw_add(o, "link_layer", r->opened ? jw_text(r->link_layer) : NULL);
	jw_add(o, "gid_index",
	       r->opened && r->gid_index >= 0 ? json_object_new_int(r->gid_index) : NULL);
	jw_add(o, "gid", r->opened ? jw_text(r->gid) : NULL);
	jw_add(o, "remote_gid", jw_text(r->remote_gid));
	jw_add(o, "remote_qpn", r->remote_qpn ? jw_count(r->remote_qpn) : NULL);
	jw_add(o, "path_mtu", r->opened ? jw_count(r->path_mtu) : NULL);
	jw_add(o, "tx_depth", jw_count(r->tx_depth));
	jw_add(o, "timeout_ms", jw_count(r->timeout_ms));
	JW_ADD_ARRAY(o, "sizes", r->sizes, r->n_sizes, size_json);
	return o;
}

void rdma_print_header(FILE *to, const char *prefix)
{
	fprintf(to, "%s %-10s %-12s %-17s %-20s %-14s %-16s %-19s %s\n", prefix, "#bytes",
		"#iterations", "BW peak[MiB/sec]", "BW average[MiB/sec]", "MsgRate[Mpps]",
		"BW peak[Gb/sec]", "BW average[Gb/sec]", "lat min/mean/p99[usec]");
}

void rdma_print_row(FILE *to, const char *prefix, uint64_t bytes, uint64_t iterations,
		    double peak_mibps, double avg_mibps, double mpps, double lat_min_ns,
		    double lat_mean_ns, double lat_p99_ns)
{
	char latency[64];

	snprintf(latency, sizeof(latency), "%.2f/%.2f/%.2f", lat_min_ns / 1e3, lat_mean_ns / 1e3,
		 lat_p99_ns / 1e3);
	fprintf(to, "%s %-10llu %-12llu %-17.2f %-20.2f %-14.6f %-16.3f %-19.3f %s\n", prefix,
		(unsigned long long)bytes, (unsigned long long)iterations, peak_mibps, avg_mibps,
		mpps, rdma_mib_to_gbit(peak_mibps), rdma_mib_to_gbit(avg_mibps), latency);
}
