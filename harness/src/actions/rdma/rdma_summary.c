// SPDX-License-Identifier: GPL-2.0
/* `p2prig summary`: the rdma steps' figures. */
#include "actions/rdma/rdma.h"

#include <inttypes.h>
#include <stdio.h>

#include "actions/rdma/rdma_report.h"
#include "util/json_each.h"
#include "util/json_read.h"

/* Each rdma step that measured something, in ib_write_bw's columns. */
void rdma_summarise(json_object *steps)
{
	json_object *s, *z;

	json_array_for_each(s, steps) {
		json_object *rdma = json_field(s, "rdma");
		json_object *sizes = json_field(rdma, "sizes");
		bool header = false;

		json_array_for_each(z, sizes) {
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
				       json_number(z, "bw_peak_mibps"), json_number(z, "bw_avg_mibps"),
				       json_number(z, "msg_rate_mpps"), json_number(lat, "min"), json_number(lat, "mean"),
				       json_number(lat, "p99"));
		}
	}
}
