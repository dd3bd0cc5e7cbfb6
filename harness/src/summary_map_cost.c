// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's map-cost lines: per method x granule, map and unmap as
 * mean ± stddev over the repeats (ns), the trace proof, and every figure
 * whose coefficient of variation passed the limit, flagged, never hidden.
 */
#include "summary_map_cost.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_read.h"
#include "numparse.h"

static double number(json_object *obj, const char *key)
{
	return json_has_number(obj, key) ? json_object_get_double(json_field(obj, key)) : 0.0;
}

static void mean_sd(json_object *figure, char *buf, size_t size)
{
	if (json_has_number(figure, "mean_ns"))
		snprintf(buf, size, "%.0f ± %.0f", number(figure, "mean_ns"),
			 number(figure, "stddev_ns"));
	else
		snprintf(buf, size, "-");
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
						 used ? ", " : "", number(f, "cv_percent"), limit,
						 which[i]);
	}
}

static void print_entry(json_object *e, double limit)
{
	char granule[16], map[48], unmap[48], note[160];
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

void summary_print_map_cost(json_object *steps)
{
	size_t n = json_object_is_type(steps, json_type_array) ? json_object_array_length(steps) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *mc = json_field(s, "map_cost");
		json_object *entries = json_field(mc, "entries");
		json_object *trace = json_field(mc, "trace");
		size_t n_entries = json_object_is_type(entries, json_type_array)
				   ? json_object_array_length(entries) : 0;
		double limit = number(mc, "cv_limit_percent");

		if (!mc || n_entries == 0)
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
		for (size_t k = 0; k < n_entries; k++)
			print_entry(json_object_array_get_idx(entries, k), limit);
	}
}
