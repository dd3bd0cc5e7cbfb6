// SPDX-License-Identifier: GPL-2.0
/* `p2prig summary`: the fio and nvme-copy steps' figures, one section in step order. */
#include "actions/storage/storage_step.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/json_each.h"
#include "util/json_read.h"
#include "util/numparse.h"

/* fio and nvme-copy steps: a line per job or combination, bs, qd and MiB/s. */
void storage_summarise(json_object *steps)
{
	json_object *s, *r;

	json_array_for_each(s, steps) {
		json_object *fio = json_field(s, "fio"), *copy = json_field(s, "copy");
		json_object *io = fio ? fio : copy;
		json_object *rows = json_field(io, fio ? "jobs" : "combinations");
		if (!json_length(rows))
			continue;
		printf("%s: %s %s, buffer %s (%s)\n", json_text(s, "name", "?"), fio ? "fio" : "nvme-copy",
		       json_text(io, "engine", "?"), json_text(json_field(io, "buffer"), "name", "?"),
		       json_text(json_field(io, "buffer"), "kind", "?"));
		json_array_for_each(r, rows) {
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
