// SPDX-License-Identifier: GPL-2.0
/* An rdma step's figures: result.json's "rdma" object and perftest-style columns. */
#include "rdma_report.h"
#include "result.h"

#include <stdio.h>

#include <json.h>

#define MIB 1048576.0

double rdma_mib_to_gbit(double mib_per_s)
{
	return mib_per_s * MIB * 8.0 / 1e9;
}

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *text_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *count(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

/* Three decimals: enough for Mpps and Gbit/s under emulation, short for people. */
static json_object *figure(double v)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

/* Message rates under emulation are a few thousand a second: six decimals of Mpps. */
static json_object *rate(double v)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.6f", v);
	return json_object_new_double_s(v, buf);
}

static json_object *size_json(const struct rdma_size_report *s)
{
	json_object *o = json_object_new_object();

	add(o, "bytes", count(s->bytes));
	add(o, "iterations", count(s->iterations));
	add(o, "signal_every", s->signal_every ? count(s->signal_every) : NULL);
	add(o, "verified", json_object_new_boolean(s->verified));
	add(o, "checked_bytes", count(s->checked_bytes));
	add(o, "mismatched_bytes", count(s->check.mismatched_bytes));
	add(o, "first_mismatch", s->check.has_mismatch ? count(s->check.first_mismatch) : NULL);
	add(o, "elapsed_ns", s->measured ? count(s->elapsed_ns) : NULL);
	add(o, "bw_peak_mib_s", s->measured ? figure(s->bw_peak_mib_s) : NULL);
	add(o, "bw_avg_mib_s", s->measured ? figure(s->bw_avg_mib_s) : NULL);
	add(o, "bw_peak_gbit_s", s->measured ? figure(rdma_mib_to_gbit(s->bw_peak_mib_s)) : NULL);
	add(o, "bw_avg_gbit_s", s->measured ? figure(rdma_mib_to_gbit(s->bw_avg_mib_s)) : NULL);
	add(o, "msg_rate_mpps", s->measured ? rate(s->msg_rate_mpps) : NULL);
	add(o, "latency_ns", result_stats_json(&s->latency_ns));
	return o;
}

json_object *rdma_report_json(const struct rdma_report *r)
{
	json_object *o = json_object_new_object();

	add(o, "device", text_or_null(r->device));
	add(o, "op", text_or_null(r->op));
	add(o, "memory", text_or_null(r->memory));
	add(o, "provider", text_or_null(r->provider));
	add(o, "method", text_or_null(r->method));
	add(o, "port", r->opened ? json_object_new_int(r->port) : NULL);
	add(o, "link_layer", r->opened ? text_or_null(r->link_layer) : NULL);
	add(o, "gid_index", r->opened && r->gid_index >= 0 ? json_object_new_int(r->gid_index) : NULL);
	add(o, "gid", r->opened ? text_or_null(r->gid) : NULL);
	add(o, "remote_gid", text_or_null(r->remote_gid));
	add(o, "remote_qpn", r->remote_qpn ? count(r->remote_qpn) : NULL);
	add(o, "path_mtu", r->opened ? count(r->path_mtu) : NULL);
	add(o, "tx_depth", count(r->tx_depth));
	add(o, "timeout_ms", count(r->timeout_ms));
	json_object *sizes = json_object_new_array();
	for (size_t i = 0; i < r->n_sizes; i++)
		json_object_array_add(sizes, size_json(&r->sizes[i]));
	add(o, "sizes", sizes);
	return o;
}

void rdma_print_header(FILE *to, const char *prefix)
{
	fprintf(to, "%s %-10s %-12s %-17s %-20s %-14s %-16s %-19s %s\n", prefix, "#bytes",
		"#iterations", "BW peak[MiB/sec]", "BW average[MiB/sec]", "MsgRate[Mpps]",
		"BW peak[Gb/sec]", "BW average[Gb/sec]", "lat min/mean/p99[usec]");
}

void rdma_print_row(FILE *to, const char *prefix, uint64_t bytes, uint64_t iterations,
		    double peak_mib_s, double avg_mib_s, double mpps, double lat_min_ns,
		    double lat_mean_ns, double lat_p99_ns)
{
	char latency[64];

	snprintf(latency, sizeof(latency), "%.2f/%.2f/%.2f", lat_min_ns / 1e3, lat_mean_ns / 1e3,
		 lat_p99_ns / 1e3);
	fprintf(to, "%s %-10llu %-12llu %-17.2f %-20.2f %-14.6f %-16.3f %-19.3f %s\n", prefix,
		(unsigned long long)bytes, (unsigned long long)iterations, peak_mib_s, avg_mib_s,
		mpps, rdma_mib_to_gbit(peak_mib_s), rdma_mib_to_gbit(avg_mib_s), latency);
}
