// SPDX-License-Identifier: GPL-2.0
/*
 * The rdma step's figures: average and peak bandwidth and message rate
 * from post and completion times (the peak's bisection against trying
 * every run of messages), unit conversions, and the "rdma" object of
 * result.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "actions/rdma/rdma_bench.h"
#include "actions/rdma/rdma_figures.h"
#include "actions/rdma/rdma_report.h"

#include "unit_helpers.h"

#define MIB 1048576.0

static void assert_close(double got, double want)
{
	double tolerance = want * 1e-9 + 1e-12;

	if (got < want - tolerance || got > want + tolerance)
		fail_msg("%.12g is not %.12g", got, want);
}

/* The peak by its definition: every run i..j. */
static double brute_peak(const uint64_t *posted, const uint64_t *completed, size_t n,
			 uint64_t bytes)
{
	double best = 1e300;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = i; j < n; j++) {
			double t = (double)(completed[j] - posted[i]) / (double)(j - i + 1);
			if (t < best)
				best = t;
		}
	}
	if (best < 1.0)
		best = 1.0;
	return (double)bytes / MIB / (best / 1e9);
}

/* A full pipeline: every message takes as long, so the peak is the average. */
static void test_steady_pipeline(void **state)
{
	uint64_t posted[50], completed[50];

	(void)state;
	for (size_t i = 0; i < 50; i++) {
		posted[i] = 1000 + i * 10;
		completed[i] = posted[i] + 100;
	}
	struct rdma_bw_figures f = rdma_bw_figures(posted, completed, 50, 4096);
	assert_int_equal(f.elapsed_ns, 49 * 10 + 100);
	assert_close(f.avg_mibps, 4096.0 * 50 / MIB / (590 / 1e9));
	assert_close(f.msg_rate_mpps, 50 / (590 / 1e9) / 1e6);
	assert_close(f.peak_mibps, f.avg_mibps);
}

/* A slow start, then a fast stretch: the peak is the fast stretch's rate. */
static void test_peak_finds_fast_stretch(void **state)
{
	uint64_t posted[20], completed[20];

	(void)state;
	for (size_t i = 0; i < 20; i++) {
		posted[i] = i < 10 ? i * 1000 : 10000 + (i - 10) * 10;
		completed[i] = posted[i] + (i < 10 ? 1000 : 10);
	}
	struct rdma_bw_figures f = rdma_bw_figures(posted, completed, 20, 1 << 20);
	assert_true(f.peak_mibps > 10 * f.avg_mibps);
	assert_close(f.peak_mibps, brute_peak(posted, completed, 20, 1 << 20));
}

/* Completions in batches (one signalled WR per batch), random gaps: bisection == brute force. */
static void test_peak_matches_every_run(void **state)
{
	uint64_t posted[300], completed[300];

	(void)state;
	srand(7);
	for (int round = 0; round < 20; round++) {
		uint64_t t = 0, done_at = 0;
		size_t n = 1 + (size_t)(rand() % 300);

		for (size_t i = 0; i < n; i++) {
			t += (uint64_t)(rand() % 50);
			posted[i] = t;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t ready = posted[i] + 1 + (uint64_t)(rand() % 2000);
			if (ready > done_at)
				done_at = ready;
			completed[i] = done_at;
		}
		/* Batches of 7 share their last member's completion time. */
		for (size_t i = 0; i < n; i++) {
			size_t last = i / 7 * 7 + 6 < n ? i / 7 * 7 + 6 : n - 1;
			completed[i] = completed[last];
		}
		struct rdma_bw_figures f = rdma_bw_figures(posted, completed, n, 65536);
		assert_close(f.peak_mibps, brute_peak(posted, completed, n, 65536));
		assert_true(f.peak_mibps >= f.avg_mibps * (1 - 1e-9));
	}
}

/* A clock that did not move counts as 1 ns, never a division by zero. */
static void test_zero_span(void **state)
{
	uint64_t zero[3] = { 5, 5, 5 };

	(void)state;
	struct rdma_bw_figures f = rdma_bw_figures(zero, zero, 3, MIB);
	assert_int_equal(f.elapsed_ns, 0);
	assert_close(f.avg_mibps, 3e9);
	assert_close(f.peak_mibps, 1e9);
	f = rdma_bw_figures(zero, zero, 0, MIB);
	assert_int_equal(f.elapsed_ns, 0);
	assert_true(f.avg_mibps == 0.0);
}

static void test_units(void **state)
{
	(void)state;
	/* perftest's factor: 1 Gbit/s = 10^9 / (2^20 * 8) MiB/s. */
	assert_close(rdma_mib_to_gbit(1e9 / (MIB * 8)), 1.0);
	assert_close(rdma_mib_to_gbit(1024), 8.589934592);
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no field %s", key);
	return v;
}

static void test_report_json(void **state)
{
	struct rdma_report r = {
		.used = true, .device = "rxe0", .op = "write", .memory = "host",
		.opened = true, .port = 1, .link_layer = "Ethernet", .gid_index = 1,
		.gid = "::ffff:10.0.2.15", .path_mtu = 1024, .tx_depth = 128,
		.timeout_ms = 10000, .n_sizes = 2,
	};

	(void)state;
	r.sizes[0] = (struct rdma_size_report){
		.bytes = 4096, .iterations = 64, .signal_every = 64, .measured = true, .verified = true,
		.checked_bytes = 8192, .elapsed_ns = 1000000, .bw_peak_mibps = 300.5,
		.bw_avg_mibps = 250.25, .msg_rate_mpps = 0.0000641,
		.latency_ns = { .n = 64, .min = 50000, .max = 90000, .p50 = 60000, .p99 = 89000,
				.mean = 61000.5, .stddev = 1200.25 },
	};
	r.sizes[1] = (struct rdma_size_report){ .bytes = 65536, .iterations = 64 };
	r.sizes[1].check = (struct pattern_check){ .mismatched_bytes = 3, .has_mismatch = true,
						   .first_mismatch = 17 };

	json_object *o = rdma_report_json(&r);
	assert_string_equal(json_object_get_string(get(o, "device")), "rxe0");
	assert_string_equal(json_object_get_string(get(o, "op")), "write");
	assert_null(get(o, "provider"));
	assert_int_equal(json_object_get_int(get(o, "gid_index")), 1);
	assert_int_equal(json_object_get_int(get(o, "path_mtu")), 1024);
	assert_int_equal(json_object_get_int(get(o, "timeout_ms")), 10000);
	json_object *sizes = get(o, "sizes");
	assert_int_equal(json_object_array_length(sizes), 2);

	json_object *a = json_object_array_get_idx(sizes, 0);
	assert_true(json_object_get_boolean(get(a, "verified")));
	assert_int_equal(json_object_get_int64(get(a, "bytes")), 4096);
	assert_int_equal(json_object_get_int(get(a, "signal_every")), 64);
	assert_close(json_object_get_double(get(a, "bw_avg_mibps")), 250.25);
	assert_close(json_object_get_double(get(a, "bw_avg_gbit_s")), 250.25 * MIB * 8 / 1e9);
	/* Rates of a few thousand messages a second keep their digits. */
	assert_string_equal(json_object_to_json_string(get(a, "msg_rate_mpps")), "0.000064");
	json_object *lat = get(a, "latency_ns");
	assert_int_equal(json_object_get_int64(get(lat, "n")), 64);
	assert_int_equal(json_object_get_int64(get(lat, "p99")), 89000);
	assert_null(get(a, "first_mismatch"));

	json_object *b = json_object_array_get_idx(sizes, 1);
	assert_false(json_object_get_boolean(get(b, "verified")));
	assert_null(get(b, "bw_peak_mibps"));
	assert_null(get(b, "signal_every"));
	assert_null(get(b, "elapsed_ns"));
	assert_null(get(get(b, "latency_ns"), "mean"));
	assert_int_equal(json_object_get_int64(get(b, "mismatched_bytes")), 3);
	assert_int_equal(json_object_get_int64(get(b, "first_mismatch")), 17);
	json_object_put(o);
}

/* Moderated completions for small messages only, never a batch longer than the queue. */
static void test_signal_every(void **state)
{
	(void)state;
	assert_int_equal(rdma_signal_every(4096, 128), 100);
	assert_int_equal(rdma_signal_every(8192, 128), 100);
	assert_int_equal(rdma_signal_every(2, 16), 16);
	assert_int_equal(rdma_signal_every(8193, 128), 1);
	assert_int_equal(rdma_signal_every(1 << 20, 128), 1);
}

/* The columns an ib_write_bw user reads, in that order. */
static void test_columns(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	(void)state;
	rdma_print_header(f, "#");
	rdma_print_row(f, "#", 65536, 1000, 123.456, 120.5, 0.001928, 500000, 510000.5, 900000);
	fclose(f);
	const char *bytes = strstr(text, "#bytes"), *iters = strstr(text, "#iterations");
	const char *peak = strstr(text, "BW peak[MiB/sec]"), *avg = strstr(text, "BW average[MiB/sec]");
	const char *rate = strstr(text, "MsgRate[Mpps]");
	assert_true(bytes && iters && peak && avg && rate);
	assert_true(bytes < iters && iters < peak && peak < avg && avg < rate);
	ASSERT_CONTAINS(text, "\n# 65536      1000         123.46            120.50", "0.001928",
			"500.00/510.00/900.00\n");
	free(text);
}

UNIT_TEST_MAIN("rdma-figures",
	cmocka_unit_test(test_steady_pipeline),
	cmocka_unit_test(test_peak_finds_fast_stretch),
	cmocka_unit_test(test_peak_matches_every_run),
	cmocka_unit_test(test_zero_span),
	cmocka_unit_test(test_units),
	cmocka_unit_test(test_report_json),
	cmocka_unit_test(test_signal_every),
	cmocka_unit_test(test_columns));
