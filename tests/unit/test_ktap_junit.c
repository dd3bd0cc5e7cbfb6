// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig ktap` and `p2prig junit` on result.json files: real runs copied
 * from results/ (map-cost on 6.12.117, rdma-dmabuf, nvme-p2p-copy, one
 * that hung, given the host's checks by hand) and hand-made ones (a
 * failing run, the two sides of a two-node run). KTAP is compared with the
 * live writer's ktap.txt; JUnit's counts with the elements it holds; text
 * that XML cannot hold must not break the document.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results/junit.h"
#include "results/ktap.h"
#include "results/ktap_from_result.h"
#include "results/result.h"
#include "results/result_figures.h"
#include "results/result_view.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

#define MAX_TEMP_FILES 32

static char temp_dir[64];
static char *temp_files[MAX_TEMP_FILES];
static size_t n_temp_files;

static const char *data_file(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", source_top(), name);
	return path;
}

/* A file in this test's temporary folder, removed when the tests end. */
static const char *temp_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", temp_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_true(n_temp_files < MAX_TEMP_FILES);
	temp_files[n_temp_files] = strdup(path);
	return temp_files[n_temp_files++];
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 20);

	assert_non_null(f);
	assert_non_null(text);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static char *ktap_of(const char *path)
{
	struct result_view v;
	char why[512], *text = NULL;
	size_t size;

	if (result_view_load(&v, path, why, sizeof(why)))
		fail_msg("%s", why);
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	assert_int_equal(ktap_from_result(out, &v), 0);
	fclose(out);
	result_view_free(&v);
	return text;
}

static char *junit_of(const char *const *paths, size_t n)
{
	struct result_view v[4];
	char why[512], *text = NULL;
	size_t size;

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++)
		if (result_view_load(&v[i], paths[i], why, sizeof(why)))
			fail_msg("%s", why);
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	assert_int_equal(junit_write(out, v, n), 0);
	fclose(out);
	for (size_t i = 0; i < n; i++)
		result_view_free(&v[i]);
	return text;
}

/* The JUnit XML of the one result.json at path. */
static char *junit_of_one(const char *path)
{
	return junit_of(&path, 1);
}

static size_t count(const char *text, const char *end, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p && (!end || p < end);
	     p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The number in TAG's ATTR="N", TAG being the element that starts at text. */
static size_t attribute_number(const char *tag, const char *attr)
{
	char key[64];
	const char *close = strchr(tag, '>');

	snprintf(key, sizeof(key), " %s=\"", attr);
	const char *at = strstr(tag, key);
	assert_non_null(at);
	assert_true(at < close);
	return strtoul(at + strlen(key), NULL, 10);
}

/* Each suite's counts, and the document's, are those of the elements they hold. */
static void assert_counts_agree(const char *xml)
{
	static const char *const attrs[] = { "tests", "failures", "errors", "skipped" };
	static const char *const elements[] = { "<testcase ", "<failure ", "<error ", "<skipped " };
	const char *all = strstr(xml, "<testsuites ");
	size_t sums[4] = { 0 };

	assert_non_null(all);
	for (const char *s = strstr(xml, "<testsuite "); s; s = strstr(s + 1, "<testsuite ")) {
		const char *end = strstr(s, "</testsuite>");

		assert_non_null(end);
		for (size_t i = 0; i < 4; i++) {
			size_t n = count(s, end, elements[i]);

			assert_int_equal(attribute_number(s, attrs[i]), n);
			sums[i] += n;
		}
	}
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(attribute_number(all, attrs[i]), sums[i]);
}

/* The test number of a KTAP result line, 0 for any other line. */
static size_t result_number(const char *line)
{
	if (strncmp(line, "not ", 4) == 0)
		line += 4;
	return strncmp(line, "ok ", 3) == 0 ? strtoul(line + 3, NULL, 10) : 0;
}

/* Every KTAP line is a version, a plan, a diagnostic or a result; the results match the plan. */
static void assert_ktap_shape(const char *text)
{
	size_t planned, results = 0, lines = 0;
	const char *line = text;

	assert_int_equal(strncmp(text, "KTAP version 1\n1..", 18), 0);
	planned = strtoul(text + 18, NULL, 10);
	while (*line) {
		const char *nl = strchr(line, '\n');

		assert_non_null(nl);
		if (lines++ >= 2) {
			size_t number = result_number(line);

			assert_true(number || strncmp(line, "# ", 2) == 0);
			if (number)
				assert_int_equal(number, ++results);
		}
		line = nl + 1;
	}
	assert_int_equal(results, planned);
}

static const char *line_with(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	if (!p)
		fail_msg("no line starting \"%s\" in:\n%s", prefix, text);
	assert_true(p == text || p[-1] == '\n');
	return p;
}

/* A real run: what `p2prig ktap` makes from result.json is ktap.txt as the guest wrote it. */
static void test_ktap_as_the_guest_wrote_it(void **state)
{
	char *made = ktap_of(data_file("result-map-cost-6.12.117.json"));
	char *live = read_whole(data_file("result-map-cost-6.12.117.ktap.txt"));

	(void)state;
	assert_string_equal(made, live);
	free(made);
	free(live);
}

static void fill_map_cost(struct step_report *s)
{
	struct map_cost_report *mc = map_cost_report_new();
	struct map_cost_entry *e = &mc->entries[mc->n_entries++];

	snprintf(s->name, sizeof(s->name), "cost");
	snprintf(s->action, sizeof(s->action), "map-cost");
	s->verdict = VERDICT_PASS;
	e->method = MAP_COST_MMIO;
	e->granule = 4096;
	e->outcome = MAP_COST_MEASURED;
	/* Values result.json keeps exactly: its figures have one or two decimals. */
	e->map = (struct repeat_figure){ 5, 1200.0, 60.0, 5.0, true };
	e->unmap = (struct repeat_figure){ 5, 960.0, 12.0, 1.5, false };
	e->trace.ran = true;
	e->trace.passed = true;
	e = &mc->entries[mc->n_entries++];
	e->method = MAP_COST_IOVA_LINK;
	e->granule = 2 << 20;
	e->outcome = MAP_COST_SKIPPED;
	snprintf(e->reason, sizeof(e->reason), "method iova-link: this kernel lacks it");
	s->map_cost = mc;
}

/* The live writer and this one, on the same run, say the same thing line for line. */
/* A complete run of one scenario, health watched: the live writer's input. */
static void live_run_init(struct run_report *r, const char *scenario)
{
	run_report_init(r, scenario, NULL, NULL, "vlab", NULL, "7.3.4+deb13-amd64");
	r->started = 1735689600;
	r->finished = r->started + 2;
	r->complete = true;
	r->health.watched = true;
}

/*
 * Ends the live ktap.txt with the health test and writes result.json, both
 * in temp_dir; returns the KTAP p2prig ktap makes of result.json, and sets
 * live to ktap.txt's text. The run is freed.
 */
static char *ktap_finish_and_remake(struct ktap *k, struct run_report *r, char **live)
{
	char path[256];

	ktap_health(k, r->n_steps + 1, r);
	ktap_close(k);
	assert_int_equal(result_write_json(r, temp_dir), 0);
	run_report_free(r);

	snprintf(path, sizeof(path), "%s/%s", temp_dir, RESULT_JSON_NAME);
	char *made = ktap_of(path);
	temp_files[n_temp_files++] = strdup(path);
	snprintf(path, sizeof(path), "%s/%s", temp_dir, KTAP_FILE_NAME);
	*live = read_whole(path);
	temp_files[n_temp_files++] = strdup(path);
	return made;
}

static void test_ktap_agrees_with_live_writer(void **state)
{
	struct run_report r;
	struct ktap k;

	(void)state;
	live_run_init(&r, "agree");
	fill_map_cost(run_report_add_step(&r));
	struct step_report *s = run_report_add_step(&r);
	snprintf(s->name, sizeof(s->name), "resource");
	s->verdict = VERDICT_FAIL;
	snprintf(s->reason, sizeof(s->reason), "to peer: 16 mismatched bytes\nat 0x40");
	strlist_add(&s->health, "DMAR: fault");
	s = run_report_add_step(&r);
	snprintf(s->name, sizeof(s->name), "mmio");
	s->verdict = VERDICT_SKIP;
	snprintf(s->reason, sizeof(s->reason), "no DMA_ATTR_MMIO");
	run_report_add_finding(&r, "resource", "DMAR: fault");
	run_report_add_finding(&r, NULL, "WARNING: at p2pdma.c:1");

	assert_int_equal(ktap_open(&k, temp_dir, r.n_steps + 1), 0);
	for (size_t i = 0; i < r.n_steps; i++)
		ktap_step(&k, i + 1, &r.steps[i]);
	char *live, *made = ktap_finish_and_remake(&k, &r, &live);
	assert_string_equal(made, live);
	ASSERT_CONTAINS(made, "# map-cost mmio 4K: map 1200 +- 60 ns (cv 5.0 % > 3 %, "
			  "flagged), unmap 960 +- 12 ns (cv 1.5 %), trace pass\n",
			"# map-cost iova-link 2M: skipped: method iova-link: "
			  "this kernel lacks it\n");
	free(made);
	free(live);
}

/*
 * `expect methods-agree` is decided once every step ran: the live ktap.txt
 * then turns a passed step into a failure or a skip, and must still say
 * what the KTAP made from result.json says.
 */
static void test_ktap_amended_after_the_last_step(void **state)
{
	static const char *const names[] = { "mmio", "resource", "again" };
	struct run_report r;
	struct ktap k;

	(void)state;
	live_run_init(&r, "amend");
	for (size_t i = 0; i < 3; i++)
		snprintf(run_report_add_step(&r)->name, SCENARIO_NAME_MAX, "%s", names[i]);

	assert_int_equal(ktap_open(&k, temp_dir, r.n_steps + 1), 0);
	for (size_t i = 0; i < r.n_steps; i++)
		ktap_step(&k, i + 1, &r.steps[i]);
	r.steps[1].verdict = VERDICT_FAIL;
	snprintf(r.steps[1].reason, sizeof(r.steps[1].reason), "expect methods-agree not met");
	r.steps[2].verdict = VERDICT_SKIP;
	snprintf(r.steps[2].reason, sizeof(r.steps[2].reason), "expect methods-agree: before 6.18");
	assert_int_equal(ktap_amend_test(&k, temp_dir, 2, VERDICT_FAIL, r.steps[1].reason), 0);
	assert_int_equal(ktap_amend_test(&k, temp_dir, 3, VERDICT_SKIP, r.steps[2].reason), 0);
	/* Only a test that passed can be amended. */
	assert_int_equal(ktap_amend_test(&k, temp_dir, 2, VERDICT_FAIL, "again"), -ENOENT);
	char *live, *made = ktap_finish_and_remake(&k, &r, &live);
	assert_string_equal(live, made);
	assert_non_null(strstr(live, "ok 1 mmio\n# expect methods-agree not met\nnot ok 2 resource\n"
				     "ok 3 again # SKIP expect methods-agree: before 6.18\nok 4 "
				     "kernel-health\n"));
	free(made);
	free(live);
}

static void test_ktap_failures_skips_and_host_checks(void **state)
{
	char *text = ktap_of(data_file("result-failing.json"));

	(void)state;
	assert_ktap_shape(text);
	/* 4 steps, kernel-health, 4 host checks. */
	assert_int_equal(strncmp(text, "KTAP version 1\n1..9\n", 20), 0);
	assert_non_null(strstr(text, "# to peer: 16 mismatched bytes <&\"'> at 0x40\n"
				     "# kernel: DMAR: [DMA Read NO_PASID] Request device [04:00.0] "
				     "fault\nnot ok 2 resource\n"));
	line_with(text, "ok 3 phys-vec # SKIP method phys-vec: not supported by this kernel "
			"(EOPNOTSUPP)\n");
	assert_non_null(strstr(text, "# resource: DMAR: [DMA Read NO_PASID] Request device "
				     "[04:00.0] fault\n# outside any step: WARNING:"));
	line_with(text, "not ok 5 kernel-health\n");
	assert_non_null(strstr(text, "# the guest ended: done\nok 6 host-guest-outcome\n"));
	line_with(text, "ok 7 host-guest-machine # SKIP no guest-facts.env: the guest never "
			"reported its machine\n");
	ASSERT_CONTAINS(text, "# oracle: 4096 bytes differ in the BAR's backing\n"
			  "# first mismatch at BAR offset 0x1000\n"
			  "# expected 0x5eed0001's pattern\n"
			  "not ok 8 host-oracle\n",
			"# exit code 1, as the steps' verdicts say\n"
			  "ok 9 host-runner-exit\n");
	/* A step's figures precede its result line. */
	ASSERT_CONTAINS(text, "# timings, mean: map 11737 ns (n 33), unmap 5558 ns "
			  "(n 33)\nok 1 mmio\n",
			"# rdma write 64K: avg 68.4 MiB/s, peak 108.9 MiB/s, "
			  "latency p99 1194158 ns, verified\nok 4 write-host\n");
	free(text);
}

static void test_ktap_incomplete_run(void **state)
{
	char *hang = ktap_of(data_file("result-nvme-p2p-copy-hang.json"));
	const char *json = "{\"format\": 1, \"scenario\": \"x\", \"complete\": false,"
			   " \"error\": \"cannot open /dev/p2prig:\\nno such device\","
			   " \"steps\": [{\"name\": \"a\", \"result\": \"skip\","
			   " \"reason\": \"first\\nsecond\\r\\nthird\"}],"
			   " \"health\": {\"watched\": false, \"reason\": null, \"findings\": []}}";
	char *older = ktap_of(temp_file("result-incomplete.json", json));

	(void)state;
	assert_ktap_shape(hang);
	assert_int_equal(strncmp(hang, "KTAP version 1\n1..6\n# run incomplete: hang\n", 43), 0);
	line_with(hang, "not ok 4 host-guest-outcome\n");
	line_with(hang, "not ok 6 host-runner-exit\n");
	/* Without the host's word, the runner is all that is known to have stopped. */
	assert_ktap_shape(older);
	assert_string_equal(older, "KTAP version 1\n"
				   "1..2\n"
				   "# run incomplete: runner did not finish\n"
				   "# error: cannot open /dev/p2prig: no such device\n"
				   "ok 1 a # SKIP first second  third\n"
				   "ok 2 kernel-health # SKIP not watched\n");
	free(hang);
	free(older);
}

static void test_junit_counts_agree(void **state)
{
	char *one = junit_of_one(data_file("result-failing.json"));
	const char *const several[] = { strdup(data_file("result-2node-server.json")),
					strdup(data_file("result-2node-client.json")),
					strdup(data_file("result-nvme-p2p-copy-hang.json")),
					strdup(data_file("result-rdma-dmabuf-7.3.4.json")) };
	char *many = junit_of(several, 4);

	(void)state;
	assert_counts_agree(one);
	assert_int_equal(strncmp(one, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39), 0);
	assert_non_null(strstr(one, "<testsuites name=\"p2prig\" tests=\"9\" failures=\"3\" "
				    "errors=\"0\" skipped=\"2\">"));
	assert_counts_agree(many);
	/* 2 + 2 + 7 (3 tests, 3 checks, run-complete) + 4 */
	assert_int_equal(attribute_number(strstr(many, "<testsuites "), "tests"), 15);
	assert_int_equal(count(many, NULL, "<testsuite "), 4);
	for (size_t i = 0; i < 4; i++)
		free((char *)several[i]);
	free(one);
	free(many);
}

static void test_junit_reasons_and_escaping(void **state)
{
	char *xml = junit_of_one(data_file("result-failing.json"));

	(void)state;
	ASSERT_CONTAINS(xml, "<testcase classname=\"p2prig.failing\" name=\"phys-vec\">\n"
			  "      <skipped message=\"method phys-vec: not supported by this "
			  "kernel (EOPNOTSUPP)\"/>\n",
			"<failure message=\"to peer: 16 mismatched bytes "
			  "&lt;&amp;&quot;&apos;&gt; at 0x40\" type=\"step\">kernel: DMAR: "
			  "[DMA Read NO_PASID] Request device [04:00.0] fault\n"
			  "expect verified: not met: 16 bytes wrong to peer</failure>");
	/* A met expectation is no part of the failure. */
	assert_null(strstr(xml, "dma-address iova: not met"));
	ASSERT_CONTAINS(xml, "name=\"host-oracle\">\n      <failure message=\"oracle: "
			  "4096 bytes differ in the BAR&apos;s backing\" type=\"host\">"
			  "first mismatch at BAR offset 0x1000\n"
			  "expected 0x5eed0001&apos;s pattern</failure>",
			"name=\"host-guest-machine\">\n      <skipped message=\"no "
			  "guest-facts.env: the guest never reported its machine\"/>",
			"<failure message=\"2 unexpected kernel lines\" "
			  "type=\"kernel-health\">resource: DMAR");
	/* The BEL in a kernel line is no XML character. */
	ASSERT_CONTAINS(xml, "p2pdma.c:1 ?bell</failure>",
			"<system-out>rdma write 64K: avg 68.4 MiB/s",
			"<property name=\"host.exit_code\" value=\"1\"/>",
			"timestamp=\"2026-11-24T23:03:47\" time=\"32\"");
	free(xml);
}

static void test_junit_incomplete_run(void **state)
{
	char *xml = junit_of_one(data_file("result-nvme-p2p-copy-hang.json"));

	(void)state;
	ASSERT_CONTAINS(xml, "<testcase classname=\"p2prig.nvme-p2p-copy\" "
			  "name=\"run-complete\">\n      <error message=\"run incomplete: "
			  "hang\" type=\"incomplete\"/>",
			"<testsuite name=\"nvme-p2p-copy\" tests=\"7\" "
			  "failures=\"2\" errors=\"1\" skipped=\"0\" "
			  "timestamp=\"2026-11-24T22:16:09\">",
			"<property name=\"complete\" value=\"false\"/>",
			"<property name=\"host.outcome\" value=\"hang\"/>");
	free(xml);
}

static void test_junit_two_nodes(void **state)
{
	const char *const both[] = { strdup(data_file("result-2node-server.json")),
				     strdup(data_file("result-2node-client.json")) };
	char *xml = junit_of(both, 2);

	(void)state;
	assert_counts_agree(xml);
	ASSERT_CONTAINS(xml, "<testsuite name=\"rdma-2node.server\" tests=\"2\"",
			"<testsuite name=\"rdma-2node.client\" tests=\"2\"",
			"classname=\"p2prig.rdma-2node.client\" name=\"kernel-health\""
			  ">\n      <skipped message=\"cannot open /dev/kmsg: Permission "
			  "denied\"/>",
			"<property name=\"node\" value=\"server\"/>");
	free((char *)both[0]);
	free((char *)both[1]);
	free(xml);
}

/* Well-formed UTF-8 with no control character XML 1.0 forbids. */
static void assert_xml_characters(const char *xml)
{
	const unsigned char *p = (const unsigned char *)xml;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;

		assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
		assert_true(*p < 0x80 || (*p >= 0xc2 && *p <= 0xf4));
		for (size_t i = 1; i < n; i++)
			assert_int_equal(p[i] & 0xc0, 0x80);
		if (n == 3)
			assert_false(p[0] == 0xed && p[1] >= 0xa0);	/* a surrogate */
		p += n;
	}
}

static void test_junit_text_xml_cannot_hold(void **state)
{
	/* Raw bytes: 0xff, an overlong '/', a surrogate, then é and € as they should be. */
	const char *json = "{\"format\": 2, \"scenario\": \"bytes\", \"complete\": true,"
			   " \"steps\": [{\"name\": \"s\", \"result\": \"skip\", \"reason\":"
			   " \"a\xff b\xc0\xaf c\xed\xa0\x80 d\\u0001e\\tf\\ng \xc3\xa9 \xe2\x82\xac\"}],"
			   " \"health\": {\"watched\": true, \"reason\": null, \"findings\": []}}";
	const char *path = temp_file("result-bytes.json", json);
	char *xml = junit_of_one(path);
	char *ktap = ktap_of(path);

	(void)state;
	assert_xml_characters(xml);
	assert_non_null(strstr(xml, "<skipped message=\"a? b?? c??? d?e&#9;f&#10;g \xc3\xa9 "
				    "\xe2\x82\xac\"/>"));
	line_with(ktap, "ok 1 s # SKIP a\xff b\xc0\xaf c\xed\xa0\x80 d\001e\tf g \xc3\xa9 ");
	free(xml);
	free(ktap);
}

static void assert_refused(const char *path, const char *expected)
{
	struct result_view v;
	char why[512], want[1024];

	assert_int_equal(result_view_load(&v, path, why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, expected);
	if (strncmp(why, want, strlen(want)) != 0)
		fail_msg("refused with \"%s\", expected \"%s...\"", why, want);
	assert_null(v.root);
}

static void test_not_a_result_json(void **state)
{
	char missing[128];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nowhere.json", temp_dir);
	assert_refused(missing, "cannot read: No such file or directory");
	assert_refused(temp_file("empty.json", ""), "not JSON: ");
	assert_refused(temp_file("garbage.json", "<html>"), "not JSON: ");
	assert_refused(temp_file("two.json", "{\"format\": 1} {}"),
		       "not JSON: more text after the value, at byte 14");
	assert_refused(temp_file("array.json", "[1, 2]"), "not a result.json: not a JSON object");
	assert_refused(temp_file("fio.json", "{\"fio version\": \"fio-3.39\", \"jobs\": []}"),
		       "not a result.json: no \"format\"");
	assert_refused(temp_file("future.json", "{\"format\": 99, \"steps\": []}"),
		       "result.json format 99; this runner reads formats 1 to");
	assert_refused(temp_file("nosteps.json", "{\"format\": 1, \"scenario\": \"x\"}"),
		       "not a result.json: no \"steps\" array");
	assert_refused(temp_file("nohealth.json", "{\"format\": 1, \"scenario\": \"x\", "
				 "\"complete\": true, \"steps\": []}"),
		       "not a result.json: no \"health\" object");
	assert_refused(temp_file("badresult.json", "{\"format\": 1, \"scenario\": \"x\", "
				 "\"complete\": true, \"steps\": [{\"name\": \"a\", \"result\": "
				 "\"maybe\"}], \"health\": {\"watched\": true, \"findings\": []}}"),
		       "steps[0] (a): \"result\" is \"maybe\", not pass, fail or skip");
	assert_refused(temp_file("badhost.json", "{\"format\": 1, \"scenario\": \"x\", "
				 "\"complete\": true, \"steps\": [], \"health\": {\"watched\": "
				 "true, \"findings\": []}, \"host\": {\"checks\": [{\"name\": "
				 "\"oracle\", \"result\": \"ok\"}]}}"),
		       "host.checks[0] (oracle): \"result\" is not pass, fail or skip");
}

/* Format 1 spelt RDMA's bandwidth bw_avg_mib_s, format 2 bw_avg_mibps: the same line. */
static void test_figure_lines(void **state)
{
	struct result_view v1, v2, copy;
	struct strlist a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	char why[512];

	(void)state;
	assert_int_equal(result_view_load(&v1, data_file("result-rdma-dmabuf-7.3.4.json"), why,
					  sizeof(why)), 0);
	assert_int_equal(result_view_load(&v2, data_file("result-2node-server.json"), why,
					  sizeof(why)), 0);
	assert_int_equal(result_view_load(&copy, data_file("result-nvme-p2p-copy-7.3.4.json"), why,
					  sizeof(why)), 0);
	result_figures(v1.steps[0].json, &a);
	result_figures(v2.steps[0].json, &b);
	assert_int_equal(a.n, 3);
	assert_int_equal(b.n, 2);
	assert_string_equal(a.items[0], "rdma write 4K: avg 59.6 MiB/s, peak 59.6 MiB/s, "
					"latency p99 65045 ns, verified");
	assert_string_equal(a.items[0], b.items[0]);
	strlist_free(&a);
	/* The skipped dma-buf step never measured a size. */
	result_figures(v1.steps[2].json, &a);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.items[2], "rdma write 1M: not measured");
	result_figures(copy.steps[0].json, &c);
	assert_int_equal(c.n, 12);
	assert_string_equal(c.items[0], "fio write-4K-qd1: 21.4 MiB/s, 5475.9 IOPS, "
					"clat p99 183296 ns");
	assert_string_equal(c.items[1], "fio read-4K-qd1: 23.7 MiB/s, 6059.2 IOPS, "
					"clat p99 168960 ns, verified");
	result_figures(copy.steps[2].json, &d);
	assert_int_equal(d.n, 10);
	assert_string_equal(d.items[0], "nvme-copy 4K qd1: 13.3 MiB/s, verified");
	strlist_free(&a);
	strlist_free(&b);
	strlist_free(&c);
	strlist_free(&d);
	result_view_free(&v1);
	result_view_free(&v2);
	result_view_free(&copy);
}

/* The figure lines are the same in both formats: KTAP's diagnostics, JUnit's system-out. */
static void test_same_figures_in_both(void **state)
{
	const char *path = data_file("result-nvme-p2p-copy-7.3.4.json");
	char *xml = junit_of_one(path);
	char *ktap = ktap_of(path);

	(void)state;
	assert_non_null(strstr(ktap, "# nvme-copy 1M qd16: 116.9 MiB/s, verified\n"
				     "ok 4 copy-ram\n"));
	assert_non_null(strstr(xml, "\nnvme-copy 1M qd16: 116.9 MiB/s, verified</system-out>"));
	assert_int_equal(count(ktap, NULL, "# fio "), count(xml, NULL, "fio "));
	assert_int_equal(count(ktap, NULL, "# nvme-copy "), count(xml, NULL, "nvme-copy "));
	free(xml);
	free(ktap);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(temp_dir, sizeof(temp_dir), "/tmp/p2prig-test-ktap-junit.XXXXXX");
	return mkdtemp(temp_dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_temp_files; i++) {
		unlink(temp_files[i]);
		free(temp_files[i]);
	}
	return rmdir(temp_dir);
}

UNIT_TEST_MAIN_WITH("ktap_junit", group_setup, group_teardown,
	cmocka_unit_test(test_ktap_as_the_guest_wrote_it),
	cmocka_unit_test(test_ktap_agrees_with_live_writer),
	cmocka_unit_test(test_ktap_amended_after_the_last_step),
	cmocka_unit_test(test_ktap_failures_skips_and_host_checks),
	cmocka_unit_test(test_ktap_incomplete_run),
	cmocka_unit_test(test_junit_counts_agree),
	cmocka_unit_test(test_junit_reasons_and_escaping),
	cmocka_unit_test(test_junit_incomplete_run),
	cmocka_unit_test(test_junit_two_nodes),
	cmocka_unit_test(test_junit_text_xml_cannot_hold),
	cmocka_unit_test(test_not_a_result_json),
	cmocka_unit_test(test_figure_lines),
	cmocka_unit_test(test_same_figures_in_both));
