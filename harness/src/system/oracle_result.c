// SPDX-License-Identifier: GPL-2.0
/* `expect oracle` steps of a result.json, judged by the host. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/json_read.h"
#include "util/json_write.h"
#include "results/ktap.h"
#include "system/oracle.h"
#include "system/oracle_copy.h"
#include "system/oracle_result.h"
#include "results/result.h"

/* "first; second", or second alone when first is empty. */
static json_object *joined(const char *first, const char *second)
{
	char text[1024];

	snprintf(text, sizeof(text), "%s%s%s", first ? first : "", first && *first ? "; " : "",
		 second);
	return json_object_new_string(text);
}

/* The step's `expect oracle` entry: the host decides it. */
static void settle_expectation(json_object *step, bool verified, const char *detail)
{
	json_object *list = json_field(step, "expectations");
	size_t n = json_length(list);

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		if (strcmp(json_text(e, "expect", ""), "oracle") != 0)
			continue;
		jw_add(e, "met", json_object_new_boolean(verified));
		jw_add(e, "detail", joined(json_text(e, "detail", NULL), detail));
	}
}

/* A step that passed in the guest but not at the host: failed, everywhere it is recorded. */
static void fail_step(json_object *step, size_t number, const struct oracle_job *job,
		      const char *detail, FILE *log)
{
	char reason[600];

	snprintf(reason, sizeof(reason), "oracle: %s", detail);
	bool passed_before = strcmp(json_text(step, "result", ""), "pass") == 0;
	jw_add(step, "reason", joined(json_text(step, "reason", NULL), reason));
	jw_add(step, "result", json_object_new_string("fail"));
	if (!passed_before || !job->ktap_dir)
		return;
	int rc = ktap_fail_test(job->ktap_dir, number, reason);
	if (rc)
		fprintf(log, "p2prig oracle-check: %s/%s: cannot mark test %zu failed: %s\n",
			job->ktap_dir, KTAP_FILE_NAME, number, strerror(-rc));
}

/* What the host found, into the step: fields, its expectation, and a failure where it failed. */
static void conclude(json_object *step, size_t number, const struct oracle_job *job,
		     struct oracle_tally *tally, FILE *log, int rc,
		     const struct pattern_check *check, const char *detail)
{
	bool verified = rc == 0 && !check->has_mismatch;

	jw_add(step, "oracle", json_object_new_string(RESULT_ORACLE_HOST));
	jw_add(step, "oracle_verified", json_object_new_boolean(verified));
	jw_add(step, "oracle_mismatched_bytes", rc ? NULL : jw_count(check->mismatched_bytes));
	jw_add(step, "oracle_first_mismatch",
	       check->has_mismatch ? jw_count(check->first_mismatch) : NULL);
	settle_expectation(step, verified, detail);
	if (!verified)
		fail_step(step, number, job, detail, log);
	tally->checked++;
	tally->verified += verified;
	tally->failed += !verified;
	fprintf(log, "p2prig oracle-check: step %s: %s\n", json_text(step, "name", "?"), detail);
}

/* A transfer or dma-buf step: its region of the BAR against the step's pattern. */
static void judge_region(json_object *step, size_t number, const struct oracle_job *job,
			 struct oracle_tally *tally, FILE *log)
{
	uint64_t offset = 0, seed = 0;
	int64_t length = json_object_get_int64(json_field(step, "oracle_bytes"));
	struct pattern_check check = { 0 };
	char detail[512];
	int rc;

	bool known = json_hex(step, "oracle_bar_offset", &offset) &&
		     json_hex(step, "oracle_seed", &seed) && length > 0;
	if (job->seed_override)
		seed = job->seed;
	rc = known ? oracle_check_file(job->backing, offset, (uint64_t)length, seed, &check)
		   : -EINVAL;
	if (rc == -EINVAL)
		snprintf(detail, sizeof(detail),
			 "the guest did not say where the region is (oracle_bar_offset, "
			 "oracle_bytes, oracle_seed)");
	else if (rc)
		snprintf(detail, sizeof(detail),
			 "the host could not read %" PRId64 " bytes at BAR offset 0x%" PRIx64
			 " of %s: %s", length, offset, job->backing, strerror(-rc));
	else if (check.has_mismatch)
		snprintf(detail, sizeof(detail),
			 "the host found %" PRIu64 " of %" PRId64 " bytes at BAR offset 0x%" PRIx64
			 " not the pattern of seed 0x%" PRIx64 ", the first at region offset 0x%" PRIx64,
			 check.mismatched_bytes, length, offset, seed, check.first_mismatch);
	else
		snprintf(detail, sizeof(detail),
			 "the host found the pattern of seed 0x%" PRIx64 " in all %" PRId64
			 " bytes at BAR offset 0x%" PRIx64, seed, length, offset);
	conclude(step, number, job, tally, log, rc, &check, detail);
}

/* An nvme-copy step: the destination image against the source image, and the BAR's regions. */
static void judge_copy(json_object *step, size_t number, const struct oracle_job *job,
		       struct oracle_tally *tally, FILE *log)
{
	struct oracle_copy_verdict v;
	char detail[1400], bar[256] = "";
	int rc = oracle_judge_copy(step, job, &v);

	if (v.bar_regions)
		snprintf(bar, sizeof(bar), "; the BAR's backing: %" PRIu64 " of %" PRIu64
			 " bytes in %zu region%s not the source's", v.bar_mismatched_bytes,
			 v.bar_bytes, v.bar_regions, v.bar_regions == 1 ? "" : "s");
	if (rc)
		snprintf(detail, sizeof(detail), "%s", v.why);
	else
		snprintf(detail, sizeof(detail), "the host compared %" PRIu64 " copied bytes "
			 "(%zu range%s) of the destination namespace's image with the source's: %"
			 PRIu64 " differ%s", v.copy_bytes, v.ranges, v.ranges == 1 ? "" : "s",
			 v.check.mismatched_bytes, bar);
	/* The BAR's regions count as mismatches too; the first stays the copy's. */
	struct pattern_check all = v.check;
	all.mismatched_bytes += v.bar_mismatched_bytes;
	all.has_mismatch = all.has_mismatch || v.bar_mismatched_bytes;
	jw_add(step, "oracle_bytes", rc ? NULL : jw_count(v.copy_bytes));
	jw_add(step, "oracle_bar_bytes", v.bar_regions ? jw_count(v.bar_bytes) : NULL);
	conclude(step, number, job, tally, log, rc, &all, detail);
}

static void judge_step(json_object *step, size_t number, const struct oracle_job *job,
		       struct oracle_tally *tally, FILE *log)
{
	if (strcmp(json_text(step, "oracle", ""), RESULT_ORACLE_PENDING) != 0)
		return;
	if (json_field(step, "copy"))
		judge_copy(step, number, job, tally, log);
	else
		judge_region(step, number, job, tally, log);
}

/* summary.passed/failed/skipped again, from the steps' results. */
static void recount(json_object *root)
{
	json_object *steps = json_field(root, "steps");
	size_t n = json_length(steps);
	int64_t passed = 0, failed = 0, skipped = 0;

	for (size_t i = 0; i < n; i++) {
		const char *r = json_text(json_object_array_get_idx(steps, i), "result", "");
		passed += strcmp(r, "pass") == 0;
		failed += strcmp(r, "fail") == 0;
		skipped += strcmp(r, "skip") == 0;
	}
	json_object *summary = json_field(root, "summary");
	if (!json_object_is_type(summary, json_type_object))
		return;
	jw_add(summary, "passed", json_object_new_int64(passed));
	jw_add(summary, "failed", json_object_new_int64(failed));
	jw_add(summary, "skipped", json_object_new_int64(skipped));
}

void oracle_judge_result(json_object *root, const struct oracle_job *job,
			 struct oracle_tally *tally, FILE *log)
{
	json_object *steps = json_field(root, "steps");
	size_t n = json_length(steps);

	for (size_t i = 0; i < n; i++)
		judge_step(json_object_array_get_idx(steps, i), i + 1, job, tally, log);
	if (tally->failed)
		recount(root);
}
