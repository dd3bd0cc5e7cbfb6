// SPDX-License-Identifier: GPL-2.0
/*
 * The figure lines of a step read back from result.json. A figure the
 * file leaves null (a size never measured, a loop with no percentiles)
 * reads "-", so a line always says what is missing rather than 0.
 */
#include "results/result_figures.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/json_read.h"
#include "results/ktap.h"
#include "actions/map-cost/map_cost_syntax.h"
#include "util/numparse.h"

#define FIGURE_LINE_MAX 512

static void add_line(struct strlist *lines, const char *fmt, ...)
{
	char line[FIGURE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strlist_add(lines, line);
}

static long long integer(json_object *obj, const char *key)
{
	return json_object_get_int64(json_field(obj, key));
}

/* OBJ[KEY] printed with FMT (one double conversion), or "-" when it is not a number. */
static const char *figure(json_object *obj, const char *key, const char *fmt, char *buf,
			  size_t size)
{
	if (!json_has_number(obj, key))
		return "-";
	snprintf(buf, size, fmt, json_number(obj, key));
	return buf;
}

static const char *size_text(json_object *obj, const char *key, char *buf, size_t size)
{
	if (!json_has_number(obj, key))
		return "-";
	format_size((uint64_t)json_object_get_int64(json_field(obj, key)), buf, size);
	return buf;
}

/* ", verified", ", NOT verified", or nothing where the figure has no check. */
static const char *verified_text(json_object *obj)
{
	json_object *v = json_field(obj, "verified");

	if (!json_object_is_type(v, json_type_boolean))
		return "";
	return json_object_get_boolean(v) ? ", verified" : ", NOT verified";
}

static struct repeat_figure repeat_figure_json(json_object *f)
{
	return (struct repeat_figure){
		.repeats = (size_t)integer(f, "repeats"),
		.mean_ns = json_number(f, "mean_ns"),
		.stddev_ns = json_number(f, "stddev_ns"),
		.cv_percent = json_number(f, "cv_percent"),
		.cv_flagged = json_flag(f, "cv_flagged"),
	};
}

/* In ktap.txt's words: the live writer and this one share ktap_format_map_cost(). */
static void map_cost_lines(json_object *mc, struct strlist *lines)
{
	json_object *entries = json_field(mc, "entries");
	double limit = json_has_number(mc, "cv_limit_percent") ? json_number(mc, "cv_limit_percent")
			: MAP_COST_CV_LIMIT_PERCENT;

	for (size_t i = 0; i < json_length(entries); i++) {
		json_object *e = json_object_array_get_idx(entries, i);
		const char *result = json_text(e, "result", "not run");
		struct repeat_figure map = repeat_figure_json(json_field(e, "map"));
		struct repeat_figure unmap = repeat_figure_json(json_field(e, "unmap"));
		struct ktap_map_cost_line l = {
			.method = json_text(e, "method", "?"),
			.granule = (uint64_t)integer(e, "granule_bytes"),
			.outcome = strcmp(result, "measured") == 0 ? NULL : result,
			.reason = json_text(e, "reason", ""),
			.map = &map,
			.unmap = &unmap,
			.cv_limit_percent = limit,
			.trace = json_text(json_field(e, "trace"), "result", "not run"),
		};
		char line[FIGURE_LINE_MAX];

		ktap_format_map_cost(&l, line, sizeof(line));
		strlist_add(lines, line);
	}
}

static void fio_lines(json_object *fio, struct strlist *lines)
{
	json_object *jobs = json_field(fio, "jobs");

	for (size_t i = 0; i < json_length(jobs); i++) {
		json_object *j = json_object_array_get_idx(jobs, i);
		char bw[32], iops[32], p99[32], error[160] = "";

		if (integer(j, "error"))
			snprintf(error, sizeof(error), ", error %lld (%s)", integer(j, "error"),
				 json_text(j, "error_text", "no text"));
		add_line(lines, "fio %s: %s MiB/s, %s IOPS, clat p99 %s ns%s%s",
			 json_text(j, "name", "?"), figure(j, "bw_mibps", "%.1f", bw, sizeof(bw)),
			 figure(j, "iops", "%.1f", iops, sizeof(iops)),
			 figure(j, "clat_p99_ns", "%.0f", p99, sizeof(p99)), verified_text(j),
			 error);
	}
}

static void copy_lines(json_object *copy, struct strlist *lines)
{
	json_object *combinations = json_field(copy, "combinations");

	for (size_t i = 0; i < json_length(combinations); i++) {
		json_object *c = json_object_array_get_idx(combinations, i);
		char bs[SIZE_TEXT_MAX], rate[32], wrong[48] = "";
		const char *error = json_text(c, "error", NULL);

		if (integer(c, "mismatched_bytes"))
			snprintf(wrong, sizeof(wrong), ", %lld mismatched bytes",
				 integer(c, "mismatched_bytes"));
		add_line(lines, "nvme-copy %s qd%lld: %s MiB/s%s%s%s%s",
			 size_text(c, "bs", bs, sizeof(bs)), integer(c, "iodepth"),
			 figure(c, "mibps", "%.1f", rate, sizeof(rate)), verified_text(c), wrong,
			 error ? ", error: " : "", error ? error : "");
	}
}

/* The rdma bandwidth keys are being renamed to *_mibps: either spelling is read. */
static const char *rdma_rate(json_object *size, const char *old_key, const char *new_key,
			     char *buf, size_t buf_size)
{
	const char *key = json_has_number(size, new_key) ? new_key : old_key;

	return figure(size, key, "%.1f", buf, buf_size);
}

static void rdma_lines(json_object *rdma, struct strlist *lines)
{
	json_object *sizes = json_field(rdma, "sizes");

	for (size_t i = 0; i < json_length(sizes); i++) {
		json_object *z = json_object_array_get_idx(sizes, i);
		char bytes[SIZE_TEXT_MAX], avg[32], peak[32], p99[32];

		/* A size a skipped or broken step never reached has nothing to show. */
		if (!json_has_number(z, "bw_avg_mibps") && !json_has_number(z, "bw_avg_mib_s")) {
			add_line(lines, "rdma %s %s: not measured", json_text(rdma, "op", "?"),
				 size_text(z, "bytes", bytes, sizeof(bytes)));
			continue;
		}
		add_line(lines, "rdma %s %s: avg %s MiB/s, peak %s MiB/s, latency p99 %s ns%s",
			 json_text(rdma, "op", "?"), size_text(z, "bytes", bytes, sizeof(bytes)),
			 rdma_rate(z, "bw_avg_mib_s", "bw_avg_mibps", avg, sizeof(avg)),
			 rdma_rate(z, "bw_peak_mib_s", "bw_peak_mibps", peak, sizeof(peak)),
			 figure(json_field(z, "latency_ns"), "p99", "%.0f", p99, sizeof(p99)),
			 verified_text(z));
	}
}

/* A transfer's timings: the mean of each kind of call that ran at all. */
static void timing_line(json_object *timings, struct strlist *lines)
{
	static const struct {
		const char *key, *label;
	} kinds[] = {
		{ "map_ns", "map" },
		{ "unmap_ns", "unmap" },
		{ "to_peer_xfer_ns", "to peer" },
		{ "from_peer_xfer_ns", "from peer" },
	};
	char line[FIGURE_LINE_MAX] = "timings, mean:";
	size_t used = strlen(line), shown = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_object *t = json_field(timings, kinds[i].key);

		if (integer(t, "n") <= 0 || !json_has_number(t, "mean") || used >= sizeof(line))
			continue;
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s %s %.0f ns (n %lld)",
					 shown++ ? "," : "", kinds[i].label, json_number(t, "mean"),
					 integer(t, "n"));
	}
	if (shown)
		strlist_add(lines, line);
}

/* A step's flagged notes (methods that should agree and do not): shown, never judged. */
static void note_lines(json_object *notes, struct strlist *lines)
{
	size_t n = json_length(notes);
	char line[FIGURE_LINE_MAX];

	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "note: %s",
			 json_object_get_string(json_object_array_get_idx(notes, i)));
		strlist_add(lines, line);
	}
}

void result_figures(json_object *step, struct strlist *lines)
{
	map_cost_lines(json_field(step, "map_cost"), lines);
	fio_lines(json_field(step, "fio"), lines);
	copy_lines(json_field(step, "copy"), lines);
	rdma_lines(json_field(step, "rdma"), lines);
	timing_line(json_field(step, "timings"), lines);
	note_lines(json_field(step, "notes"), lines);
}
