// SPDX-License-Identifier: GPL-2.0
/* `p2prig summary`: the fio and nvme-copy steps' figures, one section in step order. */
#include "actions/storage/storage_step.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/json_read.h"
#include "util/numparse.h"

/* fio and nvme-copy steps: a line per job or combination, bs, qd and MiB/s. */
void storage_summarise(json_object *steps)
{
	size_t n = json_length(steps);

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *fio = json_field(s, "fio"), *copy = json_field(s, "copy");
		json_object *io = fio ? fio : copy;
		json_object *rows = json_field(io, fio ? "jobs" : "combinations");
		size_t n_rows = json_length(rows);

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
				printf("%10.1f MiB/s", json_number(r, rate));
			else
				printf("%10s MiB/s", "-");
			json_object *v = json_field(r, "verified");
			printf("%s\n", !v ? "" : json_object_get_boolean(v) ? "  verified" : "  NOT verified");
		}
	}
}
