// SPDX-License-Identifier: GPL-2.0
/*
 * The result writers: result.json read back with json-c field by field,
 * ktap.txt compared whole, and a run that stopped early written as
 * incomplete.
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
#include <json.h>

#include "results/ktap.h"
#include "results/result.h"

#include "unit_helpers.h"

struct fixture {
	char dir[64];
	struct run_report report;
};

static void fill_passing_step(struct step_report *s)
{
	static const uint64_t map[] = { 1000, 1200, 1100 }, unmap[] = { 500, 700, 600 };
	static const uint64_t xfer[] = { 20000, 22000 };

	snprintf(s->name, sizeof(s->name), "mmio");
	snprintf(s->action, sizeof(s->action), "transfer");
	s->verdict = VERDICT_PASS;
	snprintf(s->provider.name, sizeof(s->provider.name), "cmb");
	snprintf(s->provider.kind, sizeof(s->provider.kind), "nvme-cmb");
	s->provider.resolved = true;
	snprintf(s->provider.pci, sizeof(s->provider.pci), "0000:03:00.0");
	s->provider.allocated = true;
	s->provider.bar = 2;
	s->provider.phys_addr = 0xfe020000;
	s->provider.bus_addr = 0xfe020000;
	s->provider.bar_phys = 0xfe000000;
	s->provider.bar_size = 64 << 20;
	snprintf(s->initiator.name, sizeof(s->initiator.name), "edu");
	snprintf(s->initiator.kind, sizeof(s->initiator.kind), "edu");
	s->initiator.resolved = true;
	snprintf(s->initiator.pci, sizeof(s->initiator.pci), "0000:04:00.0");
	snprintf(s->method, sizeof(s->method), "mmio");
	s->mapped = true;
	s->dma_address = 0xfffff000;
	s->dma_in_bar = false;
	s->p2p_distance = 4;
	s->probed = true;
	s->map_type = 2;	/* BUS_ADDR */
	s->predicted_map_type = 2;
	snprintf(s->prediction, sizeof(s->prediction), "common upstream switch port");
	s->dma_flags = 0;
	s->bytes = 8192;
	s->piece = 4096;
	s->seed = 0x5eed0001;
	s->verified = true;
	s->to_peer = (struct direction_report){ .bytes = 8192, .pieces = 2 };
	s->from_peer = (struct direction_report){ .bytes = 8192, .pieces = 2 };
	s->map_ns = stats_summarise(map, 3);
	s->unmap_ns = stats_summarise(unmap, 3);
	s->to_peer_xfer_ns = stats_summarise(xfer, 2);
	s->from_peer_xfer_ns = stats_summarise(xfer, 2);
	s->n_expectations = 2;
	s->expectations[0] = (struct expectation_report){ .expect = "verified",
							  .outcome = EXPECT_MET };
	s->expectations[1] = (struct expectation_report){ .expect = "dma-address",
							  .value = "iova",
							  .outcome = EXPECT_MET,
							  .detail = "outside the BAR" };
}

static void fill_failing_step(struct step_report *s)
{
	fill_passing_step(s);
	snprintf(s->name, sizeof(s->name), "resource");
	snprintf(s->method, sizeof(s->method), "resource");
	s->seed = 0x5eed0002;
	s->verdict = VERDICT_FAIL;
	snprintf(s->reason, sizeof(s->reason),
		 "to peer: 16 mismatched bytes, the first at offset 0x40");
	s->verified = false;
	s->to_peer.check = (struct pattern_check){ .mismatched_bytes = 16,
						   .has_mismatch = true,
						   .first_mismatch = 0x40 };
	s->expectations[0].outcome = EXPECT_UNMET;
	strlist_add(&s->health, "DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/p2prig-test-result.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	run_report_init(&f->report, "nvme-cmb", "edu DMA to and from an NVMe CMB",
			"scenarios/nvme-cmb", "vlab", "switch, intel-iommu", "7.3.4+deb13-amd64");
	f->report.started = 1735689600;	/* 2025-01-01T00:00:00Z */
	f->report.health.watched = true;
	fill_passing_step(run_report_add_step(&f->report));
	fill_failing_step(run_report_add_step(&f->report));
	run_report_add_finding(&f->report, "resource",
			       "DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", f->dir, RESULT_JSON_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", f->dir, KTAP_FILE_NAME);
	unlink(path);
	rmdir(f->dir);
	run_report_free(&f->report);
	free(f);
	return 0;
}

/* The fixture's run written as result.json, and read back. */
static json_object *written(struct fixture *f)
{
	char path[128];

	assert_int_equal(result_write_json(&f->report, f->dir), 0);
	snprintf(path, sizeof(path), "%s/%s", f->dir, RESULT_JSON_NAME);
	json_object *root = json_object_from_file(path);
	assert_non_null(root);
	return root;
}

/* The fixture's ktap.txt, whole, into text. */
static void read_ktap(const struct fixture *f, char *text, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", f->dir, KTAP_FILE_NAME);
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	size_t n = fread(text, 1, size - 1, in);
	text[n] = '\0';
	fclose(in);
}

/* obj.key, failing the test when absent (present-but-null is returned as NULL). */
static json_object *at(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("no field '%s'", key);
	return v;
}

/* Step i of the fixture's run as result.json holds it; root: the whole file. */
static json_object *written_step(struct fixture *f, size_t i, json_object **root)
{
	*root = written(f);
	return json_object_array_get_idx(at(*root, "steps"), i);
}

static const char *str(json_object *obj, const char *key)
{
	json_object *v = at(obj, key);

	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t num(json_object *obj, const char *key)
{
	json_object *v = at(obj, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static bool boolean(json_object *obj, const char *key)
{
	json_object *v = at(obj, key);

	assert_true(json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

static void assert_null_field(json_object *obj, const char *key)
{
	assert_null(at(obj, key));
}

/* Asserts obj's string fields, given as key, value, key, value, ..., NULL. */
static void assert_strings(json_object *obj, const char *const *key_values)
{
	for (; key_values[0]; key_values += 2)
		assert_string_equal(str(obj, key_values[0]), key_values[1]);
}

#define ASSERT_STRINGS(obj, ...) assert_strings(obj, (const char *const[]){ __VA_ARGS__, NULL })

static void test_run_fields(void **state)
{
	struct fixture *f = *state;

	f->report.complete = true;
	f->report.finished = 1735689660;
	json_object *root = written(f);

	assert_int_equal(num(root, "format"), 2);
	ASSERT_STRINGS(root, "scenario", "nvme-cmb", "description", "edu DMA to and from an NVMe CMB",
		       "file", "scenarios/nvme-cmb", "rig", "vlab", "topology", "switch, intel-iommu",
		       "kernel", "7.3.4+deb13-amd64", "started", "2025-01-01T00:00:00Z",
		       "finished", "2025-01-01T00:01:00Z");
	assert_true(boolean(root, "complete"));
	assert_null_field(root, "error");

	json_object *health = at(root, "health");
	assert_false(boolean(health, "clean"));
	json_object *findings = at(health, "findings");
	assert_int_equal(json_object_array_length(findings), 1);
	assert_string_equal(str(json_object_array_get_idx(findings, 0), "step"), "resource");
	assert_string_equal(str(json_object_array_get_idx(findings, 0), "line"),
			    "DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault");

	json_object *summary = at(root, "summary");
	assert_int_equal(num(summary, "passed"), 1);
	assert_int_equal(num(summary, "failed"), 1);
	assert_int_equal(num(summary, "skipped"), 0);
	assert_int_equal(json_object_array_length(at(root, "steps")), 2);
	json_object_put(root);
}

static void test_passing_step_fields(void **state)
{
	json_object *root, *s = written_step(*state, 0, &root);

	ASSERT_STRINGS(s, "name", "mmio", "action", "transfer", "result", "pass");
	assert_null_field(s, "reason");
	json_object *p = at(s, "provider");
	ASSERT_STRINGS(p, "name", "cmb", "kind", "nvme-cmb", "pci", "0000:03:00.0",
		       "phys_addr", "0xfe020000", "bus_addr", "0xfe020000");
	assert_int_equal(num(p, "bar"), 2);
	assert_string_equal(str(p, "bar_phys"), "0xfe000000");
	assert_int_equal(num(p, "bar_size"), 64 << 20);
	json_object *i = at(s, "initiator");
	ASSERT_STRINGS(i, "name", "edu", "kind", "edu", "pci", "0000:04:00.0");
	ASSERT_STRINGS(s, "method", "mmio", "dma_address", "0xfffff000");
	assert_false(boolean(s, "dma_in_bar"));
	assert_int_equal(num(s, "p2p_distance"), 4);
	ASSERT_STRINGS(s, "map_type", "BUS_ADDR", "predicted_map_type", "BUS_ADDR",
		       "prediction", "common upstream switch port");
	assert_false(boolean(s, "dma_direct"));
	assert_false(boolean(s, "dma_bounced"));
	assert_false(boolean(s, "refused"));
	assert_int_equal(num(s, "bytes"), 8192);
	assert_int_equal(num(s, "piece"), 4096);
	assert_string_equal(str(s, "seed"), "0x5eed0001");
	assert_true(boolean(s, "verified"));

	json_object *to = at(s, "to_peer");
	assert_int_equal(num(to, "bytes"), 8192);
	assert_int_equal(num(to, "pieces"), 2);
	assert_int_equal(num(to, "mismatched_bytes"), 0);
	assert_null_field(to, "first_mismatch");
	assert_int_equal(num(at(s, "from_peer"), "pieces"), 2);

	json_object *map = at(at(s, "timings"), "map_ns");
	assert_int_equal(num(map, "n"), 3);
	assert_int_equal(num(map, "min"), 1000);
	assert_float_equal(json_object_get_double(at(map, "mean")), 1100.0, 1e-9);
	assert_float_equal(json_object_get_double(at(map, "stddev")), 100.0, 1e-9);
	assert_int_equal(num(map, "max"), 1200);
	assert_int_equal(num(map, "p50"), 1100);
	assert_int_equal(num(map, "p99"), 1200);
	assert_int_equal(num(at(at(s, "timings"), "unmap_ns"), "p50"), 600);
	assert_int_equal(num(at(at(s, "timings"), "to_peer_xfer_ns"), "n"), 2);
	assert_int_equal(num(at(at(s, "timings"), "from_peer_xfer_ns"), "max"), 22000);

	json_object *e = at(s, "expectations");
	assert_int_equal(json_object_array_length(e), 2);
	assert_string_equal(str(json_object_array_get_idx(e, 0), "expect"), "verified");
	assert_null_field(json_object_array_get_idx(e, 0), "value");
	assert_true(boolean(json_object_array_get_idx(e, 0), "met"));
	assert_string_equal(str(json_object_array_get_idx(e, 1), "value"), "iova");
	assert_string_equal(str(json_object_array_get_idx(e, 1), "detail"), "outside the BAR");
	assert_int_equal(json_object_array_length(at(s, "health")), 0);
	json_object_put(root);
}

static void test_failing_step_fields(void **state)
{
	json_object *root, *s = written_step(*state, 1, &root);

	assert_string_equal(str(s, "result"), "fail");
	assert_string_equal(str(s, "reason"),
			    "to peer: 16 mismatched bytes, the first at offset 0x40");
	assert_false(boolean(s, "verified"));
	assert_int_equal(num(at(s, "to_peer"), "mismatched_bytes"), 16);
	assert_int_equal(num(at(s, "to_peer"), "first_mismatch"), 0x40);
	assert_null_field(at(s, "from_peer"), "first_mismatch");
	assert_false(boolean(json_object_array_get_idx(at(s, "expectations"), 0), "met"));
	json_object *health = at(s, "health");
	assert_int_equal(json_object_array_length(health), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(health, 0)),
			    "DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault");
	json_object_put(root);
}

/* Whole-file comparison: KTAP is read by machines. */
static void test_ktap_text(void **state)
{
	struct fixture *f = *state;
	struct ktap k;
	char text[1024];

	assert_int_equal(ktap_open(&k, f->dir, 3), 0);
	ktap_step(&k, 1, &f->report.steps[0]);
	ktap_step(&k, 2, &f->report.steps[1]);
	ktap_health(&k, 3, &f->report);
	ktap_close(&k);

	read_ktap(f, text, sizeof(text));
	assert_string_equal(text,
			    "KTAP version 1\n"
			    "1..3\n"
			    "ok 1 mmio\n"
			    "# to peer: 16 mismatched bytes, the first at offset 0x40\n"
			    "# kernel: DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault\n"
			    "not ok 2 resource\n"
			    "# resource: DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault\n"
			    "not ok 3 kernel-health\n");
}

static void test_ktap_skip_and_clean_health(void **state)
{
	struct fixture *f = *state;
	struct run_report r;
	struct ktap k;
	char text[512];

	run_report_init(&r, "x", NULL, NULL, NULL, NULL, NULL);
	r.health.watched = true;
	struct step_report *s = run_report_add_step(&r);
	snprintf(s->name, sizeof(s->name), "mmio");
	s->verdict = VERDICT_SKIP;
	snprintf(s->reason, sizeof(s->reason),
		 "method mmio: not supported by this kernel (EOPNOTSUPP)");

	assert_int_equal(ktap_open(&k, f->dir, 2), 0);
	ktap_step(&k, 1, s);
	ktap_health(&k, 2, &r);
	ktap_close(&k);
	read_ktap(f, text, sizeof(text));
	assert_string_equal(text, "KTAP version 1\n"
				  "1..2\n"
				  "ok 1 mmio # SKIP method mmio: not supported by this kernel "
				  "(EOPNOTSUPP)\n"
				  "ok 2 kernel-health\n");
	assert_int_equal(run_report_exit_code(&r), 4);
	run_report_free(&r);
}

static void test_incomplete_run(void **state)
{
	struct fixture *f = *state;
	char tmp[128];

	snprintf(f->report.error, sizeof(f->report.error), "cannot open /dev/p2prig");
	json_object *root = written(f);
	assert_false(boolean(root, "complete"));
	assert_null_field(root, "finished");
	assert_string_equal(str(root, "error"), "cannot open /dev/p2prig");
	json_object_put(root);

	/* Written through a temporary file that must not linger. */
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", f->dir, RESULT_JSON_NAME);
	assert_int_not_equal(access(tmp, F_OK), 0);
}

static void test_exit_codes(void **state)
{
	struct fixture *f = *state;
	struct run_report r;

	assert_int_equal(run_report_exit_code(&f->report), 1);

	run_report_init(&r, "x", NULL, NULL, NULL, NULL, NULL);
	r.health.watched = true;
	run_report_add_step(&r)->verdict = VERDICT_PASS;
	run_report_add_step(&r)->verdict = VERDICT_SKIP;
	assert_int_equal(run_report_exit_code(&r), 0);
	assert_true(run_report_health_clean(&r));
	run_report_add_finding(&r, NULL, "WARNING: CPU: 0 PID: 1 at somewhere");
	assert_int_equal(run_report_exit_code(&r), 1);
	run_report_free(&r);
}

UNIT_TEST_MAIN("result",
	FIXTURE_TEST(test_run_fields),
	FIXTURE_TEST(test_passing_step_fields),
	FIXTURE_TEST(test_failing_step_fields),
	FIXTURE_TEST(test_ktap_text),
	FIXTURE_TEST(test_ktap_skip_and_clean_health),
	FIXTURE_TEST(test_incomplete_run),
	FIXTURE_TEST(test_exit_codes));
