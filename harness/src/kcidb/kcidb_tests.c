// SPDX-License-Identifier: GPL-2.0
/* A run's tests as KCIDB's: the run, its steps, kernel-health, the host's checks. */
#include "kcidb/kcidb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcidb/kcidb_kernel.h"
#include "util/json_read.h"

/* What every test of a run shares. */
struct run_tests {
	json_object *list;
	const struct result_view *v;
	const struct kcidb_context *ctx;
	char build_id[KCIDB_ID_MAX];
	char run_id[KCIDB_ID_MAX];	/* the run's test; its children add "/NAME" */
	char path[KCIDB_PATH_MAX];	/* p2prig.SCENARIO[.NODE] */
	char folder[512];		/* RUN or RUN/NODE: where result.json was */
};

json_object *kcidb_document(void)
{
	json_object *doc = json_object_new_object(), *version = json_object_new_object();

	json_object_object_add(version, "major", json_object_new_int(KCIDB_SCHEMA_MAJOR));
	json_object_object_add(version, "minor", json_object_new_int(KCIDB_SCHEMA_MINOR));
	json_object_object_add(doc, "version", version);
	json_object_object_add(doc, "checkouts", json_object_new_array());
	json_object_object_add(doc, "builds", json_object_new_array());
	json_object_object_add(doc, "tests", json_object_new_array());
	return doc;
}

/* The last LEVELS parts of the folder holding PATH: "RUN" or "RUN/server". */
static void folder_of(const char *path, int levels, char *out, size_t size)
{
	const char *end = strrchr(path, '/'), *start = end;

	if (!end) {
		snprintf(out, size, ".");
		return;
	}
	for (int i = 0; i < levels && start > path; i++)
		for (start--; start > path && start[-1] != '/'; start--)
			;
	snprintf(out, size, "%.*s", (int)(end - start), start);
}

/* TEXT, then LINES one a line, cut to the schema's limit on a character's boundary. */
static void add_excerpt(json_object *t, const char *text, const struct strlist *lines)
{
	size_t len = text && text[0] ? strlen(text) + 1 : 0, n = 0;
	char *buf;

	for (size_t i = 0; lines && i < lines->n; i++)
		len += strlen(lines->items[i]) + 1;
	buf = malloc(len + 1);
	if (!buf)
		abort();
	if (text && text[0])
		n += (size_t)sprintf(buf, "%s\n", text);
	for (size_t i = 0; lines && i < lines->n; i++)
		n += (size_t)sprintf(buf + n, "%s\n", lines->items[i]);
	buf[n] = '\0';
	if (n > KCIDB_LOG_EXCERPT_MAX) {
		/* Cut before the character that would cross the limit. */
		n = KCIDB_LOG_EXCERPT_MAX;
		while (n && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		buf[n] = '\0';
	}
	kcidb_add_text(t, "log_excerpt", buf);
	free(buf);
}

static json_object *environment(const struct run_tests *r)
{
	json_object *env = json_object_new_object(), *misc = json_object_new_object();
	const char *rig = json_text(r->v->root, "rig", NULL);
	const char *lab = r->ctx->lab ? r->ctx->lab : rig;
	char comment[256];

	kcidb_add_text(misc, "lab", lab);
	kcidb_add_text(misc, "rig", rig);
	kcidb_add_text(misc, "config", json_text(r->v->root, "config", NULL));
	kcidb_add_text(misc, "topology", json_text(r->v->root, "topology", NULL));
	kcidb_add_text(misc, "node", r->v->node);
	snprintf(comment, sizeof(comment), "lab %s, rig %s", lab ? lab : "unknown",
		 rig ? rig : "unknown");
	kcidb_add_text(env, "comment", comment);
	json_object_object_add(env, "misc", misc);
	return env;
}

/* A test with what every test of the run has; NAME NULL: the run itself. */
static json_object *new_test(const struct run_tests *r, const char *name, const char *path_tail,
			     const char *status, const char *reason)
{
	json_object *t = json_object_new_object(), *misc = json_object_new_object();
	char id[KCIDB_ID_MAX + 256], path[KCIDB_PATH_MAX];

	if (name)
		snprintf(id, sizeof(id), "%s/%s", r->run_id, name);
	else
		snprintf(id, sizeof(id), "%s", r->run_id);
	snprintf(path, sizeof(path), "%s", r->path);
	if (path_tail)
		kcidb_path_add(path, sizeof(path), path_tail);
	json_object_object_add(t, "id", json_object_new_string(id));
	json_object_object_add(t, "origin", json_object_new_string(r->ctx->origin));
	json_object_object_add(t, "build_id", json_object_new_string(r->build_id));
	json_object_object_add(t, "path", json_object_new_string(path));
	json_object_object_add(t, "status", json_object_new_string(status));
	if (kcidb_time_ok(r->v->started))
		json_object_object_add(t, "start_time", json_object_new_string(r->v->started));
	json_object_object_add(t, "environment", environment(r));
	kcidb_add_text(misc, "scenario", r->v->scenario);
	kcidb_add_text(misc, "run", r->folder);
	kcidb_add_text(misc, "night", r->ctx->night);
	kcidb_add_text(misc, "kernel_release", json_text(r->v->root, "kernel", NULL));
	kcidb_add_text(misc, "reason", reason);
	json_object_object_add(t, "misc", misc);
	json_object_array_add(r->list, t);
	return t;
}

static void add_misc(json_object *t, const char *key, json_object *value)
{
	json_object_object_add(json_field(t, "misc"), key, value);
}

const char *kcidb_run_status(const struct result_view *v)
{
	const char *verdict = json_text(v->host, "verdict", NULL);

	if (!v->complete)
		return "ERROR";
	if (verdict && strcmp(verdict, "fail") == 0)
		return "FAIL";
	if (verdict && strcmp(verdict, "skip") == 0)
		return "SKIP";
	if (verdict)
		return "PASS";
	/* Written before the host judged runs: the steps say it. */
	for (size_t i = 0; i < v->n_steps; i++)
		if (v->steps[i].verdict == VERDICT_FAIL)
			return "FAIL";
	return "PASS";
}

/* A skipped run's reason: "skipped: STEP, STEP" (its skipped steps and checks). */
static void skipped_steps(const struct result_view *v, char *reason, size_t size)
{
	size_t n = (size_t)snprintf(reason, size, "skipped:");

	for (size_t i = 0; i < v->n_steps && n < size; i++)
		if (v->steps[i].verdict == VERDICT_SKIP)
			n += (size_t)snprintf(reason + n, size - n, " %s,", v->steps[i].name);
	for (size_t i = 0; i < v->n_checks && n < size; i++)
		if (v->checks[i].verdict == VERDICT_SKIP)
			n += (size_t)snprintf(reason + n, size - n, " %s%s,",
					      RESULT_HOST_TEST_PREFIX, v->checks[i].name);
	if (n < size && reason[n - 1] == ',')
		reason[n - 1] = '\0';
}

/* The run as a whole: kcidb_run_status(), why it did not finish, how long it took. */
static void run_test(const struct run_tests *r)
{
	const struct result_view *v = r->v;
	const char *verdict = json_text(v->host, "verdict", NULL);
	char reason[512] = "";
	struct strlist lines = { 0 };
	time_t t0, t1;
	json_object *t;

	if (!v->complete)
		snprintf(reason, sizeof(reason), "run incomplete: %s",
			 result_view_incomplete_why(v));
	else if (strcmp(kcidb_run_status(v), "SKIP") == 0)
		skipped_steps(v, reason, sizeof(reason));
	if (v->error)
		strlist_add(&lines, v->error);
	t = new_test(r, NULL, NULL, kcidb_run_status(v), reason);
	add_excerpt(t, reason, &lines);
	strlist_free(&lines);
	kcidb_add_text(json_field(t, "misc"), "verdict", verdict);
	kcidb_add_text(json_field(t, "misc"), "outcome", v->host_outcome);
	if (json_has_number(v->host, "exit_code"))
		add_misc(t, "exit_code", json_object_new_int64(
				 json_object_get_int64(json_field(v->host, "exit_code"))));
	if (result_time_parse(v->started, &t0) && result_time_parse(v->finished, &t1) && t1 >= t0)
		json_object_object_add(t, "duration", json_object_new_int64(t1 - t0));
}

static void step_tests(const struct run_tests *r)
{
	for (size_t i = 0; i < r->v->n_steps; i++) {
		const struct result_step *s = &r->v->steps[i];
		json_object *t = new_test(r, s->name, s->name, kcidb_status(s->verdict), s->reason);

		kcidb_add_text(json_field(t, "misc"), "action", s->action);
		add_excerpt(t, s->reason, &s->health);
	}
}

/* As KTAP's kernel-health: a skip when the log was not watched, a failure per finding. */
static void health_test(const struct run_tests *r)
{
	const struct health_report *h = &r->v->health;
	struct strlist lines = { 0 };
	const char *status = "PASS", *reason = NULL;
	json_object *t;

	if (!h->watched && h->n_findings == 0) {
		status = "SKIP";
		reason = h->why[0] ? h->why : "not watched";
	} else if (h->n_findings) {
		status = "FAIL";
	}
	for (size_t i = 0; i < h->n_findings; i++) {
		char line[1024];

		snprintf(line, sizeof(line), "%s: %s",
			 h->findings[i].step ? h->findings[i].step : "outside any step",
			 h->findings[i].line);
		strlist_add(&lines, line);
	}
	t = new_test(r, "kernel-health", "kernel-health", status, reason);
	add_excerpt(t, reason, &lines);
	strlist_free(&lines);
}

static void check_tests(const struct run_tests *r)
{
	for (size_t i = 0; i < r->v->n_checks; i++) {
		const struct result_check *c = &r->v->checks[i];
		char name[256], tail[256];
		json_object *t;

		snprintf(name, sizeof(name), "host/%s", c->name);
		snprintf(tail, sizeof(tail), "host");
		kcidb_path_add(tail, sizeof(tail), c->name);
		t = new_test(r, name, tail, kcidb_status(c->verdict), c->reason);
		add_excerpt(t, c->reason, &c->details);
	}
}

void kcidb_add_run(json_object *doc, const struct result_view *v, const struct kcidb_context *ctx)
{
	struct run_tests r = { .list = json_field(doc, "tests"), .v = v, .ctx = ctx };
	char key[2048];

	kcidb_add_kernel(doc, v, ctx->origin, r.build_id, sizeof(r.build_id));
	folder_of(v->path, v->node ? 2 : 1, r.folder, sizeof(r.folder));
	snprintf(key, sizeof(key), "%s\n%s\n%s\n%s", v->started ? v->started : r.folder,
		 v->scenario, v->node ? v->node : "", json_text(v->root, "kernel", ""));
	kcidb_id(r.run_id, sizeof(r.run_id), ctx->origin, "run", key);
	kcidb_path_add(r.path, sizeof(r.path), KCIDB_SUITE);
	kcidb_path_add(r.path, sizeof(r.path), v->scenario);
	if (v->node)
		kcidb_path_add(r.path, sizeof(r.path), v->node);
	run_test(&r);
	step_tests(&r);
	health_test(&r);
	check_tests(&r);
}
