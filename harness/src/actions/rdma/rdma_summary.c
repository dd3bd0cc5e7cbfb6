// SPDX-License-Identifier: GPL-2.0
/* `p2prig summary`: the rdma steps' figures. */
#include "actions/rdma/rdma.h"

#include <inttypes.h>
#include <stdio.h>

#include "actions/rdma/rdma_report.h"
#include "util/json_read.h"

/* Each rdma step that measured something, in ib_write_bw's columns. */
void rdma_summarise(json_object *steps)
{
	size_t n = json_length(steps);

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		json_object *rdma = json_field(s, "rdma");
		json_object *sizes = json_field(rdma, "sizes");
		size_t n_sizes = json_length(sizes);
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
				       json_number(z, "bw_peak_mibps"), json_number(z, "bw_avg_mibps"),
				       json_number(z, "msg_rate_mpps"), json_number(lat, "min"), json_number(lat, "mean"),
				       json_number(lat, "p99"));
		}
	}
}
