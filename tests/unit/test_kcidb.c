// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig kcidb's mapping: statuses, test paths as KCIDB's pattern allows
 * them, ids (origin-prefixed, stable, distinct), the kernel's checkout and
 * build, on the runs kept in tests/data/kcidb (a failing run, one that
 * hung, a two-node run, one on a kernel the rig built, a night's). The
 * document's validation against the schema is tests/host/42-kcidb.t's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kcidb/kcidb.h"
#include "results/result_view.h"
#include "scenario_checks.h"
#include "util/json_read.h"

#include "unit_helpers.h"

#define DATA "tests/data/kcidb/"
#define NIGHT DATA "night/20261207T172226Z/"
#define NVME_CMB NIGHT "20261207T172226Z-nvme-cmb-7.3.4+deb13-amd64/result.json"
#define GPU_BAR NIGHT "20261207T172305Z-gpu-bar-7.3.4+deb13-amd64/result.json"
#define BUILT DATA "20261207T055151Z-kmod-dmabuf-7.3.4-p2prig-debug/result.json"

static const struct kcidb_context lab_ctx = { .origin = "p2prig", .lab = "lab1" };

static void load(struct result_view *v, const char *name)
{
	static char path[4096];
	char why[512];

	snprintf(path, sizeof(path), "%s/%s", source_top(), name);
	if (result_view_load(v, path, why, sizeof(why)))
		fail_msg("%s", why);
}

/* A document of the runs NAMES, in order. */
static json_object *document_of(const struct kcidb_context *ctx, const char *const *names)
{
	json_object *doc = kcidb_document();

	for (size_t i = 0; names[i]; i++) {
		struct result_view v;

		load(&v, names[i]);
		kcidb_add_run(doc, &v, ctx);
		result_view_free(&v);
	}
	return doc;
}

#define DOCUMENT_OF(ctx, ...) document_of(ctx, (const char *const[]){ __VA_ARGS__, NULL })

/* The test whose path is PATH; fails when there is none or more than one. */
static json_object *test_at(json_object *doc, const char *path)
{
	json_object *tests = json_field(doc, "tests"), *found = NULL;

	for (size_t i = 0; i < json_length(tests); i++) {
		json_object *t = json_object_array_get_idx(tests, i);

		if (strcmp(json_text(t, "path", ""), path))
			continue;
		if (found)
			fail_msg("two tests at %s", path);
		found = t;
	}
	if (!found)
		fail_msg("no test at %s", path);
	return found;
}

static const char *misc_text(json_object *obj, const char *key)
{
	return json_text(json_field(obj, "misc"), key, NULL);
}

/* KCIDB's path pattern: dot-separated parts of [a-zA-Z0-9_-]+, or nothing. */
static bool path_ok(const char *path)
{
	size_t part = 0;

	for (const char *c = path; *c; c++) {
		if (*c == '.') {
			if (part == 0 || !c[1])
				return false;
			part = 0;
		} else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			   (*c >= '0' && *c <= '9') || *c == '_' || *c == '-') {
			part++;
		} else {
			return false;
		}
	}
	return true;
}

/* An id as KCIDB wants it: ORIGIN: then anything. */
static void assert_id_of(const char *id, const char *origin)
{
	size_t n = strlen(origin);

	if (strncmp(id, origin, n) || id[n] != ':' || !id[n + 1])
		fail_msg("id '%s' is not %s:...", id, origin);
}

static void test_statuses(void **state)
{
	(void)state;
	assert_string_equal(kcidb_status(VERDICT_PASS), "PASS");
	assert_string_equal(kcidb_status(VERDICT_FAIL), "FAIL");
	assert_string_equal(kcidb_status(VERDICT_SKIP), "SKIP");
}

static void test_origins(void **state)
{
	(void)state;
	ASSERT_EACH_TRUE(kcidb_origin_ok, "p2prig", "my_lab2", "0");
	ASSERT_EACH_FALSE(kcidb_origin_ok, "", "P2prig", "my-lab", "lab:1", "a b");
}

static const char *path_of(const char *const *parts)
{
	static char path[KCIDB_PATH_MAX];

	path[0] = '\0';
	for (size_t i = 0; parts[i]; i++)
		kcidb_path_add(path, sizeof(path), parts[i]);
	return path;
}

#define PATH_OF(...) path_of((const char *const[]){ __VA_ARGS__, NULL })

static void test_paths(void **state)
{
	static const struct {
		const char *name, *want;
	} names[] = {
		{ "mmio", "p2prig.nvme-cmb.mmio" },
		{ "dmabuf.import_pinned", "p2prig.nvme-cmb.dmabuf.import_pinned" },
		{ "cost 4K/map", "p2prig.nvme-cmb.cost_4K_map" },
		{ ".x", "p2prig.nvme-cmb._x" },
		{ "x.", "p2prig.nvme-cmb.x_" },
		{ "a..b", "p2prig.nvme-cmb.a__b" },
		{ "", "p2prig.nvme-cmb._" },
		{ "caf\xc3\xa9", "p2prig.nvme-cmb.caf__" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *path = PATH_OF("p2prig", "nvme-cmb", names[i].name);

		assert_string_equal(path, names[i].want);
		if (!path_ok(path))
			fail_msg("'%s' (from '%s') breaks KCIDB's path pattern", path,
				 names[i].name);
	}
	assert_false(path_ok("p2prig..x"));
	assert_false(path_ok("p2prig.a b"));
}

static void test_ids(void **state)
{
	char id[KCIDB_ID_MAX];

	(void)state;
	/* FNV-1a 64's published values. */
	assert_true(kcidb_hash("") == 0xcbf29ce484222325ull);
	assert_true(kcidb_hash("a") == 0xaf63dc4c8601ec8cull);
	kcidb_id(id, sizeof(id), "p2prig", "run", "");
	assert_string_equal(id, "p2prig:run-cbf29ce484222325");
}

static void test_times(void **state)
{
	time_t t;

	(void)state;
	assert_true(result_time_parse("1970-01-02T00:00:01Z", &t));
	assert_int_equal(t, 86401);
	ASSERT_EACH_TRUE(kcidb_time_ok, "2026-12-07T01:39:28Z");
	ASSERT_EACH_FALSE(kcidb_time_ok, "", "2026-12-07 01:39:28Z", "2026-13-07T01:39:28Z",
			  "2026-12-07T01:39:28", "2026-12-07T01:39:28Z ", "2026-12-07T24:00:00Z");
}

/* Every test: origin-prefixed id, unique; path KCIDB takes; build_id of a build in DOC. */
static void assert_well_formed(json_object *doc, const char *origin)
{
	json_object *tests = json_field(doc, "tests"), *builds = json_field(doc, "builds");

	assert_int_equal(json_object_get_int(json_field(json_field(doc, "version"), "major")),
			 KCIDB_SCHEMA_MAJOR);
	for (size_t i = 0; i < json_length(tests); i++) {
		json_object *t = json_object_array_get_idx(tests, i);
		const char *id = json_text(t, "id", ""), *build = json_text(t, "build_id", "");
		bool found = false;

		assert_id_of(id, origin);
		assert_string_equal(json_text(t, "origin", ""), origin);
		if (!path_ok(json_text(t, "path", "")))
			fail_msg("%s: path '%s'", id, json_text(t, "path", ""));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(id, json_text(json_object_array_get_idx(tests, j), "id", "")))
				fail_msg("two tests with id %s", id);
		for (size_t j = 0; j < json_length(builds); j++)
			found |= !strcmp(build, json_text(json_object_array_get_idx(builds, j),
							   "id", ""));
		if (!found)
			fail_msg("%s: build_id %s is not in builds", id, build);
	}
}

static void test_failing_run(void **state)
{
	json_object *doc = DOCUMENT_OF(&lab_ctx, DATA "failing/result.json"), *t;

	(void)state;
	assert_well_formed(doc, "p2prig");
	/* The run, 4 steps, kernel-health, 4 host checks. */
	assert_int_equal(json_length(json_field(doc, "tests")), 10);
	assert_string_equal(json_text(test_at(doc, "p2prig.failing"), "status", ""), "FAIL");
	assert_string_equal(json_text(test_at(doc, "p2prig.failing.mmio"), "status", ""), "PASS");
	t = test_at(doc, "p2prig.failing.resource");
	assert_string_equal(json_text(t, "status", ""), "FAIL");
	ASSERT_CONTAINS(json_text(t, "log_excerpt", ""), "16 mismatched bytes",
			"DMAR: [DMA Read NO_PASID]");
	t = test_at(doc, "p2prig.failing.phys-vec");
	assert_string_equal(json_text(t, "status", ""), "SKIP");
	assert_string_equal(misc_text(t, "reason"),
			    "method phys-vec: not supported by this kernel (EOPNOTSUPP)");
	t = test_at(doc, "p2prig.failing.kernel-health");
	assert_string_equal(json_text(t, "status", ""), "FAIL");
	ASSERT_CONTAINS(json_text(t, "log_excerpt", ""), "resource: DMAR",
			"outside any step: WARNING");
	t = test_at(doc, "p2prig.failing.host.guest-machine");
	assert_string_equal(json_text(t, "status", ""), "SKIP");
	ASSERT_CONTAINS(misc_text(t, "reason"), "no guest-facts.env");
	t = test_at(doc, "p2prig.failing.host.oracle");
	assert_string_equal(json_text(t, "status", ""), "FAIL");
	ASSERT_CONTAINS(json_text(t, "log_excerpt", ""), "first mismatch at BAR offset 0x1000");
	assert_string_equal(json_text(json_field(json_field(t, "environment"), "misc"), "lab",
				      ""), "lab1");
	json_object_put(doc);
}

static void test_incomplete_run(void **state)
{
	json_object *doc = DOCUMENT_OF(&lab_ctx, DATA "hang/result.json"), *t;

	(void)state;
	assert_well_formed(doc, "p2prig");
	t = test_at(doc, "p2prig.nvme-p2p-copy");
	assert_string_equal(json_text(t, "status", ""), "ERROR");
	assert_string_equal(misc_text(t, "reason"), "run incomplete: hang");
	assert_string_equal(json_text(test_at(doc, "p2prig.nvme-p2p-copy.host.guest-outcome"),
				      "status", ""), "FAIL");
	json_object_put(doc);
}

static void test_run_status_without_host(void **state)
{
	struct result_view v;

	(void)state;
	load(&v, DATA "failing/result.json");
	v.host = NULL;
	assert_string_equal(kcidb_run_status(&v), "FAIL");
	v.steps[1].verdict = VERDICT_PASS;
	assert_string_equal(kcidb_run_status(&v), "PASS");
	v.complete = false;
	assert_string_equal(kcidb_run_status(&v), "ERROR");
	result_view_free(&v);
	load(&v, GPU_BAR);
	assert_string_equal(kcidb_run_status(&v), "SKIP");
	result_view_free(&v);
}

/* Same input, same document; the run's start and the origin change the ids. */
static void test_stable_ids(void **state)
{
	const struct kcidb_context other = { .origin = "other_lab" };
	json_object *a = DOCUMENT_OF(&lab_ctx, NVME_CMB), *b = DOCUMENT_OF(&lab_ctx, NVME_CMB);
	json_object *c = DOCUMENT_OF(&other, NVME_CMB), *d = kcidb_document();
	const char *id_a, *id_c, *id_d;
	struct result_view v;

	(void)state;
	assert_string_equal(json_object_to_json_string(a), json_object_to_json_string(b));
	assert_well_formed(c, "other_lab");
	id_a = json_text(test_at(a, "p2prig.nvme-cmb.mmio"), "id", "");
	id_c = json_text(test_at(c, "p2prig.nvme-cmb.mmio"), "id", "");
	assert_string_equal(strchr(id_a, ':'), strchr(id_c, ':'));
	ASSERT_CONTAINS(id_a, "p2prig:run-", "/mmio");
	load(&v, NVME_CMB);
	v.started = "2026-12-08T01:39:28Z";
	kcidb_add_run(d, &v, &lab_ctx);
	result_view_free(&v);
	id_d = json_text(test_at(d, "p2prig.nvme-cmb.mmio"), "id", "");
	assert_string_not_equal(id_a, id_d);
	/* The same kernel: the same checkout and build. */
	assert_string_equal(json_text(json_object_array_get_idx(json_field(a, "builds"), 0), "id",
				      ""),
			    json_text(json_object_array_get_idx(json_field(d, "builds"), 0), "id",
				      ""));
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
	json_object_put(d);
}

static void test_debian_kernel(void **state)
{
	json_object *doc = DOCUMENT_OF(&lab_ctx, NVME_CMB, GPU_BAR, DATA "failing/result.json");
	json_object *checkout, *build, *run;

	(void)state;
	assert_well_formed(doc, "p2prig");
	/* Three runs of one kernel: one checkout, one build. */
	assert_int_equal(json_length(json_field(doc, "checkouts")), 1);
	assert_int_equal(json_length(json_field(doc, "builds")), 1);
	checkout = json_object_array_get_idx(json_field(doc, "checkouts"), 0);
	build = json_object_array_get_idx(json_field(doc, "builds"), 0);
	assert_id_of(json_text(checkout, "id", ""), "p2prig");
	assert_string_equal(json_text(build, "checkout_id", ""), json_text(checkout, "id", "?"));
	assert_string_equal(json_text(checkout, "tree_name", ""), "debian");
	assert_string_equal(misc_text(checkout, "kernel_release"), "7.3.4+deb13-amd64");
	assert_string_equal(misc_text(checkout, "debian_version"), "7.3.4-1~bpo13+1");
	assert_string_equal(json_text(build, "architecture", ""), "x86_64");
	assert_string_equal(json_text(build, "config_name", ""), "debian");
	assert_string_equal(json_text(build, "compiler", ""),
			    "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0");
	assert_string_equal(json_text(build, "status", ""), "PASS");
	run = test_at(doc, "p2prig.nvme-cmb");
	/* result.json's started and finished: 17:23:07 to 17:30:04. */
	assert_string_equal(json_text(run, "start_time", ""), "2026-12-07T17:23:07Z");
	assert_int_equal(json_object_get_int(json_field(run, "duration")), 417);
	/* A skipped run says which of its tests were skipped. */
	assert_string_equal(json_text(test_at(doc, "p2prig.gpu-bar"), "status", ""), "SKIP");
	assert_string_equal(misc_text(test_at(doc, "p2prig.gpu-bar"), "reason"),
			    "skipped: write-dmabuf, host-debug-checkers");
	json_object_put(doc);
}

static void test_built_kernel(void **state)
{
	json_object *doc = DOCUMENT_OF(&lab_ctx, BUILT), *checkout, *build, *t;

	(void)state;
	assert_well_formed(doc, "p2prig");
	checkout = json_object_array_get_idx(json_field(doc, "checkouts"), 0);
	build = json_object_array_get_idx(json_field(doc, "builds"), 0);
	assert_string_equal(json_text(checkout, "comment", ""),
			    "Debian linux-source-7.3 7.3.4-1~bpo13+1");
	assert_string_equal(misc_text(checkout, "source_kind"), "debian-source");
	assert_string_equal(json_text(build, "config_name", ""), "debian+rig+debug");
	assert_string_equal(json_text(build, "compiler", ""), "binutils 2.44-3 gcc-14 14.2.0-19");
	assert_string_equal(json_text(build, "start_time", ""), "2026-12-07T02:52:56Z");
	assert_string_equal(misc_text(build, "kernel_release"), "7.3.4-p2prig-debug-014db407");
	t = test_at(doc, "p2prig.kmod-dmabuf.dmabuf.import_pinned");
	assert_string_equal(json_text(t, "status", ""), "SKIP");
	assert_string_equal(misc_text(t, "reason"), "no /dev/udmabuf: No such file or directory");
	json_object_put(doc);
}

static void test_two_nodes(void **state)
{
	json_object *doc = DOCUMENT_OF(&lab_ctx, DATA "two-node/server/result.json",
				       DATA "two-node/client/result.json");
	const char *server, *client;

	(void)state;
	assert_well_formed(doc, "p2prig");
	server = json_text(test_at(doc, "p2prig.rdma-2node.server"), "id", "");
	client = json_text(test_at(doc, "p2prig.rdma-2node.client"), "id", "");
	assert_string_not_equal(server, client);
	assert_string_equal(misc_text(test_at(doc, "p2prig.rdma-2node.client.write"), "run"),
			    "two-node/client");
	json_object_put(doc);
}

/* A reason past the schema's 16 KiB is cut, never in the middle of a character. */
static void test_long_excerpt(void **state)
{
	char *reason = malloc(KCIDB_LOG_EXCERPT_MAX + 128);
	json_object *doc = kcidb_document();
	const char *excerpt;
	struct result_view v;
	size_t len = 1;

	(void)state;
	assert_non_null(reason);
	/* 'x', then two-byte characters from byte 1: byte 16384 is the second of one. */
	reason[0] = 'x';
	while (len + 2 < KCIDB_LOG_EXCERPT_MAX + 100) {
		memcpy(reason + len, "\xc3\xa9", 2);
		len += 2;
	}
	reason[len] = '\0';
	load(&v, DATA "failing/result.json");
	v.steps[1].reason = reason;
	kcidb_add_run(doc, &v, &lab_ctx);
	result_view_free(&v);
	excerpt = json_text(test_at(doc, "p2prig.failing.resource"), "log_excerpt", "");
	assert_int_equal(strlen(excerpt), KCIDB_LOG_EXCERPT_MAX - 1);
	assert_memory_equal(excerpt + strlen(excerpt) - 2, "\xc3\xa9", 2);
	json_object_put(doc);
	free(reason);
}

UNIT_TEST_MAIN("kcidb",
	cmocka_unit_test(test_statuses),
	cmocka_unit_test(test_origins),
	cmocka_unit_test(test_paths),
	cmocka_unit_test(test_ids),
	cmocka_unit_test(test_times),
	cmocka_unit_test(test_failing_run),
	cmocka_unit_test(test_incomplete_run),
	cmocka_unit_test(test_run_status_without_host),
	cmocka_unit_test(test_stable_ids),
	cmocka_unit_test(test_debian_kernel),
	cmocka_unit_test(test_built_kernel),
	cmocka_unit_test(test_two_nodes),
	cmocka_unit_test(test_long_excerpt));
