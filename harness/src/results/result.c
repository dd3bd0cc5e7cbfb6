// SPDX-License-Identifier: GPL-2.0
/* The run's report and its result.json. */
#include "results/result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "actions/action.h"
#include "util/json_write.h"
#include "scenario/kinds.h"
#include "uapi/p2prig.h"
#include "util/array_size.h"
#include "util/names.h"

const char *verdict_name(enum step_verdict verdict)
{
	static const char *const names[] = {
		[VERDICT_PASS] = "pass", [VERDICT_FAIL] = "fail", [VERDICT_SKIP] = "skip",
	};

	return name_of(names, ARRAY_SIZE(names), verdict, "?");
}

static char *dup_or_null(const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	if (s && !copy)
		abort();
	return copy;
}

void run_report_init(struct run_report *r, const char *scenario, const char *description,
		     const char *file, const char *rig, const char *topology, const char *kernel)
{
	memset(r, 0, sizeof(*r));
	r->scenario = dup_or_null(scenario);
	r->description = dup_or_null(description);
	r->file = dup_or_null(file);
	r->rig = dup_or_null(rig);
	r->topology = dup_or_null(topology);
	r->kernel = dup_or_null(kernel);
	r->started = time(NULL);
}

struct step_report *run_report_add_step(struct run_report *r)
{
	struct step_report *grown = realloc(r->steps, (r->n_steps + 1) * sizeof(*grown));

	if (!grown)
		abort();
	r->steps = grown;
	memset(&r->steps[r->n_steps], 0, sizeof(r->steps[0]));
	return &r->steps[r->n_steps++];
}

void run_report_add_finding(struct run_report *r, const char *step, const char *line)
{
	struct health_report *h = &r->health;
	struct health_finding *grown = realloc(h->findings, (h->n_findings + 1) * sizeof(*grown));

	if (!grown)
		abort();
	h->findings = grown;
	h->findings[h->n_findings++] = (struct health_finding){
		.step = dup_or_null(step),
		.line = dup_or_null(line),
	};
}

struct run_counts run_report_counts(const struct run_report *r)
{
	struct run_counts c = { 0 };

	for (size_t i = 0; i < r->n_steps; i++) {
		switch (r->steps[i].verdict) {
		case VERDICT_PASS:
			c.passed++;
			break;
		case VERDICT_FAIL:
			c.failed++;
			break;
		case VERDICT_SKIP:
			c.skipped++;
			break;
		}
	}
	return c;
}

bool run_report_health_clean(const struct run_report *r)
{
	return r->health.watched && r->health.n_findings == 0;
}

int run_report_exit_code(const struct run_report *r)
{
	struct run_counts c = run_report_counts(r);

	if (c.failed || r->health.n_findings || r->error[0])
		return 1;
	if (r->n_steps > 0 && c.skipped == r->n_steps)
		return 4;
	return 0;
}

void health_report_free(struct health_report *h)
{
	for (size_t i = 0; i < h->n_findings; i++) {
		free(h->findings[i].step);
		free(h->findings[i].line);
	}
	free(h->findings);
	h->findings = NULL;
	h->n_findings = 0;
}

void run_report_free(struct run_report *r)
{
	for (size_t i = 0; i < r->n_steps; i++) {
		strlist_free(&r->steps[i].health);
		strlist_free(&r->steps[i].notes);
		storage_io_report_free(r->steps[i].storage_io);
		map_cost_report_free(r->steps[i].map_cost);
	}
	health_report_free(&r->health);
	free(r->steps);
	free(r->scenario);
	free(r->description);
	free(r->file);
	free(r->rig);
	free(r->topology);
	free(r->config);
	free(r->node);
	free(r->peer);
	if (r->doctor)
		json_object_put(r->doctor);
	free(r->kernel);
	memset(r, 0, sizeof(*r));
}

void result_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_object *result_stats_json(const struct stats_summary *s)
{
	json_object *o = json_object_new_object();
	bool any = s->n > 0;

	jw_add(o, "n", jw_count(s->n));
	jw_add(o, "min", any ? jw_count(s->min) : NULL);
	jw_add(o, "mean", any ? jw_decimal(s->mean, 1) : NULL);
	jw_add(o, "stddev", any ? jw_decimal(s->stddev, 1) : NULL);
	jw_add(o, "max", any ? jw_count(s->max) : NULL);
	jw_add(o, "p50", any ? jw_count(s->p50) : NULL);
	jw_add(o, "p99", any ? jw_count(s->p99) : NULL);
	return o;
}

/* What a provider and an initiator both say first: name, kind, PCI function. */
static json_object *device_json(const char *name, const char *kind, bool resolved, const char *pci)
{
	json_object *o = json_object_new_object();

	jw_add(o, "name", jw_text(name));
	jw_add(o, "kind", jw_text(kind));
	jw_add(o, "pci", resolved ? json_object_new_string(pci) : NULL);
	return o;
}

static json_object *provider_json(const struct provider_report *p)
{
	json_object *o = device_json(p->name, p->kind, p->resolved, p->pci);

	jw_add(o, "phys_addr", p->allocated ? jw_hex(p->phys_addr) : NULL);
	jw_add(o, "bus_addr", p->allocated ? jw_hex(p->bus_addr) : NULL);
	jw_add(o, "bar", p->allocated ? json_object_new_int((int)p->bar) : NULL);
	jw_add(o, "bar_phys", p->allocated ? jw_hex(p->bar_phys) : NULL);
	jw_add(o, "bar_size", p->allocated ? jw_count(p->bar_size) : NULL);
	return o;
}

static json_object *initiator_json(const struct initiator_report *i)
{
	return device_json(i->name, i->kind, i->resolved, i->pci);
}

static json_object *direction_json(const struct direction_report *d)
{
	json_object *o = json_object_new_object();

	jw_add(o, "bytes", jw_count(d->bytes));
	jw_add(o, "pieces", jw_count(d->pieces));
	jw_add(o, "mismatched_bytes", jw_count(d->check.mismatched_bytes));
	jw_add(o, "first_mismatch",
	       d->check.has_mismatch ? jw_count(d->check.first_mismatch) : NULL);
	return o;
}

static json_object *expectation_json(const struct expectation_report *e)
{
	json_object *o = json_object_new_object();

	jw_add(o, "expect", json_object_new_string(e->expect));
	jw_add(o, "value", jw_text(e->value));
	bool decided = e->outcome == EXPECT_MET || e->outcome == EXPECT_UNMET;

	jw_add(o, "met", decided ? json_object_new_boolean(e->outcome == EXPECT_MET) : NULL);
	if (e->outcome == EXPECT_SKIPPED)
		jw_add(o, "skipped", json_object_new_boolean(true));
	jw_add(o, "detail", jw_text(e->detail));
	return o;
}

/* Names of enum oracle_state in result.json's "oracle"; the host's check writes "host". */
static json_object *oracle_state_json(enum oracle_state state)
{
	switch (state) {
	case ORACLE_NONE:
		break;
	case ORACLE_NOT_REACHED:
		return json_object_new_string(RESULT_ORACLE_NOT_REACHED);
	case ORACLE_PENDING:
		return json_object_new_string(RESULT_ORACLE_PENDING);
	}
	return NULL;
}

/* The guest's half of an oracle step; the host adds its verdict in place of the nulls. */
static void add_oracle(json_object *o, const struct step_report *s)
{
	const struct oracle_report *r = &s->oracle;
	/* A copy's oracle compares namespace images: no region of the BAR, no fill. */
	bool known = r->state != ORACLE_NONE && !s->storage_io;

	jw_add(o, "oracle", oracle_state_json(r->state));
	jw_add(o, "oracle_fill_seed", known ? jw_hex(r->fill_seed) : NULL);
	jw_add(o, "oracle_bar_offset", known ? jw_hex(r->bar_offset) : NULL);
	jw_add(o, "oracle_seed", known ? jw_hex(r->seed) : NULL);
	jw_add(o, "oracle_bytes", known ? jw_count(s->bytes) : NULL);
	jw_add(o, "oracle_verified", NULL);
	jw_add(o, "oracle_mismatched_bytes", NULL);
	jw_add(o, "oracle_first_mismatch", NULL);
}

/* timings.cold: the calls before the steady figures, never mixed into them. */
static json_object *cold_json(const struct cold_timings *c)
{
	json_object *o = json_object_new_object();
	json_object *calls = json_object_new_array();

	jw_add(o, "warmup", jw_count(c->warmup));
	jw_add(o, "own_map_ns", c->own_timed ? jw_count(c->own_map_ns) : NULL);
	jw_add(o, "own_unmap_ns", c->own_timed ? jw_count(c->own_unmap_ns) : NULL);
	jw_add(o, "map_ns", result_stats_json(&c->map_ns));
	jw_add(o, "unmap_ns", result_stats_json(&c->unmap_ns));
	for (size_t i = 0; i < c->n_first_map_calls; i++)
		json_object_array_add(calls, jw_count(c->first_map_calls_ns[i]));
	jw_add(o, "first_map_calls_ns", calls);
	return o;
}

/* A list of text lines as an array of strings. */
static json_object *lines_json(const struct strlist *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, json_object_new_string(l->items[i]));
	return a;
}

/* What an exporter and an importer did with a step's dma-buf, counted. */
static json_object *dmabuf_json(const struct step_report *s)
{
	const struct jw_count_field calls[] = {
		{ "exports", s->dmabuf.exports }, { "attaches", s->dmabuf.attaches },
		{ "detaches", s->dmabuf.detaches }, { "maps", s->dmabuf.maps },
		{ "unmaps", s->dmabuf.unmaps },
	};
	json_object *o = jw_add_counts(json_object_new_object(), calls, ARRAY_SIZE(calls));

	jw_add(o, "balanced", json_object_new_boolean(s->dmabuf.balanced));
	return o;
}

static json_object *step_json(const struct step_report *s)
{
	json_object *o = json_object_new_object();

	jw_add(o, "name", json_object_new_string(s->name));
	jw_add(o, "action", json_object_new_string(s->action));
	jw_add(o, "result", json_object_new_string(verdict_name(s->verdict)));
	jw_add(o, "reason", jw_text(s->reason));
	jw_add(o, "provider", provider_json(&s->provider));
	jw_add(o, "initiator", initiator_json(&s->initiator));
	jw_add(o, "method", jw_text(s->method));
	jw_add(o, "dma_address", s->mapped ? jw_hex(s->dma_address) : NULL);
	jw_add(o, "dma_in_bar", s->mapped ? json_object_new_boolean(s->dma_in_bar) : NULL);
	jw_add(o, "p2p_distance",
	       s->mapped || s->probed ? json_object_new_int(s->p2p_distance) : NULL);
	jw_add(o, "map_type",
	       s->probed ? json_object_new_string(map_type_name(s->map_type)) : NULL);
	jw_add(o, "predicted_map_type",
	       s->probed ? json_object_new_string(map_type_name(s->predicted_map_type)) : NULL);
	jw_add(o, "route", s->mapped && s->route != P2PRIG_ROUTE_NONE
				   ? json_object_new_string(route_name(s->route)) : NULL);
	jw_add(o, "predicted_route", s->probed && s->predicted_route != P2PRIG_ROUTE_NONE
					     ? json_object_new_string(route_name(s->predicted_route))
					     : NULL);
	jw_add(o, "prediction", jw_text(s->prediction));
	jw_add(o, "dma_direct",
	       s->mapped ? json_object_new_boolean(s->dma_flags & P2PRIG_MAP_F_DIRECT) : NULL);
	jw_add(o, "dma_bounced",
	       s->mapped ? json_object_new_boolean(s->dma_flags & P2PRIG_MAP_F_BOUNCED) : NULL);
	jw_add(o, "refused", json_object_new_boolean(s->refused));
	if (s->dmabuf.used)
		jw_add(o, "dmabuf", dmabuf_json(s));
	jw_add(o, "refused_error",
	       s->refused ? json_object_new_string(strerror(s->refused_errno)) : NULL);
	jw_add(o, "bytes", jw_count(s->bytes));
	jw_add(o, "piece", jw_count(s->piece));
	jw_add(o, "offset", jw_count(s->offset));
	jw_add(o, "seed", jw_hex(s->seed));
	jw_add(o, "verified", json_object_new_boolean(s->verified));
	jw_add(o, "to_peer", direction_json(&s->to_peer));
	jw_add(o, "from_peer", direction_json(&s->from_peer));
	add_oracle(o, s);

	json_object *t = json_object_new_object();
	jw_add(t, "map_ns", result_stats_json(&s->map_ns));
	jw_add(t, "unmap_ns", result_stats_json(&s->unmap_ns));
	jw_add(t, "to_peer_xfer_ns", result_stats_json(&s->to_peer_xfer_ns));
	jw_add(t, "from_peer_xfer_ns", result_stats_json(&s->from_peer_xfer_ns));
	if (strcmp(s->action, "transfer") == 0 || strcmp(s->action, "dmabuf") == 0)
		jw_add(t, "cold", cold_json(&s->cold));
	jw_add(o, "timings", t);
	/* Every step has "rdma", null but in rdma steps; the action fills its own in place. */
	jw_add(o, "rdma", NULL);
	const struct step_action_ops *ops = step_action_find(s->action);
	if (ops && ops->write_json)
		ops->write_json(s, o);
	if (s->trace.used || s->trace.note[0])
		jw_add(o, "trace", step_trace_json(&s->trace));

	JW_ADD_ARRAY(o, "expectations", s->expectations, s->n_expectations, expectation_json);
	jw_add(o, "health", lines_json(&s->health));
	jw_add(o, "notes", lines_json(&s->notes));
	return o;
}

static json_object *finding_json(const struct health_finding *f)
{
	json_object *o = json_object_new_object();

	jw_add(o, "step", jw_text(f->step));
	jw_add(o, "line", json_object_new_string(f->line));
	return o;
}

static json_object *health_json(const struct run_report *r)
{
	const struct health_report *h = &r->health;
	json_object *o = json_object_new_object();

	jw_add(o, "clean", json_object_new_boolean(run_report_health_clean(r)));
	jw_add(o, "watched", json_object_new_boolean(h->watched));
	jw_add(o, "reason", h->watched ? NULL : jw_text(h->why));
	JW_ADD_ARRAY(o, "findings", h->findings, h->n_findings, finding_json);
	return o;
}

static json_object *report_json(const struct run_report *r)
{
	json_object *o = json_object_new_object();
	char when[32];

	const struct jw_text_field run[] = {
		{ "scenario", r->scenario }, { "description", r->description }, { "file", r->file },
		{ "rig", r->rig }, { "topology", r->topology }, { "config", r->config },
		{ "node", r->node }, { "peer", r->peer }, { "kernel", r->kernel },
	};

	jw_add(o, "format", json_object_new_int(RESULT_FORMAT));
	jw_add_texts(o, run, ARRAY_SIZE(run));
	result_format_time(r->started, when, sizeof(when));
	jw_add(o, "started", json_object_new_string(when));
	if (r->finished) {
		result_format_time(r->finished, when, sizeof(when));
		jw_add(o, "finished", json_object_new_string(when));
	} else {
		jw_add(o, "finished", NULL);
	}
	jw_add(o, "complete", json_object_new_boolean(r->complete));
	jw_add(o, "error", jw_text(r->error));

	JW_ADD_ARRAY(o, "steps", r->steps, r->n_steps, step_json);
	jw_add(o, "health", health_json(r));
	jw_add(o, "doctor", r->doctor ? json_object_get(r->doctor) : NULL);

	struct run_counts c = run_report_counts(r);
	const struct jw_count_field summary[] = {
		{ "passed", c.passed }, { "failed", c.failed }, { "skipped", c.skipped },
	};
	jw_add(o, "summary", jw_add_counts(json_object_new_object(), summary, ARRAY_SIZE(summary)));
	return o;
}

int result_write_json_file(struct json_object *root, const char *path)
{
	char tmp[4096];
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;

	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	/* fsync before rename: a VM that is killed must not leave an empty file. */
	if (fputs(text, f) < 0 || fputc('\n', f) < 0 || fflush(f) || fsync(fileno(f)))
		rc = errno ? -errno : -EIO;
	if (fclose(f) && !rc)
		rc = errno ? -errno : -EIO;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int result_write_json(const struct run_report *r, const char *dir)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/%s", dir, RESULT_JSON_NAME) >= (int)sizeof(path))
		return -ENAMETOOLONG;

	json_object *root = report_json(r);
	int rc = result_write_json_file(root, path);

	json_object_put(root);
	return rc;
}
