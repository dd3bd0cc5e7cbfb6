// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig summary RESULT_JSON`, on the host after a run: a verdict table
 * read back from result.json. Exit 0 only for a complete run whose steps
 * all passed with a clean kernel log.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "commands.h"
#include "numparse.h"
#include "rdma_report.h"

struct palette {
	const char *pass, *fail, *skip, *off;
};

static const struct palette colours = { "\033[32m", "\033[31m", "\033[33m", "\033[0m" };
static const struct palette plain = { "", "", "", "" };

static json_object *field(json_object *obj, const char *key)
{
	json_object *value = NULL;

	if (!obj || !json_object_object_get_ex(obj, key, &value))
		return NULL;
	return value;
}

static const char *text(json_object *obj, const char *key, const char *fallback)
{
	json_object *v = field(obj, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : fallback;
}

static bool has_number(json_object *obj, const char *key)
{
	json_object *v = field(obj, key);

	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static bool flag(json_object *obj, const char *key)
{
	json_object *v = field(obj, key);

	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* "yes" when every byte of a direction arrived right, "no", or "-" if never checked. */
static const char *direction_verdict(json_object *step, const char *key)
{
	json_object *d = field(step, key);

	if (!d || json_object_get_int64(field(d, "bytes")) == 0)
		return "-";
	if (json_object_get_int64(field(d, "mismatched_bytes")) != 0 ||
	    json_object_get_int64(field(d, "bytes")) != json_object_get_int64(field(step, "bytes")))
		return "no";
	return "yes";
}

static void mean_ns(json_object *step, const char *key, char *buf, size_t size)
{
	json_object *stats = field(field(step, "timings"), key);

	if (has_number(stats, "mean"))
		snprintf(buf, size, "%.0f", json_object_get_double(field(stats, "mean")));
	else
		snprintf(buf, size, "-");
}

/* rdma steps: how many sizes came back right, "2/3". */
static void rdma_verified(json_object *rdma, char *buf, size_t size)
{
	json_object *sizes = field(rdma, "sizes");
	size_t n = json_object_is_type(sizes, json_type_array) ? json_object_array_length(sizes) : 0;
	size_t right = 0;

	for (size_t i = 0; i < n; i++)
		right += flag(json_object_array_get_idx(sizes, i), "verified");
	snprintf(buf, size, "%zu/%zu", right, n);
}

static double number(json_object *obj, const char *key)
{
	return has_number(obj, key) ? json_object_get_double(field(obj, key)) : 0.0;
}

/* Each rdma step that measured something, in ib_write_bw's columns. */
static void print_rdma_figures(json_object *steps)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *rdma = field(s, "rdma");
		json_object *sizes = field(rdma, "sizes");
		size_t n_sizes = json_object_is_type(sizes, json_type_array)
				 ? json_object_array_length(sizes) : 0;
		bool header = false;

		for (size_t k = 0; k < n_sizes; k++) {
			json_object *z = json_object_array_get_idx(sizes, k);
			json_object *lat = field(z, "latency_ns");

			if (!has_number(z, "bw_avg_mib_s"))
				continue;
			if (!header) {
				printf("%s: %s RDMA %s, %s memory\n", text(s, "name", "?"),
				       text(rdma, "device", "?"), text(rdma, "op", "?"),
				       text(rdma, "memory", "?"));
				rdma_print_header(stdout, " ");
				header = true;
			}
			rdma_print_row(stdout, " ", (uint64_t)json_object_get_int64(field(z, "bytes")),
				       (uint64_t)json_object_get_int64(field(z, "iterations")),
				       number(z, "bw_peak_mib_s"), number(z, "bw_avg_mib_s"),
				       number(z, "msg_rate_mpps"), number(lat, "min"), number(lat, "mean"),
				       number(lat, "p99"));
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
	int name_width = 4;
	bool all_passed = n > 0;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(text(json_object_array_get_idx(steps, i), "name", "?"));
		if (len > name_width)
			name_width = len;
	}
	printf("%-*s  %-8s  %-16s  %-18s  %-6s  %-6s  %-8s  %10s  %10s  %s\n", name_width, "STEP",
	       "METHOD", "MAP TYPE", "DMA ADDRESS", "IN BAR", "BYTES", "VERIFIED", "MAP ns",
	       "UNMAP ns", "VERDICT");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		const char *verdict = text(s, "result", "?");
		json_object *in_bar = field(s, "dma_in_bar");
		char bytes[16], verified[16], map[24], unmap[24];

		format_size((uint64_t)json_object_get_int64(field(s, "bytes")), bytes, sizeof(bytes));
		snprintf(verified, sizeof(verified), "%s/%s", direction_verdict(s, "to_peer"),
			 direction_verdict(s, "from_peer"));
		if (field(s, "rdma"))
			rdma_verified(field(s, "rdma"), verified, sizeof(verified));
		mean_ns(s, "map_ns", map, sizeof(map));
		mean_ns(s, "unmap_ns", unmap, sizeof(unmap));
		printf("%-*s  %-8s  %-16s  %-18s  %-6s  %-6s  %-8s  %10s  %10s  %s%s%s\n", name_width,
		       text(s, "name", "?"), text(s, "method", "-"), text(s, "map_type", "-"),
		       flag(s, "refused") ? "refused" : text(s, "dma_address", "-"),
		       !in_bar ? "-" : json_object_get_boolean(in_bar) ? "yes" : "no", bytes,
		       verified, map, unmap, paint(p, verdict), verdict, p->off);
		if (strcmp(verdict, "pass") != 0) {
			all_passed = false;
			printf("%*s  %s\n", name_width, "", text(s, "reason", "(no reason given)"));
		}
	}
	return all_passed;
}

static bool print_health(json_object *health, bool complete, const struct palette *p)
{
	json_object *findings = field(health, "findings");
	size_t n = json_object_is_type(findings, json_type_array)
			   ? json_object_array_length(findings) : 0;
	bool clean = flag(health, "clean");

	if (clean)
		printf("kernel-health: %sclean%s%s\n", p->pass, p->off,
		       complete ? "" : " so far (the run did not finish)");
	else if (!flag(health, "watched") && n == 0)
		printf("kernel-health: %snot watched%s (%s)\n", p->skip, p->off,
		       text(health, "reason", "no reason given"));
	else
		printf("kernel-health: %sNOT CLEAN%s, %zu unexpected kernel line%s\n", p->fail,
		       p->off, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		printf("  %s: %s\n", text(f, "step", "outside any step"), text(f, "line", "?"));
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
	bool complete = flag(root, "complete");

	printf("%s: %s\n", text(root, "scenario", "?"), text(root, "description", ""));
	printf("kernel %s, rig %s, topology %s, started %s\n", text(root, "kernel", "?"),
	       text(root, "rig", "-"), text(root, "topology", "-"), text(root, "started", "?"));
	/* Two-node runs: which guest this is and whom it worked with. */
	if (text(root, "node", NULL))
		printf("node %s, peer %s\n", text(root, "node", "?"), text(root, "peer", "?"));
	bool all_passed = print_steps(field(root, "steps"), p);
	print_rdma_figures(field(root, "steps"));
	bool clean = print_health(field(root, "health"), complete, p);
	if (!complete) {
		const char *error = text(root, "error", NULL);
		printf("%sINCOMPLETE%s: the run stopped before its end%s%s\n", p->fail, p->off,
		       error ? ": " : "", error ? error : "");
	}

	json_object *summary = field(root, "summary");
	int64_t failed = json_object_get_int64(field(summary, "failed"));
	printf("%" PRId64 " passed, %" PRId64 " failed, %" PRId64 " skipped\n",
	       json_object_get_int64(field(summary, "passed")), failed,
	       json_object_get_int64(field(summary, "skipped")));
	json_object_put(root);
	if (!complete || !clean || failed)
		return 1;
	/* Nothing failed, but not everything passed: kselftest's "skip". */
	return all_passed ? 0 : 4;
}
