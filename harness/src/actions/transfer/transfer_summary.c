// SPDX-License-Identifier: GPL-2.0
/* `p2prig summary`: the map/unmap timings of transfer and dmabuf steps. */
#include "actions/transfer/transfer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/json_each.h"
#include "util/json_read.h"

/*
 * Transfer and dmabuf steps: the steady figures (mean, p50, p99 side by
 * side) and the cold ones apart: the warm-up pairs and the transfer's own
 * mapping, never mixed into the steady ones.
 */
void transfer_summarise(json_object *steps)
{
	json_object *s;
	bool header = false;
	int w = 4;

	json_array_for_each(s, steps) {
		int len = (int)strlen(json_text(s, "name", "?"));
		if (len > w)
			w = len;
	}
	json_array_for_each(s, steps) {
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
			json_figure_ns(steady, "mean", f[0], sizeof(f[0]));
			json_figure_ns(steady, "p50", f[1], sizeof(f[1]));
			json_figure_ns(steady, "p99", f[2], sizeof(f[2]));
			json_figure_ns(steady, "max", f[3], sizeof(f[3]));
			json_figure_ns(warm, "p50", f[4], sizeof(f[4]));
			json_figure_ns(warm, "max", f[5], sizeof(f[5]));
			json_figure_ns(cold, own_key, f[6], sizeof(f[6]));
			printf("  %-*s %-5s %5" PRId64 " %8s %8s %8s %8s | %5" PRId64 " %8s %8s %8s\n",
			       w, k ? "" : json_text(s, "name", "?"), calls[k],
			       json_object_get_int64(json_field(steady, "n")), f[0], f[1], f[2], f[3],
			       json_object_get_int64(json_field(warm, "n")), f[4], f[5], f[6]);
		}
	}
}
