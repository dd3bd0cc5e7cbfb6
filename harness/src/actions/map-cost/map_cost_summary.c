// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's map-cost lines: per method x granule, map and unmap as
 * mean ± stddev over the repeats (ns), the trace proof, and every figure
 * whose coefficient of variation passed the limit, flagged, never hidden.
 * Then, when the step asked for it, the kernel's dma_map_benchmark beside
 * the ram method per granule, with the ratio and what differs.
 */
#include "actions/map-cost/map_cost_summary.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/json_each.h"
#include "util/json_read.h"
#include "util/numparse.h"

/* OBJ's FIRST and SECOND through FORMAT (two doubles), or "-" when FIRST is not there. */
static void two_figures(json_object *obj, const char *format, const char *first,
			const char *second, char *buf, size_t size)
{
	if (json_has_number(obj, first))
		snprintf(buf, size, format, json_number(obj, first), json_number(obj, second));
	else
		snprintf(buf, size, "-");
}

/* "1234 ± 56": mean and standard deviation. */
static void mean_sd(json_object *figure, char *buf, size_t size)
{
	two_figures(figure, "%.0f ± %.0f", "mean_ns", "stddev_ns", buf, size);
}

/* "cv 4.2 % > 3 % (map)", for each flagged figure. */
static void cv_flags(json_object *entry, double limit, char *buf, size_t size)
{
	static const char *const which[] = { "map", "unmap" };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		json_object *f = json_field(entry, which[i]);

		if (json_flag(f, "cv_flagged") && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%scv %.1f %% > %.0f %% (%s)",
						 used ? ", " : "", json_number(f, "cv_percent"), limit,
						 which[i]);
	}
}

static void print_entry(json_object *e, double limit)
{
	char granule[SIZE_TEXT_MAX], map[48], unmap[48], note[160];
	const char *result = json_text(e, "result", "?");
	json_object *trace = json_field(e, "trace");

	format_size((uint64_t)json_object_get_int64(json_field(e, "granule_bytes")), granule,
		    sizeof(granule));
	mean_sd(json_field(e, "map"), map, sizeof(map));
	mean_sd(json_field(e, "unmap"), unmap, sizeof(unmap));
	cv_flags(e, limit, note, sizeof(note));
	printf("  %-9s %7s  %22s  %22s  %-7s  %s%s%s\n", json_text(e, "method", "?"), granule, map,
	       unmap, json_text(trace, "result", "-"),
	       strcmp(result, "measured") == 0 ? "" : result,
	       strcmp(result, "measured") == 0 ? "" : ": ",
	       strcmp(result, "measured") == 0 ? note : json_text(e, "reason", "(no reason given)"));
}

/* "1234 (1200)": ours, mean (p50); "-" when not measured. */
static void ours_text(json_object *side, char *buf, size_t size)
{
	two_figures(side, "%.0f (%.0f)", "ours_mean_ns", "ours_p50_ns", buf, size);
}

/* "1.12 (>= 1.05)": the ratio, and how low it could be had the kernel's flooring lost the most. */
static void ratio_text(json_object *side, char *buf, size_t size)
{
	two_figures(side, "%.2f (>= %.2f)", "ratio", "ratio_min", buf, size);
}

static void print_kbench_granule(json_object *g)
{
	static const char *const which[] = { "map", "unmap" };
	char granule[SIZE_TEXT_MAX], ours[2][48], kernel[2][48], ratio[2][32];

	format_size((uint64_t)json_object_get_int64(json_field(g, "granule_bytes")), granule,
		    sizeof(granule));
	for (size_t i = 0; i < 2; i++) {
		json_object *side = json_field(g, which[i]);

		ours_text(side, ours[i], sizeof(ours[i]));
		mean_sd(json_field(side, "kernel"), kernel[i], sizeof(kernel[i]));
		ratio_text(side, ratio[i], sizeof(ratio[i]));
	}
	printf("  %7s  %16s  %16s  %15s  %16s  %16s  %15s%s%s\n", granule, ours[0], kernel[0],
	       ratio[0], ours[1], kernel[1], ratio[1], json_text(g, "note", NULL) ? "  " : "",
	       json_text(g, "note", ""));
}

/* The kernel's dma_map_benchmark beside the ram method, or why it is not there. */
static void print_kbench(json_object *k)
{
	json_object *granules = json_field(k, "granules"), *g;
	const char *result = json_text(k, "result", "?");

	if (strcmp(result, "measured") != 0) {
		printf("  kernel's %s beside %s: %s: %s\n", json_text(k, "program", "?"),
		       json_text(k, "compared_with", "?"), result,
		       json_text(k, "reason", "(no reason given)"));
		return;
	}
	printf("  kernel's %s on %s (%s, %" PRId64 "-bit mask), %" PRId64 " run(s) of %" PRId64
	       " s per granule, %" PRId64 " thread(s), beside %s: ns, mean (p50) and mean ± stddev "
	       "of the run means; ratio = ours / kernel's mean (>= had its 100 ns flooring lost "
	       "the most)\n", json_text(k, "program", "?"), json_text(k, "device", "?"),
	       json_text(k, "driver", "?"), json_object_get_int64(json_field(k, "dma_bits")),
	       json_object_get_int64(json_field(k, "repeats")),
	       json_object_get_int64(json_field(k, "seconds")),
	       json_object_get_int64(json_field(k, "threads")),
	       json_text(k, "compared_with", "?"));
	printf("  %7s  %16s  %16s  %15s  %16s  %16s  %15s\n", "GRANULE", "OURS MAP", "KERNEL MAP",
	       "MAP RATIO", "OURS UNMAP", "KERNEL UNMAP", "UNMAP RATIO");
	json_array_for_each(g, granules)
		print_kbench_granule(g);
	printf("  what differs: %s\n", json_text(k, "differs", "?"));
}

void map_cost_summarise(json_object *steps)
{
	json_object *s, *e;

	json_array_for_each(s, steps) {
		json_object *mc = json_field(s, "map_cost");
		json_object *entries = json_field(mc, "entries");
		json_object *trace = json_field(mc, "trace");
		double limit = json_number(mc, "cv_limit_percent");

		if (!mc || json_length(entries) == 0)
			continue;
		printf("%s: map-cost for %s (%s), %" PRId64 " thread(s), %" PRId64 " repeats, "
		       "figures in ns (mean ± stddev of the repeat means)\n", json_text(s, "name", "?"),
		       json_text(mc, "initiator", "?"), json_text(mc, "initiator_pci", "?"),
		       json_object_get_int64(json_field(mc, "threads")),
		       json_object_get_int64(json_field(mc, "repeats")));
		printf("  trace: %s%s%s\n", json_flag(trace, "used") ? json_text(trace, "events", "?")
		       : "not used", json_text(trace, "note", NULL) ? "; " : "",
		       json_text(trace, "note", ""));
		printf("  %-9s %7s  %22s  %22s  %-7s  %s\n", "METHOD", "GRANULE", "MAP ns",
		       "UNMAP ns", "TRACE", "NOTE");
		json_array_for_each(e, entries)
			print_entry(e, limit);
		if (json_field(mc, "kernel_bench"))
			print_kbench(json_field(mc, "kernel_bench"));
	}
}
