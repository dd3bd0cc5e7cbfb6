// SPDX-License-Identifier: GPL-2.0
/*
 * result.json read back for `p2prig ktap` and `p2prig junit`. Whatever a
 * report counts is checked here first, so a file that is not a result.json
 * is refused with what is wrong in it, never turned into a report that
 * looks clean because a field it needed was missing.
 */
#include "results/result_view.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"

/* A result.json with the doctor's findings is some 100 KiB; anything this big is not one. */
#define RESULT_VIEW_MAX_BYTES (64u << 20)

static int problem(char *why, size_t size, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, size, "%s: ", path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < size)
		vsnprintf(why + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void *must(void *p)
{
	if (!p)
		abort();
	return p;
}

/* The whole file, NUL-terminated; NULL with WHY set. */
static char *read_text(const char *path, size_t *len, char *why, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0;
	char *text;

	if (!f) {
		problem(why, size, path, "cannot read: %s", strerror(errno));
		return NULL;
	}
	text = must(malloc(cap));
	for (;;) {
		n += fread(text + n, 1, cap - n - 1, f);
		if (ferror(f) || feof(f) || cap >= RESULT_VIEW_MAX_BYTES)
			break;
		cap *= 2;
		text = must(realloc(text, cap));
	}
	if (ferror(f) || !feof(f)) {
		if (ferror(f))
			problem(why, size, path, "cannot read: %s", strerror(errno));
		else
			problem(why, size, path, "over %u MiB: not a result.json",
				RESULT_VIEW_MAX_BYTES >> 20);
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	*len = n;
	return text;
}

/* One JSON value and nothing but blanks after it. */
static json_object *parse(const char *path, const char *text, size_t len, char *why,
			  size_t size)
{
	struct json_tokener *tok = must(json_tokener_new());
	json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	if (!root) {
		problem(why, size, path, "not JSON: %s",
			err == json_tokener_continue ? "it ends before its first value does"
			: json_tokener_error_desc(err));
		return NULL;
	}
	end += strspn(text + end, " \t\r\n");
	if (end < len) {
		json_object_put(root);
		problem(why, size, path, "not JSON: more text after the value, at byte %zu", end);
		return NULL;
	}
	return root;
}

static bool parse_verdict(const char *text, enum step_verdict *out)
{
	static const enum step_verdict all[] = { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP };

	for (size_t i = 0; text && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(text, verdict_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

/* OBJ[KEY] when absent, null or a string; false when it is something else. */
static bool optional_text(json_object *obj, const char *key, const char **out)
{
	json_object *v = json_field(obj, key);

	*out = json_object_get_string(v);
	return !v || json_object_is_type(v, json_type_string);
}

/* OBJ[KEY], an array of strings, into LIST; absent or null is empty. */
static bool string_list(json_object *obj, const char *key, struct strlist *list)
{
	json_object *a = json_field(obj, key);
	size_t n = json_length(a);

	if (a && !json_object_is_type(a, json_type_array))
		return false;
	for (size_t i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(a, i);

		if (!json_object_is_type(item, json_type_string))
			return false;
		strlist_add(list, json_object_get_string(item));
	}
	return true;
}

static int load_step(struct result_view *v, size_t i, char *why, size_t size)
{
	json_object *o = json_object_array_get_idx(json_field(v->root, "steps"), i);
	struct result_step *s = &v->steps[i];
	const char *result;

	if (!json_object_is_type(o, json_type_object))
		return problem(why, size, v->path, "steps[%zu] is not an object", i);
	s->json = o;
	s->name = json_text(o, "name", NULL);
	s->action = json_text(o, "action", "");
	result = json_text(o, "result", NULL);
	if (!s->name || !s->name[0])
		return problem(why, size, v->path, "steps[%zu] has no \"name\"", i);
	if (!parse_verdict(result, &s->verdict))
		return problem(why, size, v->path, "steps[%zu] (%s): \"result\" is %s%s%s, "
			       "not pass, fail or skip", i, s->name, result ? "\"" : "",
			       result ? result : "missing", result ? "\"" : "");
	if (!optional_text(o, "reason", &s->reason))
		return problem(why, size, v->path, "steps[%zu] (%s): \"reason\" is not a string",
			       i, s->name);
	if (!string_list(o, "health", &s->health))
		return problem(why, size, v->path, "steps[%zu] (%s): \"health\" is not a list "
			       "of kernel lines", i, s->name);
	if (!s->reason)
		s->reason = "";
	return 0;
}

static int load_health(struct result_view *v, char *why, size_t size)
{
	json_object *h = json_field(v->root, "health");
	json_object *findings = json_field(h, "findings");
	const char *reason;
	size_t n;

	if (!json_object_is_type(h, json_type_object) ||
	    !json_object_is_type(json_field(h, "watched"), json_type_boolean) ||
	    !json_object_is_type(findings, json_type_array) || !optional_text(h, "reason", &reason))
		return problem(why, size, v->path, "not a result.json: no \"health\" object with "
			       "\"watched\" and \"findings\"");
	v->health.watched = json_flag(h, "watched");
	snprintf(v->health.why, sizeof(v->health.why), "%s", reason ? reason : "");
	n = json_object_array_length(findings);
	v->health.findings = must(calloc(n ? n : 1, sizeof(*v->health.findings)));
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *line = json_text(f, "line", NULL), *step;

		if (!line || !optional_text(f, "step", &step))
			return problem(why, size, v->path, "health.findings[%zu] has no \"line\"",
				       i);
		v->health.findings[i].line = must(strdup(line));
		v->health.findings[i].step = step ? must(strdup(step)) : NULL;
		v->health.n_findings++;
	}
	return 0;
}

static int load_check(struct result_view *v, json_object *o, size_t i, char *why, size_t size)
{
	struct result_check *c = &v->checks[i];
	const char *result = json_text(o, "result", NULL);

	c->name = json_text(o, "name", NULL);
	if (!json_object_is_type(o, json_type_object) || !c->name || !c->name[0])
		return problem(why, size, v->path, "host.checks[%zu] has no \"name\"", i);
	if (!parse_verdict(result, &c->verdict))
		return problem(why, size, v->path, "host.checks[%zu] (%s): \"result\" is not pass, "
			       "fail or skip", i, c->name);
	if (!optional_text(o, "reason", &c->reason) || !string_list(o, "details", &c->details))
		return problem(why, size, v->path, "host.checks[%zu] (%s): \"reason\" or "
			       "\"details\" is not text", i, c->name);
	if (!c->reason)
		c->reason = "";
	if (asprintf(&c->test, "%s%s", RESULT_HOST_TEST_PREFIX, c->name) < 0)
		abort();
	return 0;
}

/* The host's verdict on the run, written after the guest ended; absent in older files. */
static int load_host(struct result_view *v, char *why, size_t size)
{
	json_object *host = json_field(v->root, "host");
	json_object *checks = json_field(host, "checks");

	if (!host)
		return 0;
	if (!json_object_is_type(host, json_type_object))
		return problem(why, size, v->path, "\"host\" is not an object");
	if (!optional_text(host, "outcome", &v->host_outcome))
		return problem(why, size, v->path, "host.outcome is not a string");
	if (checks && !json_object_is_type(checks, json_type_array))
		return problem(why, size, v->path, "host.checks is not a list");
	v->host = host;
	v->n_checks = checks ? json_object_array_length(checks) : 0;
	v->checks = must(calloc(v->n_checks ? v->n_checks : 1, sizeof(*v->checks)));
	for (size_t i = 0; i < v->n_checks; i++)
		if (load_check(v, json_object_array_get_idx(checks, i), i, why, size))
			return -1;
	return 0;
}

static int load_run(struct result_view *v, char *why, size_t size)
{
	json_object *root = v->root, *steps = json_field(root, "steps");
	json_object *format = json_field(root, "format");

	if (!json_object_is_type(root, json_type_object))
		return problem(why, size, v->path, "not a result.json: not a JSON object");
	if (!json_object_is_type(format, json_type_int))
		return problem(why, size, v->path, "not a result.json: no \"format\"");
	/* Format 2 renamed fields only (rdma's bandwidth); both are read. */
	if (json_object_get_int64(format) < 1 || json_object_get_int64(format) > RESULT_FORMAT)
		return problem(why, size, v->path, "result.json format %lld; this runner reads "
			       "formats 1 to %d", (long long)json_object_get_int64(format),
			       RESULT_FORMAT);
	if (!json_object_is_type(steps, json_type_array))
		return problem(why, size, v->path, "not a result.json: no \"steps\" array");
	v->scenario = json_text(root, "scenario", NULL);
	if (!v->scenario || !v->scenario[0])
		return problem(why, size, v->path, "not a result.json: no \"scenario\"");
	if (!json_object_is_type(json_field(root, "complete"), json_type_boolean))
		return problem(why, size, v->path, "not a result.json: no \"complete\"");
	v->complete = json_flag(root, "complete");
	if (!optional_text(root, "node", &v->node) || !optional_text(root, "error", &v->error) ||
	    !optional_text(root, "started", &v->started) ||
	    !optional_text(root, "finished", &v->finished))
		return problem(why, size, v->path, "node, error, started or finished is not a "
			       "string");
	if (v->error && !v->error[0])
		v->error = NULL;
	v->n_steps = json_object_array_length(steps);
	v->steps = must(calloc(v->n_steps ? v->n_steps : 1, sizeof(*v->steps)));
	for (size_t i = 0; i < v->n_steps; i++)
		if (load_step(v, i, why, size))
			return -1;
	if (load_health(v, why, size))
		return -1;
	return load_host(v, why, size);
}

int result_view_load(struct result_view *v, const char *path, char *why, size_t why_size)
{
	size_t len;
	char *text;

	memset(v, 0, sizeof(*v));
	v->path = path;
	text = read_text(path, &len, why, why_size);
	if (!text)
		return -1;
	v->root = parse(path, text, len, why, why_size);
	free(text);
	if (!v->root || load_run(v, why, why_size)) {
		result_view_free(v);
		return -1;
	}
	return 0;
}

void result_view_free(struct result_view *v)
{
	for (size_t i = 0; v->steps && i < v->n_steps; i++)
		strlist_free(&v->steps[i].health);
	for (size_t i = 0; v->checks && i < v->n_checks; i++) {
		strlist_free(&v->checks[i].details);
		free(v->checks[i].test);
	}
	health_report_free(&v->health);
	free(v->steps);
	free(v->checks);
	if (v->root)
		json_object_put(v->root);
	memset(v, 0, sizeof(*v));
}

size_t result_view_tests(const struct result_view *v)
{
	return v->n_steps + 1 + v->n_checks;
}

/* A guest that ended as "done" says nothing about why the runner in it stopped short. */
const char *result_view_incomplete_why(const struct result_view *v)
{
	if (v->host_outcome && v->host_outcome[0] && strcmp(v->host_outcome, "done") != 0)
		return v->host_outcome;
	return "runner did not finish";
}

bool result_time_parse(const char *text, time_t *t)
{
	struct tm tm = { 0 };
	int n = 0;

	if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
			    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 20 || strlen(text) != 20)
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return true;
}
