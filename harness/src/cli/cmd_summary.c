// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig summary RESULT_JSON`, on the host after a run: a verdict table
 * read back from result.json. Exit 0 only for a complete run whose steps
 * all passed with a clean kernel log and no oracle left unchecked.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "util/json_read.h"
#include "util/numparse.h"
#include "actions/rdma/rdma_report.h"
#include "actions/map-cost/map_cost_summary.h"

struct palette {
	const char *pass, *fail, *skip, *off;
};

static const struct palette colours = { "\033[32m", "\033[31m", "\033[33m", "\033[0m" };
static const struct palette plain = { "", "", "", "" };

/* "yes" when every byte of a direction arrived right, "no", or "-" if never checked. */
static const char *direction_verdict(json_object *step, const char *key)
{
	json_object *d = json_field(step, key);

	if (!d || json_object_get_int64(json_field(d, "bytes")) == 0)
		return "-";
	if (json_object_get_int64(json_field(d, "mismatched_bytes")) != 0 ||
	    json_object_get_int64(json_field(d, "bytes")) !=
		    json_object_get_int64(json_field(step, "bytes")))
		return "no";
	return "yes";
}

/* A timing's FIELD ("p50", "mean") in whole ns, or "-" when nothing was measured. */
static void figure_ns(json_object *stats, const char *field, char *buf, size_t size)
{
	if (json_has_number(stats, field))
		snprintf(buf, size, "%.0f", json_object_get_double(json_field(stats, field)));
	else
		snprintf(buf, size, "-");
}

static void p50_ns(json_object *step, const char *key, char *buf, size_t size)
{
	figure_ns(json_field(json_field(step, "timings"), key), "p50", buf, size);
}

/*
 * Transfer and dmabuf steps: the steady figures (mean, p50, p99 side by
 * side) and the cold ones apart: the warm-up pairs and the transfer's own
 * mapping, never mixed into the steady ones.
 */
static void print_transfer_timings(json_object *steps)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;
	bool header = false;
	int w = 4;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(json_text(json_object_array_get_idx(steps, i), "name", "?"));
		if (len > w)
			w = len;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *t = json_field(s, "timings"), *cold = json_field(t, "cold");
		static const char *const calls[] = { "map", "unmap" };

		if (!cold || json_object_get_int64(json_field(json_field(t, "map_ns"), "n")) <= 0)
			continue;
		if (!header)
			printf("map/unmap ns, steady (after the warm-up) | cold (warm-up pairs; own: the "
			       "transfer's mapping):\n  %-*s %-5s %5s %8s %8s %8s %8s | %5s %8s %8s %8s\n",
			       w, "STEP", "CALL", "N", "MEAN", "P50", "P99", "MAX", "N", "P50", "MAX",
			       "OWN");
		header = true;
		for (size_t k = 0; k < 2; k++) {
			char key[16], f[7][24];
			snprintf(key, sizeof(key), "%s_ns", calls[k]);
			json_object *steady = json_field(t, key), *warm = json_field(cold, key);
			char own_key[24];
			snprintf(own_key, sizeof(own_key), "own_%s_ns", calls[k]);
			figure_ns(steady, "mean", f[0], sizeof(f[0]));
			figure_ns(steady, "p50", f[1], sizeof(f[1]));
			figure_ns(steady, "p99", f[2], sizeof(f[2]));
			figure_ns(steady, "max", f[3], sizeof(f[3]));
			figure_ns(warm, "p50", f[4], sizeof(f[4]));
			figure_ns(warm, "max", f[5], sizeof(f[5]));
			figure_ns(cold, own_key, f[6], sizeof(f[6]));
			printf("  %-*s %-5s %5" PRId64 " %8s %8s %8s %8s | %5" PRId64 " %8s %8s %8s\n",
			       w, k ? "" : json_text(s, "name", "?"), calls[k],
			       json_object_get_int64(json_field(steady, "n")), f[0], f[1], f[2], f[3],
			       json_object_get_int64(json_field(warm, "n")), f[4], f[5], f[6]);
		}
	}
}

/* rdma steps: how many sizes came back right, "2/3". */
static void rdma_verified(json_object *rdma, char *buf, size_t size)
{
	json_object *sizes = json_field(rdma, "sizes");
	size_t n = json_object_is_type(sizes, json_type_array) ? json_object_array_length(sizes) : 0;
	size_t right = 0;

	for (size_t i = 0; i < n; i++)
		right += json_flag(json_object_array_get_idx(sizes, i), "verified");
	snprintf(buf, size, "%zu/%zu", right, n);
}

static double number(json_object *obj, const char *key)
{
	return json_has_number(obj, key) ? json_object_get_double(json_field(obj, key)) : 0.0;
}

/* Each rdma step that measured something, in ib_write_bw's columns. */
static void print_rdma_figures(json_object *steps)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *rdma = json_field(s, "rdma");
		json_object *sizes = json_field(rdma, "sizes");
		size_t n_sizes = json_object_is_type(sizes, json_type_array)
				 ? json_object_array_length(sizes) : 0;
		bool header = false;

		for (size_t k = 0; k < n_sizes; k++) {
			json_object *z = json_object_array_get_idx(sizes, k);
			json_object *lat = json_field(z, "latency_ns");

			if (!json_has_number(z, "bw_avg_mibps"))
				continue;
			if (!header) {
				printf("%s: %s RDMA %s, %s memory\n", json_text(s, "name", "?"),
				       json_text(rdma, "device", "?"), json_text(rdma, "op", "?"),
				       json_text(rdma, "memory", "?"));
				rdma_print_header(stdout, " ");
				header = true;
			}
			rdma_print_row(stdout, " ", (uint64_t)json_object_get_int64(json_field(z, "bytes")),
				       (uint64_t)json_object_get_int64(json_field(z, "iterations")),
				       number(z, "bw_peak_mibps"), number(z, "bw_avg_mibps"),
				       number(z, "msg_rate_mpps"), number(lat, "min"), number(lat, "mean"),
				       number(lat, "p99"));
		}
	}
}

/* fio and nvme-copy steps: a line per job or combination, bs, qd and MiB/s. */
static void print_storage_figures(json_object *steps)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *fio = json_field(s, "fio"), *copy = json_field(s, "copy");
		json_object *io = fio ? fio : copy;
		json_object *rows = json_field(io, fio ? "jobs" : "combinations");
		size_t n_rows = json_object_is_type(rows, json_type_array) ? json_object_array_length(rows) : 0;

		if (!n_rows)
			continue;
		printf("%s: %s %s, buffer %s (%s)\n", json_text(s, "name", "?"), fio ? "fio" : "nvme-copy",
		       json_text(io, "engine", "?"), json_text(json_field(io, "buffer"), "name", "?"),
		       json_text(json_field(io, "buffer"), "kind", "?"));
		for (size_t k = 0; k < n_rows; k++) {
			json_object *r = json_object_array_get_idx(rows, k);
			const char *rate = fio ? "bw_mibps" : "mibps";
			char bs[SIZE_TEXT_MAX];

			format_size((uint64_t)json_object_get_int64(json_field(r, "bs")), bs, sizeof(bs));
			printf("  %-5s %6s qd%-4" PRId64 " ", fio ? json_text(r, "rw", "?") : "copy", bs,
			       json_object_get_int64(json_field(r, "iodepth")));
			if (json_has_number(r, rate))
				printf("%10.1f MiB/s", number(r, rate));
			else
				printf("%10s MiB/s", "-");
			json_object *v = json_field(r, "verified");
			printf("%s\n", !v ? "" : json_object_get_boolean(v) ? "  verified" : "  NOT verified");
		}
	}
}

static const char *paint(const struct palette *p, const char *verdict)
{
	return strcmp(verdict, "pass") == 0 ? p->pass : strcmp(verdict, "fail") == 0 ? p->fail
										       : p->skip;
}

static bool print_steps(json_object *steps, const struct palette *p)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;
	int name_width = 4, method_width = 8;
	bool all_passed = n > 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		int len = (int)strlen(json_text(s, "name", "?"));
		int method_len = (int)strlen(json_text(s, "method", "-"));

		if (len > name_width)
			name_width = len;
		/* "iova-link-host" and its kin are wider than the heading. */
		if (method_len > method_width)
			method_width = method_len;
	}
	/* The steady p50: the figure least moved by a stray slow call. */
	printf("%-*s  %-*s  %-16s  %-18s  %-6s  %-6s  %-8s  %10s  %12s  %s\n", name_width, "STEP",
	       method_width, "METHOD", "MAP TYPE", "DMA ADDRESS", "IN BAR", "BYTES", "VERIFIED", "MAP p50 ns",
	       "UNMAP p50 ns", "VERDICT");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		const char *verdict = json_text(s, "result", "?");
		json_object *in_bar = json_field(s, "dma_in_bar");
		char bytes[SIZE_TEXT_MAX], verified[16], map[24], unmap[24];

		format_size((uint64_t)json_object_get_int64(json_field(s, "bytes")), bytes, sizeof(bytes));
		snprintf(verified, sizeof(verified), "%s/%s", direction_verdict(s, "to_peer"),
			 direction_verdict(s, "from_peer"));
		if (json_field(s, "rdma"))
			rdma_verified(json_field(s, "rdma"), verified, sizeof(verified));
		/* Storage steps move one way per job: one answer for all of them. */
		if (json_field(s, "fio") || json_field(s, "copy"))
			snprintf(verified, sizeof(verified), "%s",
				 json_flag(s, "verified") ? "yes"
				 : strcmp(verdict, "skip") == 0 ? "-" : "NO");
		p50_ns(s, "map_ns", map, sizeof(map));
		p50_ns(s, "unmap_ns", unmap, sizeof(unmap));
		printf("%-*s  %-*s  %-16s  %-18s  %-6s  %-6s  %-8s  %10s  %12s  %s%s%s\n", name_width,
		       json_text(s, "name", "?"), method_width, json_text(s, "method", "-"), json_text(s, "map_type", "-"),
		       json_flag(s, "refused") ? "refused" : json_text(s, "dma_address", "-"),
		       !in_bar ? "-" : json_object_get_boolean(in_bar) ? "yes" : "no", bytes,
		       verified, map, unmap, paint(p, verdict), verdict, p->off);
		if (strcmp(verdict, "pass") != 0) {
			all_passed = false;
			printf("%*s  %s\n", name_width, "", json_text(s, "reason", "(no reason given)"));
		}
		/* Flagged, never a failure: shown whatever the verdict. */
		json_object *notes = json_field(s, "notes");
		size_t n_notes = json_object_is_type(notes, json_type_array)
				 ? json_object_array_length(notes) : 0;
		for (size_t k = 0; k < n_notes; k++)
			printf("%*s  %s! note:%s %s\n", name_width, "", p->skip, p->off,
			       json_object_get_string(json_object_array_get_idx(notes, k)));
	}
	return all_passed;
}

/* Where the host looked for a step's bytes: a region of the BAR, or a copy's images. */
static void oracle_where(json_object *s, char *buf, size_t size)
{
	json_object *copy = json_field(s, "copy");
	char bytes[SIZE_TEXT_MAX], bar[SIZE_TEXT_MAX];

	format_size((uint64_t)json_object_get_int64(json_field(s, "oracle_bytes")), bytes,
		    sizeof(bytes));
	if (!copy) {
		snprintf(buf, size, "%s at BAR offset %s", bytes,
			 json_text(s, "oracle_bar_offset", "-"));
		return;
	}
	json_object *from = json_field(copy, "from"), *to = json_field(copy, "to");
	int n = snprintf(buf, size, "%s copied %s (%s) -> %s (%s)", bytes,
			 json_text(from, "name", "?"), json_text(from, "device", "?"),
			 json_text(to, "name", "?"), json_text(to, "device", "?"));
	if (json_has_number(s, "oracle_bar_bytes") && n > 0 && (size_t)n < size) {
		format_size((uint64_t)json_object_get_int64(json_field(s, "oracle_bar_bytes")), bar,
			    sizeof(bar));
		snprintf(buf + n, size - (size_t)n, " and %s in the BAR", bar);
	}
}

/*
 * The host oracle's verdict per `expect oracle` step. False when one was
 * not verified, or is still pending: nobody looked at the BAR's backing.
 */
static bool print_oracle(json_object *steps, const struct palette *p)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;
	bool ok = true, header = false;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		const char *state = json_text(s, "oracle", NULL);
		char where[256];

		if (!state)
			continue;
		if (!header)
			printf("oracle (the host reads the BAR's backing file and the NVMe images):\n");
		header = true;
		oracle_where(s, where, sizeof(where));
		printf("  %s: %s: ", json_text(s, "name", "?"), where);
		if (strcmp(state, "host") != 0) {
			/* Not reached: the step's own verdict says why; pending: nobody checked. */
			bool pending = strcmp(state, "pending") == 0;
			printf("%s%s%s\n", pending ? p->fail : p->skip,
			       pending ? "pending, never checked by the host" : state, p->off);
			ok &= !pending;
		} else if (json_flag(s, "oracle_verified")) {
			printf("%sverified%s\n", p->pass, p->off);
		} else {
			printf("%sNOT verified%s, %" PRId64 " mismatched bytes\n", p->fail, p->off,
			       json_object_get_int64(json_field(s, "oracle_mismatched_bytes")));
			ok = false;
		}
	}
	return ok;
}

static bool print_health(json_object *health, bool complete, const struct palette *p)
{
	json_object *findings = json_field(health, "findings");
	size_t n = json_object_is_type(findings, json_type_array)
			   ? json_object_array_length(findings) : 0;
	bool clean = json_flag(health, "clean");

	if (clean)
		printf("kernel-health: %sclean%s%s\n", p->pass, p->off,
		       complete ? "" : " so far (the run did not finish)");
	else if (!json_flag(health, "watched") && n == 0)
		printf("kernel-health: %snot watched%s (%s)\n", p->skip, p->off,
		       json_text(health, "reason", "no reason given"));
	else
		printf("kernel-health: %sNOT CLEAN%s, %zu unexpected kernel line%s\n", p->fail,
		       p->off, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		printf("  %s: %s\n", json_text(f, "step", "outside any step"), json_text(f, "line", "?"));
	}
	return clean;
}

int cmd_summary(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: p2prig summary RESULT_JSON\n");
		return 2;
	}
	json_object *root = json_object_from_file(argv[1]);
	if (!root) {
		fprintf(stderr, "p2prig summary: cannot read %s: %s\n", argv[1],
			json_util_get_last_err());
		return 1;
	}
	const struct palette *p = isatty(STDOUT_FILENO) ? &colours : &plain;
	bool complete = json_flag(root, "complete");

	printf("%s: %s\n", json_text(root, "scenario", "?"), json_text(root, "description", ""));
	printf("kernel %s, rig %s, topology %s, started %s\n", json_text(root, "kernel", "?"),
	       json_text(root, "rig", "-"), json_text(root, "topology", "-"),
	       json_text(root, "started", "?"));
	/* Two-node runs: which guest this is and whom it worked with. */
	if (json_text(root, "node", NULL))
		printf("node %s, peer %s\n", json_text(root, "node", "?"), json_text(root, "peer", "?"));
	bool all_passed = print_steps(json_field(root, "steps"), p);
	print_transfer_timings(json_field(root, "steps"));
	print_rdma_figures(json_field(root, "steps"));
	print_storage_figures(json_field(root, "steps"));
	summary_print_map_cost(json_field(root, "steps"));
	bool oracle_ok = print_oracle(json_field(root, "steps"), p);
	bool clean = print_health(json_field(root, "health"), complete, p);
	if (!complete) {
		const char *error = json_text(root, "error", NULL);
		printf("%sINCOMPLETE%s: the run stopped before its end%s%s\n", p->fail, p->off,
		       error ? ": " : "", error ? error : "");
	}

	json_object *summary = json_field(root, "summary");
	int64_t failed = json_object_get_int64(json_field(summary, "failed"));
	printf("%" PRId64 " passed, %" PRId64 " failed, %" PRId64 " skipped\n",
	       json_object_get_int64(json_field(summary, "passed")), failed,
	       json_object_get_int64(json_field(summary, "skipped")));
	json_object_put(root);
	if (!complete || !clean || failed || !oracle_ok)
		return 1;
	/* Nothing failed, but not everything passed: kselftest's "skip". */
	return all_passed ? 0 : 4;
}
