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
#include "actions/action.h"

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

static void p50_ns(json_object *step, const char *key, char *buf, size_t size)
{
	json_figure_ns(json_field(json_field(step, "timings"), key), "p50", buf, size);
}

/* rdma steps: how many sizes came back right, "2/3". */
static void rdma_verified(json_object *rdma, char *buf, size_t size)
{
	json_object *sizes = json_field(rdma, "sizes");
	size_t n = json_length(sizes);
	size_t right = 0;

	for (size_t i = 0; i < n; i++)
		right += json_flag(json_object_array_get_idx(sizes, i), "verified");
	snprintf(buf, size, "%zu/%zu", right, n);
}

/* Each action's section, in the table's order; a hook actions share prints once. */
static void print_action_sections(json_object *steps)
{
	for (size_t i = 0; i < n_step_actions; i++) {
		void (*summarise)(json_object *) = step_actions[i]->summarise;
		bool printed = false;

		for (size_t k = 0; k < i; k++)
			printed |= step_actions[k]->summarise == summarise;
		if (summarise && !printed)
			summarise(steps);
	}
}

static const char *paint(const struct palette *p, const char *verdict)
{
	return strcmp(verdict, "pass") == 0 ? p->pass : strcmp(verdict, "fail") == 0 ? p->fail
										       : p->skip;
}

static bool print_steps(json_object *steps, const struct palette *p)
{
	size_t n = json_length(steps);
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
		size_t n_notes = json_length(notes);
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
	size_t n = json_length(steps);
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
	size_t n = json_length(findings);
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
	print_action_sections(json_field(root, "steps"));
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
