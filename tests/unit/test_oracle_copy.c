// SPDX-License-Identifier: GPL-2.0
/*
 * The host oracle of nvme-copy steps: the destination namespace's image
 * compared with the source's over every range the guest says it copied,
 * and a BAR buffer's regions with the source bytes they should hold. A
 * faithful copy is verified; one wrong byte in a range or in the BAR, a
 * namespace that is not the virtual lab's, or no images fail the step.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json.h>

#include "util/json_read.h"
#include "system/oracle.h"
#include "system/oracle_copy.h"
#include "system/oracle_result.h"
#include "util/pattern.h"

#include "unit_helpers.h"

#define IMAGE_SIZE (1u << 20)
#define SRC_SEED 0x5eedu

struct fixture {
	char dir[64], src[96], dst[96], bar[96];
};

static void write_at(const char *path, uint64_t at, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, (off_t)at), (ssize_t)len);
	close(fd);
}

/* PATH's [from, from + len) written at TO of DEST: what a faithful copy leaves. */
static void copy_region(const char *path, uint64_t from, const char *dest, uint64_t to,
			size_t len)
{
	uint8_t *buf = malloc(len);
	int fd = open(path, O_RDONLY);

	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, len, (off_t)from), (ssize_t)len);
	close(fd);
	write_at(dest, to, buf, len);
	free(buf);
}

static void make_file(const char *path, uint64_t seed)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), IMAGE_SIZE), 0);
	fclose(f);
	if (seed)
		assert_int_equal(oracle_fill_file(path, seed), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/p2prig-test-oracle-copy.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->src, sizeof(f->src), "%s/nvme1n1.img", f->dir);
	snprintf(f->dst, sizeof(f->dst), "%s/nvme1n2.img", f->dir);
	snprintf(f->bar, sizeof(f->bar), "%s/ivshmem", f->dir);
	make_file(f->src, SRC_SEED);
	make_file(f->dst, 0);
	make_file(f->bar, 0);
	/* Two combinations, 64K each: source 0..64K to 128K, source 64K..128K to 192K. */
	copy_region(f->src, 0, f->dst, 128 << 10, 64 << 10);
	copy_region(f->src, 64 << 10, f->dst, 192 << 10, 64 << 10);
	/* The BAR buffer's slot kept the last 4K block the thread copied. */
	copy_region(f->src, 124 << 10, f->bar, 8192, 4096);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	REMOVE_SCRATCH(f->dir, f->src, f->dst, f->bar);
	free(f);
	return 0;
}

/* A step as the runner writes it; SERIAL names the controller of both storages. */
static json_object *copy_step(const char *serial, bool bar_regions)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\"name\": \"copy\", \"action\": \"nvme-copy\", \"result\": \"pass\","
		 " \"oracle\": \"pending\","
		 " \"expectations\": [{\"expect\": \"oracle\", \"met\": null, \"detail\": \"g\"}],"
		 " \"copy\": {\"from\": {\"name\": \"src\", \"serial\": \"%s\", \"nsid\": 1},"
		 " \"to\": {\"name\": \"dst\", \"serial\": \"%s\", \"nsid\": 2},"
		 " \"combinations\": ["
		 "  {\"from_offset\": 0, \"to_offset\": 131072, \"bytes\": 65536, \"elapsed_ns\": 9},"
		 "  {\"from_offset\": 65536, \"to_offset\": 196608, \"bytes\": 65536, \"elapsed_ns\": 9},"
		 "  {\"from_offset\": 131072, \"to_offset\": 262144, \"bytes\": 65536,"
		 "   \"elapsed_ns\": null}],"
		 " \"bar_regions\": %s}}",
		 serial, serial,
		 bar_regions ? "{\"bar\": 2, \"bar_start\": \"0xf0000000\", \"regions\": ["
			       "{\"bar_offset\": \"0x2000\", \"from_offset\": 126976, \"bytes\": 4096}]}"
			     : "null");
	json_object *step = json_tokener_parse(text);

	assert_non_null(step);
	return step;
}

/* STEP judged alone, as the only step of a result.json. */
static json_object *judge(const struct fixture *f, json_object *step, bool with_images,
			  struct oracle_tally *tally)
{
	json_object *root = json_object_new_object();
	json_object *steps = json_object_new_array();
	struct oracle_job job = { f->bar, NULL, false, 0, with_images ? f->dir : NULL };
	FILE *quiet = fopen("/dev/null", "w");

	json_object_array_add(steps, step);
	json_object_object_add(root, "steps", steps);
	oracle_judge_result(root, &job, tally, quiet);
	fclose(quiet);
	return root;
}

static json_object *first_step(json_object *root)
{
	return json_object_array_get_idx(json_field(root, "steps"), 0);
}

static void test_faithful_copy_is_verified(void **state)
{
	struct oracle_tally tally = { 0 };
	json_object *root = judge(*state, copy_step("p2prig1", true), true, &tally);
	json_object *s = first_step(root);

	assert_int_equal(tally.checked, 1);
	assert_int_equal(tally.verified, 1);
	assert_string_equal(json_text(s, "oracle", ""), "host");
	assert_true(json_flag(s, "oracle_verified"));
	assert_int_equal(json_object_get_int64(json_field(s, "oracle_mismatched_bytes")), 0);
	/* The unfinished third combination is not the host's to check. */
	assert_int_equal(json_object_get_int64(json_field(s, "oracle_bytes")), 128 << 10);
	assert_int_equal(json_object_get_int64(json_field(s, "oracle_bar_bytes")), 4096);
	assert_string_equal(json_text(s, "result", ""), "pass");
	json_object_put(root);
}

static void test_one_wrong_byte_fails(void **state)
{
	struct fixture *f = *state;
	struct oracle_tally tally = { 0 };
	uint8_t wrong = 0;
	int fd = open(f->dst, O_RDONLY);

	assert_int_equal(pread(fd, &wrong, 1, (192 << 10) + 100), 1);
	close(fd);
	wrong ^= 0xff;
	write_at(f->dst, (192 << 10) + 100, &wrong, 1);
	json_object *root = judge(f, copy_step("p2prig1", false), true, &tally);
	json_object *s = first_step(root);

	assert_int_equal(tally.failed, 1);
	assert_false(json_flag(s, "oracle_verified"));
	assert_int_equal(json_object_get_int64(json_field(s, "oracle_mismatched_bytes")), 1);
	/* Offsets count through the ranges in order: the second starts at 64K. */
	assert_int_equal(json_object_get_int64(json_field(s, "oracle_first_mismatch")),
			 (64 << 10) + 100);
	assert_string_equal(json_text(s, "result", ""), "fail");
	assert_non_null(strstr(json_text(s, "reason", ""), "oracle: the host compared"));
	json_object_put(root);
}

static void test_wrong_bar_region_fails(void **state)
{
	struct fixture *f = *state;
	struct oracle_tally tally = { 0 };
	uint8_t stray[16] = { 0 };

	write_at(f->bar, 8192 + 4000, stray, sizeof(stray));
	json_object *root = judge(f, copy_step("p2prig1", true), true, &tally);
	json_object *s = first_step(root);

	assert_int_equal(tally.failed, 1);
	assert_true(json_object_get_int64(json_field(s, "oracle_mismatched_bytes")) > 0);
	assert_non_null(strstr(json_text(s, "reason", ""), "the BAR's backing"));
	json_object_put(root);
}

static void test_not_the_virtual_lab(void **state)
{
	struct oracle_tally tally = { 0 };
	json_object *root = judge(*state, copy_step("S3R14L", false), true, &tally);
	json_object *s = first_step(root);

	assert_int_equal(tally.failed, 1);
	assert_non_null(strstr(json_text(s, "reason", ""), "is not a virtual-lab namespace"));
	assert_true(json_object_is_type(json_field(s, "oracle_mismatched_bytes"), json_type_null));
	json_object_put(root);

	tally = (struct oracle_tally){ 0 };
	root = judge(*state, copy_step("p2prig1", false), false, &tally);
	assert_int_equal(tally.failed, 1);
	assert_non_null(strstr(json_text(first_step(root), "reason", ""), "--images"));
	json_object_put(root);
}

UNIT_TEST_MAIN("tests",
	FIXTURE_TEST(test_faithful_copy_is_verified),
	FIXTURE_TEST(test_one_wrong_byte_fails),
	FIXTURE_TEST(test_wrong_bar_region_fails),
	FIXTURE_TEST(test_not_the_virtual_lab));
