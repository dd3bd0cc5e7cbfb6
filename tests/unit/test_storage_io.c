// SPDX-License-Identifier: GPL-2.0
/*
 * The pieces of fio and nvme-copy steps that need no NVMe: fio 3.39's
 * JSON (saved from the virtual lab) read back, fio's command line, the
 * copy loop on plain files, and BAR regions merged from pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "system/bar_regions.h"
#include "actions/nvme-copy/copy_loop.h"
#include "actions/fio/fio_command.h"
#include "actions/fio/fio_json.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

static struct fio_output fo;

static void parse_data(const char *name)
{
	char path[4096], why[256];

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", source_top(), name);
	if (fio_json_parse_file(path, &fo, why, sizeof(why)))
		fail_msg("%s", why);
}

static void test_fio_json_write_read(void **state)
{
	(void)state;
	parse_data("fio-3.39-write-read.json");
	assert_string_equal(fo.version, "fio-3.39");
	assert_int_equal(fo.n_jobs, 4);
	assert_string_equal(fo.jobs[0].name, "write-4K-qd1");
	assert_string_equal(fo.jobs[3].name, "read-64K-qd4");

	const struct fio_job *r = fio_output_job(&fo, "read-4K-qd1");
	assert_non_null(r);
	assert_int_equal(r->error, 0);
	assert_int_equal(r->read.io_bytes, 1048576);
	assert_int_equal(r->read.bw_bytes, 6355006);
	assert_int_equal(r->read.total_ios, 256);
	assert_true(r->read.iops > 1551.5 && r->read.iops < 1551.6);
	assert_true(r->read.has_clat);
	assert_true(r->read.clat_mean_ns > 622213.6 && r->read.clat_mean_ns < 622213.8);
	assert_int_equal(r->read.clat_p50_ns, 684032);
	assert_int_equal(r->read.clat_p99_ns, 684032);
	assert_int_equal(r->read.clat_p99_9_ns, 684032);
	assert_int_equal(r->write.io_bytes, 0);
	assert_false(r->write.has_clat);

	const struct fio_job *w = fio_output_job(&fo, "write-4K-qd1");
	assert_int_equal(w->write.io_bytes, 1048576);
	assert_int_equal(w->read.io_bytes, 0);
	assert_null(fio_output_job(&fo, "write-8K-qd1"));
}

/* A read that found a block it did not write: fio's EILSEQ. */
static void test_fio_json_verify_failed(void **state)
{
	(void)state;
	parse_data("fio-3.39-verify-failed.json");
	assert_int_equal(fo.n_jobs, 1);
	assert_int_equal(fo.jobs[0].error, 84);
}

static void test_fio_json_bad(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(fio_json_parse("fio: a note\n{\"fio version\": \"fio-3.39\", \"jobs\": []}\n",
					&fo, why, sizeof(why)), 0);
	assert_int_equal(fo.n_jobs, 0);
	assert_int_equal(fio_json_parse("fio: nothing else\n", &fo, why, sizeof(why)), -1);
	assert_string_equal(why, "no JSON object in fio's output");
	assert_int_equal(fio_json_parse("{\"jobs\": []}", &fo, why, sizeof(why)), -1);
	assert_string_equal(why, "no \"fio version\": not fio's JSON output");
	assert_int_equal(fio_json_parse("{\"fio version\": \"x\"", &fo, why, sizeof(why)), -1);
	assert_int_equal(strncmp(why, "fio's JSON does not parse", 25), 0);
}

static void test_fio_command(void **state)
{
	struct fio_params f = {
		.matrix = { .sizes = { 4096, 1 << 20 }, .n_sizes = 2, .iodepths = { 16 },
			    .n_iodepths = 1 },
		.size = 16 << 20,
		.engine = FIO_ENGINE_IO_URING,
	};
	const struct fio_command_input in = {
		.params = &f, .device = "/dev/nvme1n1", .offset = 1 << 20,
		.iomem_path = "/sys/bus/pci/devices/0000:03:00.0/p2pmem/allocate",
		.json_path = "/results/it's.json",
	};
	struct fio_command cmd;

	(void)state;
	fio_command_build(&in, &cmd);
	char *text = fio_command_text(&cmd);
	assert_string_equal(text,
		"fio --output-format=json '--output=/results/it'\\''s.json' --filename=/dev/nvme1n1 "
		"--direct=1 --ioengine=io_uring --size=16777216 --offset=1048576 --verify=crc32c "
		"--verify_state_save=0 --iomem=mmapshared:/sys/bus/pci/devices/0000:03:00.0/p2pmem/allocate "
		"--name=write-4K-qd16 --rw=write --bs=4096 --iodepth=16 --do_verify=0 --stonewall "
		"--name=read-4K-qd16 --rw=read --bs=4096 --iodepth=16 --stonewall "
		"--name=write-1M-qd16 --rw=write --bs=1048576 --iodepth=16 --do_verify=0 --stonewall "
		"--name=read-1M-qd16 --rw=read --bs=1048576 --iodepth=16 --stonewall");
	assert_null(cmd.argv[cmd.argc]);
	free(text);
	fio_command_free(&cmd);

	/* Reading only: no verify, no write jobs; fio's own RAM buffers. */
	f.rw = FIO_RW_READ;
	f.matrix.n_sizes = 1;
	const struct fio_command_input ram = { .params = &f, .device = "/dev/x", .json_path = "j" };
	fio_command_build(&ram, &cmd);
	text = fio_command_text(&cmd);
	assert_string_equal(text, "fio --output-format=json --output=j --filename=/dev/x --direct=1 "
			    "--ioengine=io_uring --size=16777216 --offset=0 --name=read-4K-qd16 "
			    "--rw=read --bs=4096 --iodepth=16 --stonewall");
	free(text);
	fio_command_free(&cmd);
}

static int temp_file(void)
{
	char path[] = "/tmp/p2prig-copy-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

/* Write the pattern through slots, copy it, read it back and check it: plain files, no O_DIRECT. */
static void test_copy_loop(void **state)
{
	enum { BLOCK = 4096, DEPTH = 4, BYTES = 64 * BLOCK };
	uint8_t *slots = calloc(DEPTH, BLOCK);
	uint64_t slot_block[DEPTH];
	int a = temp_file(), b = temp_file();
	struct copy_loop c = {
		.src_fd = -1, .dst_fd = a, .src_offset = 0, .dst_offset = 8 * BLOCK, .bytes = BYTES,
		.block = BLOCK, .depth = DEPTH, .slots = slots, .seed = 7, .slot_block = slot_block,
	};

	(void)state;
	assert_int_equal(copy_loop_run(&c), 0);
	assert_int_equal(c.blocks_done, 64);
	/* a -> b, then b checked against the pattern, indexed by a's offsets. */
	c = (struct copy_loop){ .src_fd = a, .dst_fd = b, .src_offset = 8 * BLOCK, .dst_offset = 0,
				.bytes = BYTES, .block = BLOCK, .depth = DEPTH, .slots = slots,
				.slot_block = slot_block };
	assert_int_equal(copy_loop_run(&c), 0);
	/* File to file: no pattern, all of it I/O. */
	assert_true(c.pattern_ns == 0 && c.io_ns > 0 && c.io_ns <= c.elapsed_ns);
	/* Each slot that took a block still holds the last one it copied. */
	uint8_t *want = malloc(BLOCK);
	int used = 0;
	for (int s = 0; s < DEPTH; s++) {
		if (slot_block[s] == COPY_LOOP_NO_BLOCK)
			continue;
		used++;
		assert_true(slot_block[s] < 64);
		pattern_fill(want, BLOCK, 7, 8 * BLOCK + slot_block[s] * BLOCK, PATTERN_PLAIN);
		assert_memory_equal(slots + s * BLOCK, want, BLOCK);
	}
	assert_true(used > 0);
	uint8_t *got = malloc(BYTES), *expect = malloc(BYTES);
	assert_int_equal(pread(b, got, BYTES, 0), BYTES);
	pattern_fill(expect, BYTES, 7, 8 * BLOCK, PATTERN_PLAIN);
	assert_memory_equal(got, expect, BYTES);
	free(got);
	free(expect);

	/* A read past the end is short: an error that names the offset. */
	c = (struct copy_loop){ .src_fd = b, .dst_fd = a, .src_offset = BYTES, .bytes = 2 * BLOCK,
				.block = BLOCK, .depth = 1, .slots = slots, .slot_block = slot_block };
	assert_int_not_equal(copy_loop_run(&c), 0);
	assert_string_equal(c.error_text, "pread of 4096 bytes at 0x40000: Input/output error");
	free(want);
	free(slots);
	close(a);
	close(b);
}

/* The loop's read pass finds exactly the bytes a write pass did not put there. */
static void test_copy_loop_check(void **state)
{
	enum { BLOCK = 8192, BYTES = 16 * BLOCK };
	uint8_t *slots = calloc(2, BLOCK);
	uint64_t slot_block[2];
	int fd = temp_file();
	struct copy_loop c = { .src_fd = -1, .dst_fd = fd, .src_offset = BLOCK, .dst_offset = BLOCK,
			       .bytes = BYTES, .block = BLOCK, .depth = 2, .slots = slots,
			       .seed = 3, .slot_block = slot_block };

	(void)state;
	assert_int_equal(copy_loop_run(&c), 0);
	c.src_fd = fd;
	c.dst_fd = -1;
	assert_int_equal(copy_loop_run(&c), 0);
	assert_false(c.check.has_mismatch);
	/* The check is CPU time, kept out of the I/O's time the figures use. */
	assert_true(c.pattern_ns > 0);
	assert_true(c.io_ns > 0 && c.io_ns < c.elapsed_ns);
	uint8_t bad[2] = { 0 };
	assert_int_equal(pread(fd, bad, 2, BLOCK + 3 * BLOCK + 10), 2);
	bad[0] ^= 0x40;
	bad[1] ^= 0x01;
	assert_int_equal(pwrite(fd, bad, 2, BLOCK + 3 * BLOCK + 10), 2);
	assert_int_equal(copy_loop_run(&c), 0);
	assert_int_equal(c.check.mismatched_bytes, 2);
	assert_int_equal(c.check.first_mismatch, 3 * BLOCK + 10);
	free(slots);
	close(fd);
}

static void test_bar_regions_merge(void **state)
{
	const uint64_t N = BAR_REGIONS_NONE, P = BAR_REGIONS_PAGE;
	/* Slots of 2 pages: the source contiguous within each slot, the BAR contiguous throughout. */
	const uint64_t from[] = { 10 * P, 11 * P, 2 * P, 3 * P, N, N, 4 * P, 5 * P };
	const uint64_t bar[] = { 0, P, 2 * P, 3 * P, 4 * P, 5 * P, 9 * P, 10 * P };
	struct bar_region out[8];

	(void)state;
	assert_int_equal(bar_regions_merge(from, bar, 8, out), 3);
	assert_int_equal(out[0].bar_offset, 0);
	assert_int_equal(out[0].from_offset, 10 * P);
	assert_int_equal(out[0].bytes, 2 * P);
	assert_int_equal(out[1].bar_offset, 2 * P);
	assert_int_equal(out[1].from_offset, 2 * P);
	assert_int_equal(out[1].bytes, 2 * P);
	/* Source contiguous with region 1 but not the BAR: a region of its own. */
	assert_int_equal(out[2].bar_offset, 9 * P);
	assert_int_equal(out[2].from_offset, 4 * P);
	assert_int_equal(out[2].bytes, 2 * P);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_fio_json_write_read),
	cmocka_unit_test(test_fio_json_verify_failed),
	cmocka_unit_test(test_fio_json_bad),
	cmocka_unit_test(test_fio_command),
	cmocka_unit_test(test_copy_loop),
	cmocka_unit_test(test_copy_loop_check),
	cmocka_unit_test(test_bar_regions_merge));
