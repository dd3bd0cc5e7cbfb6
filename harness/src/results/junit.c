// SPDX-License-Identifier: GPL-2.0
/*
 * JUnit XML from result.json. Each suite's testcases are written to memory
 * first and counted as each <failure>, <error> or <skipped> is written, so
 * the counts on <testsuite> and <testsuites> are those of the elements
 * below them by construction, never a second reckoning that could differ.
 */
#include "results/junit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/array_size.h"
#include "util/json_read.h"
#include "results/ktap.h"
#include "results/result_figures.h"

struct junit_counts {
	size_t tests, failures, errors, skipped;
};

struct suite {
	FILE *f;			/* the testcases, in memory */
	char *body;
	size_t body_size;
	struct junit_counts counts;
	char name[256];			/* "SCENARIO" or "SCENARIO.NODE" */
	char classname[272];		/* "p2prig." name */
};

/* XML 1.0 holds no overlong form, surrogate, U+FFFE or U+FFFF: those are invalid here too. */
static size_t utf8_length(const unsigned char *p)
{
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* the terminating NUL stops here too */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * TEXT as character data, or as an attribute value, where a newline or tab
 * is written as a reference so the parser keeps it. Control characters XML
 * cannot hold and bytes that are not UTF-8 become '?': a kernel line or a
 * device's string must not make the document unreadable.
 */
/*
 * How C is written in XML text, or NULL when it is written as itself; an
 * attribute value also escapes newlines and tabs, which XML would fold.
 */
static const char *xml_entity(unsigned char c, bool attribute)
{
	static const struct {
		unsigned char c;
		const char *in_text, *in_attribute;
	} entities[] = {
		{ '&', "&amp;", "&amp;" }, { '<', "&lt;", "&lt;" }, { '>', "&gt;", "&gt;" },
		{ '"', "&quot;", "&quot;" }, { '\'', "&apos;", "&apos;" },
		{ '\n', "\n", "&#10;" }, { '\t', "\t", "&#9;" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(entities); i++)
		if (entities[i].c == c)
			return attribute ? entities[i].in_attribute : entities[i].in_text;
	return NULL;
}

static void xml_text(FILE *f, const char *text, bool attribute)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");

	while (*p) {
		size_t n = utf8_length(p);

		if (n == 0) {
			fputc('?', f);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		const char *entity = xml_entity(*p, attribute);

		if (entity)
			fputs(entity, f);
		else
			fputc(*p < 0x20 ? '?' : *p, f);
		p++;
	}
}

static void attribute(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_text(f, value, true);
	fputc('"', f);
}

static void testcase_open(struct suite *s, const char *name)
{
	fputs("    <testcase", s->f);
	attribute(s->f, "classname", s->classname);
	attribute(s->f, "name", name);
	fputs(">\n", s->f);
	s->counts.tests++;
}

static void testcase_close(struct suite *s)
{
	fputs("    </testcase>\n", s->f);
}

/* <ELEMENT message= type=>LINES</ELEMENT>; TYPE may be NULL, LINES empty. */
static void element(struct suite *s, const char *name, const char *message, const char *type,
		    const struct strlist *lines)
{
	fprintf(s->f, "      <%s", name);
	if (message)
		attribute(s->f, "message", message);
	if (type)
		attribute(s->f, "type", type);
	if (!lines || !lines->n) {
		fputs("/>\n", s->f);
		return;
	}
	fputc('>', s->f);
	for (size_t i = 0; i < lines->n; i++) {
		xml_text(s->f, lines->items[i], false);
		if (i + 1 < lines->n)
			fputc('\n', s->f);
	}
	fprintf(s->f, "</%s>\n", name);
}

static void put_skipped(struct suite *s, const char *reason)
{
	element(s, "skipped", reason[0] ? reason : "no reason given", NULL, NULL);
	s->counts.skipped++;
}

static void put_failure(struct suite *s, const char *reason, const char *type,
			const struct strlist *lines)
{
	element(s, "failure", reason[0] ? reason : "failed", type, lines);
	s->counts.failures++;
}

static void put_system_out(struct suite *s, const struct strlist *lines)
{
	if (lines->n)
		element(s, "system-out", NULL, NULL, lines);
}

static void add_labelled(struct strlist *lines, const char *label, const char *text)
{
	char *line;

	if (asprintf(&line, "%s: %s", label, text) < 0)
		abort();
	strlist_add(lines, line);
	free(line);
}

/* "expect dma-address iova: not met: DETAIL" for each expectation judged unmet. */
static void unmet_expectations(json_object *step, struct strlist *lines)
{
	json_object *all = json_field(step, "expectations");
	size_t n = json_length(all);

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(all, i);
		json_object *met = json_field(e, "met");
		const char *expect = json_text(e, "expect", "?");
		const char *value = json_text(e, "value", NULL);
		char label[128];

		if (!json_object_is_type(met, json_type_boolean) || json_object_get_boolean(met))
			continue;
		snprintf(label, sizeof(label), "expect %s%s%s: not met", expect,
			 value ? " " : "", value ? value : "");
		add_labelled(lines, label, json_text(e, "detail", "no detail"));
	}
}

static void step_case(struct suite *s, const struct result_step *step)
{
	struct strlist figures = { 0 }, why = { 0 };

	testcase_open(s, step->name);
	if (step->verdict == VERDICT_SKIP)
		put_skipped(s, step->reason);
	if (step->verdict == VERDICT_FAIL) {
		for (size_t i = 0; i < step->health.n; i++)
			add_labelled(&why, "kernel", step->health.items[i]);
		unmet_expectations(step->json, &why);
		put_failure(s, step->reason, "step", &why);
	}
	result_figures(step->json, &figures);
	put_system_out(s, &figures);
	testcase_close(s);
	strlist_free(&figures);
	strlist_free(&why);
}

/* As ktap_health_report() judges it: unwatched is a skip, any finding a failure. */
static void health_case(struct suite *s, const struct health_report *h)
{
	struct strlist lines = { 0 };
	char message[64];

	testcase_open(s, KTAP_HEALTH_TEST);
	if (!h->watched && h->n_findings == 0)
		put_skipped(s, h->why[0] ? h->why : "not watched");
	for (size_t i = 0; i < h->n_findings; i++)
		add_labelled(&lines, h->findings[i].step ? h->findings[i].step
			     : "outside any step", h->findings[i].line);
	if (h->n_findings) {
		snprintf(message, sizeof(message), "%zu unexpected kernel line%s", h->n_findings,
			 h->n_findings == 1 ? "" : "s");
		put_failure(s, message, "kernel-health", &lines);
	}
	testcase_close(s);
	strlist_free(&lines);
}

static void check_case(struct suite *s, const struct result_check *c)
{
	struct strlist out = { 0 };

	testcase_open(s, c->test);
	if (c->verdict == VERDICT_SKIP)
		put_skipped(s, c->reason);
	if (c->verdict == VERDICT_FAIL)
		put_failure(s, c->reason, "host", &c->details);
	if (c->verdict == VERDICT_PASS && c->reason[0])
		strlist_add(&out, c->reason);
	for (size_t i = 0; c->verdict != VERDICT_FAIL && i < c->details.n; i++)
		strlist_add(&out, c->details.items[i]);
	put_system_out(s, &out);
	testcase_close(s);
	strlist_free(&out);
}

static void incomplete_case(struct suite *s, const struct result_view *v)
{
	struct strlist text = { 0 };
	char message[512];

	snprintf(message, sizeof(message), "run incomplete: %s%s%s",
		 result_view_incomplete_why(v), v->error ? ": " : "", v->error ? v->error : "");
	if (v->error)
		strlist_add(&text, v->error);
	testcase_open(s, JUNIT_INCOMPLETE_TEST);
	element(s, "error", message, "incomplete", &text);
	s->counts.errors++;
	testcase_close(s);
	strlist_free(&text);
}

static int suite_body(struct suite *s, const struct result_view *v)
{
	s->f = open_memstream(&s->body, &s->body_size);
	if (!s->f)
		return -1;
	for (size_t i = 0; i < v->n_steps; i++)
		step_case(s, &v->steps[i]);
	health_case(s, &v->health);
	for (size_t i = 0; i < v->n_checks; i++)
		check_case(s, &v->checks[i]);
	if (!v->complete)
		incomplete_case(s, v);
	return fclose(s->f) ? -1 : 0;
}

static void counts_attributes(FILE *out, const struct junit_counts *c)
{
	fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", c->tests,
		c->failures, c->errors, c->skipped);
}

/* JUnit's timestamp has no zone: result.json's times are UTC, the Z is dropped. */
static void time_attributes(FILE *out, const struct result_view *v)
{
	time_t started, finished;
	char when[32];

	if (!result_time_parse(v->started, &started))
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime(&started));
	attribute(out, "timestamp", when);
	if (result_time_parse(v->finished, &finished) && finished >= started)
		fprintf(out, " time=\"%lld\"", (long long)(finished - started));
}

static void put_property(FILE *out, const char *name, json_object *value)
{
	if (!value)
		return;
	fputs("      <property", out);
	attribute(out, "name", name);
	attribute(out, "value", json_object_get_string(value));
	fputs("/>\n", out);
}

static void put_properties(FILE *out, const struct result_view *v)
{
	static const char *const top[] = { "format", "scenario", "config", "rig", "kernel",
					   "topology", "node", "complete", "error" };
	static const char *const host[] = { "outcome", "exit_code", "verdict" };
	char name[32];

	fputs("    <properties>\n", out);
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		put_property(out, top[i], json_field(v->root, top[i]));
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		snprintf(name, sizeof(name), "host.%s", host[i]);
		put_property(out, name, json_field(v->host, host[i]));
	}
	fputs("    </properties>\n", out);
}

static void write_suite(FILE *out, const struct suite *s, const struct result_view *v)
{
	fputs("  <testsuite", out);
	attribute(out, "name", s->name);
	counts_attributes(out, &s->counts);
	time_attributes(out, v);
	fputs(">\n", out);
	put_properties(out, v);
	fwrite(s->body, 1, s->body_size, out);
	fputs("  </testsuite>\n", out);
}

static void suite_names(struct suite *s, const struct result_view *v)
{
	snprintf(s->name, sizeof(s->name), "%s%s%s", v->scenario, v->node ? "." : "",
		 v->node ? v->node : "");
	snprintf(s->classname, sizeof(s->classname), "p2prig.%s", s->name);
}

int junit_write(FILE *out, const struct result_view *v, size_t n)
{
	struct suite *suites = calloc(n ? n : 1, sizeof(*suites));
	struct junit_counts all = { 0 };
	int rc = 0;

	if (!suites)
		abort();
	for (size_t i = 0; i < n && !rc; i++) {
		suite_names(&suites[i], &v[i]);
		rc = suite_body(&suites[i], &v[i]);
		all.tests += suites[i].counts.tests;
		all.failures += suites[i].counts.failures;
		all.errors += suites[i].counts.errors;
		all.skipped += suites[i].counts.skipped;
	}
	if (!rc) {
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
		fputs("<testsuites name=\"p2prig\"", out);
		counts_attributes(out, &all);
		fputs(">\n", out);
		for (size_t i = 0; i < n; i++)
			write_suite(out, &suites[i], &v[i]);
		fputs("</testsuites>\n", out);
		rc = fflush(out) || ferror(out) ? -1 : 0;
	}
	for (size_t i = 0; i < n; i++)
		free(suites[i].body);
	free(suites);
	return rc;
}
