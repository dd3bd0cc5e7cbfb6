// SPDX-License-Identifier: GPL-2.0
/*
 * The host oracle: the backing file filled by absolute offset, a region
 * read back against a step's pattern, and a run's result.json and ktap.txt
 * (written by the runner's own writers) judged in place: verified steps
 * stay passed, a wrong region fails its step, the summary and KTAP follow.
 */
#include <errno.h>
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
#include "results/ktap.h"
#include "system/oracle.h"
#include "system/oracle_result.h"
#include "util/pattern.h"
#include "results/result.h"

#include "unit_helpers.h"

#define BACKING_SIZE (256u << 10)
#define FILL_SEED 0xf111u
#define STEP_SEED 0x5eedu

struct fixture {
	char dir[64], backing[96], result[96], ktap[96];
	struct run_report report;
};

/* What the guest's initiator leaves: SEED's pattern by region offset, at BAR offset AT. */
static void initiator_writes(const struct fixture *f, uint64_t at, size_t len, uint64_t seed)
{
	uint8_t *buf = malloc(len);
	int fd = open(f->backing, O_WRONLY);

	assert_non_null(buf);
	assert_true(fd >= 0);
	pattern_fill(buf, len, seed, 0, PATTERN_PLAIN);
	assert_int_equal(pwrite(fd, buf, len, (off_t)at), (ssize_t)len);
	close(fd);
	free(buf);
}

static void add_oracle_step(struct run_report *r, const char *name, uint64_t bar_offset,
			    uint64_t bytes)
{
	struct step_report *s = run_report_add_step(r);

	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->action, sizeof(s->action), "transfer");
	s->verdict = VERDICT_PASS;
	s->bytes = bytes;
	s->seed = STEP_SEED;
	s->verified = true;
	s->oracle = (struct oracle_report){ ORACLE_PENDING, FILL_SEED, bar_offset, STEP_SEED };
	snprintf(s->expectations[0].expect, sizeof(s->expectations[0].expect), "oracle");
	snprintf(s->expectations[0].detail, sizeof(s->expectations[0].detail), "guest half");
	s->n_expectations = 1;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ktap k;

	snprintf(f->dir, sizeof(f->dir), "/tmp/p2prig-test-oracle.XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->backing, sizeof(f->backing), "%s/ivshmem", f->dir);
	snprintf(f->result, sizeof(f->result), "%s/%s", f->dir, RESULT_JSON_NAME);
	snprintf(f->ktap, sizeof(f->ktap), "%s/%s", f->dir, KTAP_FILE_NAME);
	FILE *b = fopen(f->backing, "w");
	if (!b || ftruncate(fileno(b), BACKING_SIZE) || fclose(b))
		return -1;
	if (oracle_fill_file(f->backing, FILL_SEED))
		return -1;

	run_report_init(&f->report, "gpu-bar", "d", "scenarios/gpu-bar", "vlab", "t", "7.3.4");
	f->report.health.watched = true;
	f->report.complete = true;
	add_oracle_step(&f->report, "kept", 64 << 10, 16 << 10);
	add_oracle_step(&f->report, "lost", 128 << 10, 8 << 10);
	struct step_report *plain = run_report_add_step(&f->report);
	snprintf(plain->name, sizeof(plain->name), "plain");
	snprintf(plain->action, sizeof(plain->action), "transfer");
	initiator_writes(f, 64 << 10, 16 << 10, STEP_SEED);
	/* "lost": the initiator's bytes never reached the BAR; the host's fill is still there. */

	if (result_write_json(&f->report, f->dir) || ktap_open(&k, f->dir, 4))
		return -1;
	for (size_t i = 0; i < f->report.n_steps; i++)
		ktap_step(&k, i + 1, &f->report.steps[i]);
	ktap_close(&k);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	REMOVE_SCRATCH(f->dir, f->backing, f->result, f->ktap);
	run_report_free(&f->report);
	free(f);
	return 0;
}

static void test_fill_is_addressed_by_file_offset(void **state)
{
	struct fixture *f = *state;
	struct pattern_check whole = { 0 }, shifted = { 0 };
	uint8_t byte;
	int fd = open(f->backing, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, 200001), 1);
	close(fd);
	assert_int_equal(byte, pattern_byte(FILL_SEED, 200001, PATTERN_PLAIN));
	/* From offset 0, file offset and region offset are the same. */
	assert_int_equal(oracle_check_file(f->backing, 0, 64 << 10, FILL_SEED, &whole), 0);
	assert_false(whole.has_mismatch);
	/* Elsewhere a step's pattern (by region offset) is not what the host wrote. */
	assert_int_equal(oracle_check_file(f->backing, 192 << 10, 4096, FILL_SEED, &shifted), 0);
	assert_true(shifted.mismatched_bytes > 4000);
}

static void test_check_past_the_end(void **state)
{
	struct fixture *f = *state;
	struct pattern_check check = { 0 };

	assert_int_equal(oracle_check_file(f->backing, BACKING_SIZE - 4096, 8192, 1, &check),
			 -ERANGE);
	assert_int_equal(oracle_check_file(f->backing, BACKING_SIZE + 4096, 1, 1, &check),
			 -ERANGE);
	assert_int_equal(oracle_check_file("/nonexistent/ivshmem", 0, 1, 1, &check), -ENOENT);
}

static void test_compare_files(void **state)
{
	struct fixture *f = *state;
	struct pattern_check same = { 0 }, moved = { 0 }, check = { 0 };
	char copy[128];

	/* A copy of the backing whose bytes at 96K are the initiator's, not the host's. */
	snprintf(copy, sizeof(copy), "%s/copy", f->dir);
	FILE *c = fopen(copy, "w");
	assert_non_null(c);
	assert_int_equal(ftruncate(fileno(c), BACKING_SIZE), 0);
	fclose(c);
	assert_int_equal(oracle_fill_file(copy, FILL_SEED), 0);
	int fd = open(copy, O_WRONLY);
	assert_true(fd >= 0);
	uint8_t stray[3] = { 1, 2, 3 };
	assert_int_equal(pwrite(fd, stray, sizeof(stray), 96 << 10), 3);
	close(fd);

	assert_int_equal(oracle_compare_files(f->backing, 0, copy, 0, 64 << 10, &same), 0);
	assert_false(same.has_mismatch);
	assert_int_equal(oracle_compare_files(f->backing, 80 << 10, copy, 80 << 10, 32 << 10,
					      &moved), 0);
	assert_true(moved.has_mismatch);
	assert_true(moved.mismatched_bytes >= 1 && moved.mismatched_bytes <= 3);
	assert_true(moved.first_mismatch >= 16 << 10 && moved.first_mismatch < (16 << 10) + 3);
	/* Offsets apart: the same region of the pattern is not found elsewhere. */
	check = (struct pattern_check){ 0 };
	assert_int_equal(oracle_compare_files(f->backing, 0, copy, 4096, 4096, &check), 0);
	assert_true(check.mismatched_bytes > 4000);
	assert_int_equal(oracle_compare_files(f->backing, BACKING_SIZE - 4096, copy, 0, 8192,
					      &check), -ERANGE);
	assert_int_equal(oracle_compare_files("/nonexistent/a", 0, copy, 0, 1, &check), -ENOENT);
	unlink(copy);
}

static json_object *judge(const struct fixture *f, bool override, uint64_t seed,
			  struct oracle_tally *tally)
{
	struct oracle_job job = { f->backing, f->dir, override, seed, NULL };
	json_object *root = json_object_from_file(f->result);
	FILE *quiet = fopen("/dev/null", "w");

	assert_non_null(root);
	oracle_judge_result(root, &job, tally, quiet);
	fclose(quiet);
	assert_int_equal(result_write_json_file(root, f->result), 0);
	json_object_put(root);
	return json_object_from_file(f->result);
}

static json_object *step(json_object *root, size_t i)
{
	return json_object_array_get_idx(json_field(root, "steps"), i);
}

static void test_judged_in_place(void **state)
{
	struct fixture *f = *state;
	struct oracle_tally tally = { 0 };
	json_object *root = judge(f, false, 0, &tally);
	json_object *kept = step(root, 0), *lost = step(root, 1), *plain = step(root, 2);

	assert_int_equal(tally.checked, 2);
	assert_int_equal(tally.verified, 1);
	assert_int_equal(tally.failed, 1);

	assert_string_equal(json_text(kept, "oracle", ""), "host");
	assert_true(json_flag(kept, "oracle_verified"));
	assert_int_equal(json_object_get_int64(json_field(kept, "oracle_mismatched_bytes")), 0);
	assert_null(json_field(kept, "oracle_first_mismatch"));
	assert_string_equal(json_text(kept, "result", ""), "pass");
	json_object *e = json_object_array_get_idx(json_field(kept, "expectations"), 0);
	assert_true(json_flag(e, "met"));
	assert_non_null(strstr(json_text(e, "detail", ""), "guest half; the host found the pattern"));

	assert_false(json_flag(lost, "oracle_verified"));
	assert_true(json_object_get_int64(json_field(lost, "oracle_mismatched_bytes")) > 8000);
	assert_int_equal(json_object_get_int64(json_field(lost, "oracle_first_mismatch")), 0);
	assert_string_equal(json_text(lost, "result", ""), "fail");
	assert_non_null(strstr(json_text(lost, "reason", ""), "oracle: the host found"));
	e = json_object_array_get_idx(json_field(lost, "expectations"), 0);
	assert_false(json_flag(e, "met"));
	assert_non_null(json_field(e, "met"));

	assert_null(json_field(plain, "oracle"));
	assert_null(json_field(plain, "oracle_verified"));
	json_object *summary = json_field(root, "summary");
	assert_int_equal(json_object_get_int64(json_field(summary, "passed")), 2);
	assert_int_equal(json_object_get_int64(json_field(summary, "failed")), 1);
	json_object_put(root);

	char ktap[1024] = "";
	FILE *k = fopen(f->ktap, "r");
	assert_non_null(k);
	size_t n = fread(ktap, 1, sizeof(ktap) - 1, k);
	fclose(k);
	ktap[n] = '\0';
	ASSERT_CONTAINS(ktap, "\nok 1 kept\n# oracle: the host found ",
			"\nnot ok 2 lost\nok 3 plain\n");

	/* Judged once: a second look finds nothing pending and changes nothing. */
	memset(&tally, 0, sizeof(tally));
	json_object_put(judge(f, false, 0, &tally));
	assert_int_equal(tally.checked, 0);
}

/* The test knob: told the wrong seed, the host must find the region wrong. */
static void test_wrong_seed_fails(void **state)
{
	struct fixture *f = *state;
	struct oracle_tally tally = { 0 };
	json_object *root = judge(f, true, STEP_SEED + 1, &tally);

	assert_int_equal(tally.failed, 2);
	assert_string_equal(json_text(step(root, 0), "result", ""), "fail");
	assert_non_null(strstr(json_text(step(root, 0), "reason", ""), "seed 0x5eee"));
	json_object_put(root);
}

static void test_merge_rebases(void **state)
{
	struct pattern_check into = { 0 }, part = { 0 };
	uint8_t buf[64];

	(void)state;
	pattern_fill(buf, sizeof(buf), 7, 4096 + 64, PATTERN_PLAIN);
	buf[10] ^= 1;
	buf[20] ^= 1;
	pattern_check(buf, sizeof(buf), 7, 4096 + 64, PATTERN_PLAIN, &part);
	pattern_check_merge(&into, &part, 4096);
	assert_int_equal(into.mismatched_bytes, 2);
	assert_int_equal(into.first_mismatch, 64 + 10);
	pattern_check_merge(&into, &(struct pattern_check){ 0 }, 4096);
	assert_int_equal(into.mismatched_bytes, 2);
}

UNIT_TEST_MAIN("oracle",
	FIXTURE_TEST(test_fill_is_addressed_by_file_offset),
	FIXTURE_TEST(test_check_past_the_end),
	FIXTURE_TEST(test_compare_files),
	FIXTURE_TEST(test_judged_in_place),
	FIXTURE_TEST(test_wrong_seed_fails),
	cmocka_unit_test(test_merge_rebases));
