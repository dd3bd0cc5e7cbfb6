// SPDX-License-Identifier: GPL-2.0
/* The run's report and its result.json. */
#include "result.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "kinds.h"
#include "uapi/p2prig.h"

const char *verdict_name(enum step_verdict verdict)
{
	switch (verdict) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_SKIP:
		return "skip";
	}
	return "?";
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

void run_report_free(struct run_report *r)
{
	for (size_t i = 0; i < r->n_steps; i++) {
		strlist_free(&r->steps[i].health);
		storage_io_report_free(r->steps[i].storage_io);
	}
	for (size_t i = 0; i < r->health.n_findings; i++) {
		free(r->health.findings[i].step);
		free(r->health.findings[i].line);
	}
	free(r->health.findings);
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

/* json-c helpers: NULL objects serialise as null. */

static json_object *text_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* Addresses as "0x..." strings: JSON readers lose integers above 2^53. */
static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static json_object *json_count(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

/* One decimal, so a mean reads 1234.5 rather than 1234.4999999999998. */
static json_object *rounded(double v)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.1f", v);
	return json_object_new_double_s(v, buf);
}

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

json_object *result_stats_json(const struct stats_summary *s)
{
	json_object *o = json_object_new_object();
	bool any = s->n > 0;

	add(o, "n", json_count(s->n));
	add(o, "min", any ? json_count(s->min) : NULL);
	add(o, "mean", any ? rounded(s->mean) : NULL);
	add(o, "stddev", any ? rounded(s->stddev) : NULL);
	add(o, "max", any ? json_count(s->max) : NULL);
	add(o, "p50", any ? json_count(s->p50) : NULL);
	add(o, "p99", any ? json_count(s->p99) : NULL);
	return o;
}

static json_object *provider_json(const struct provider_report *p)
{
	json_object *o = json_object_new_object();

	add(o, "name", text_or_null(p->name));
	add(o, "kind", text_or_null(p->kind));
	add(o, "pci", p->resolved ? json_object_new_string(p->pci) : NULL);
	add(o, "phys_addr", p->allocated ? hex(p->phys_addr) : NULL);
	add(o, "bus_addr", p->allocated ? hex(p->bus_addr) : NULL);
	add(o, "bar", p->allocated ? json_object_new_int((int)p->bar) : NULL);
	add(o, "bar_phys", p->allocated ? hex(p->bar_phys) : NULL);
	add(o, "bar_size", p->allocated ? json_count(p->bar_size) : NULL);
	return o;
}

static json_object *initiator_json(const struct initiator_report *i)
{
	json_object *o = json_object_new_object();

	add(o, "name", text_or_null(i->name));
	add(o, "kind", text_or_null(i->kind));
	add(o, "pci", i->resolved ? json_object_new_string(i->pci) : NULL);
	return o;
}

static json_object *direction_json(const struct direction_report *d)
{
	json_object *o = json_object_new_object();

	add(o, "bytes", json_count(d->bytes));
	add(o, "pieces", json_count(d->pieces));
	add(o, "mismatched_bytes", json_count(d->check.mismatched_bytes));
	add(o, "first_mismatch", d->check.has_mismatch ? json_count(d->check.first_mismatch) : NULL);
	return o;
}

static json_object *expectation_json(const struct expectation_report *e)
{
	json_object *o = json_object_new_object();

	add(o, "expect", json_object_new_string(e->expect));
	add(o, "value", text_or_null(e->value));
	add(o, "met", e->outcome == EXPECT_NOT_EVALUATED ? NULL
			: json_object_new_boolean(e->outcome == EXPECT_MET));
	add(o, "detail", text_or_null(e->detail));
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

	add(o, "oracle", oracle_state_json(r->state));
	add(o, "oracle_fill_seed", known ? hex(r->fill_seed) : NULL);
	add(o, "oracle_bar_offset", known ? hex(r->bar_offset) : NULL);
	add(o, "oracle_seed", known ? hex(r->seed) : NULL);
	add(o, "oracle_bytes", known ? json_count(s->bytes) : NULL);
	add(o, "oracle_verified", NULL);
	add(o, "oracle_mismatched_bytes", NULL);
	add(o, "oracle_first_mismatch", NULL);
}

static json_object *step_json(const struct step_report *s)
{
	json_object *o = json_object_new_object();

	add(o, "name", json_object_new_string(s->name));
	add(o, "action", json_object_new_string(s->action));
	add(o, "result", json_object_new_string(verdict_name(s->verdict)));
	add(o, "reason", text_or_null(s->reason));
	add(o, "provider", provider_json(&s->provider));
	add(o, "initiator", initiator_json(&s->initiator));
	add(o, "method", text_or_null(s->method));
	add(o, "dma_address", s->mapped ? hex(s->dma_address) : NULL);
	add(o, "dma_in_bar", s->mapped ? json_object_new_boolean(s->dma_in_bar) : NULL);
	add(o, "p2p_distance",
	    s->mapped || s->probed ? json_object_new_int(s->p2p_distance) : NULL);
	add(o, "map_type", s->probed ? json_object_new_string(map_type_name(s->map_type)) : NULL);
	add(o, "predicted_map_type",
	    s->probed ? json_object_new_string(map_type_name(s->predicted_map_type)) : NULL);
	add(o, "prediction", text_or_null(s->prediction));
	add(o, "dma_direct",
	    s->mapped ? json_object_new_boolean(s->dma_flags & P2PRIG_MAP_F_DIRECT) : NULL);
	add(o, "dma_bounced",
	    s->mapped ? json_object_new_boolean(s->dma_flags & P2PRIG_MAP_F_BOUNCED) : NULL);
	add(o, "refused", json_object_new_boolean(s->refused));
	if (s->dmabuf.used) {
		json_object *d = json_object_new_object();
		add(d, "exports", json_count(s->dmabuf.exports));
		add(d, "attaches", json_count(s->dmabuf.attaches));
		add(d, "detaches", json_count(s->dmabuf.detaches));
		add(d, "maps", json_count(s->dmabuf.maps));
		add(d, "unmaps", json_count(s->dmabuf.unmaps));
		add(d, "balanced", json_object_new_boolean(s->dmabuf.balanced));
		add(o, "dmabuf", d);
	}
	add(o, "refused_error", s->refused ? json_object_new_string(strerror(s->refused_errno)) : NULL);
	add(o, "bytes", json_count(s->bytes));
	add(o, "piece", json_count(s->piece));
	add(o, "offset", json_count(s->offset));
	add(o, "seed", hex(s->seed));
	add(o, "verified", json_object_new_boolean(s->verified));
	add(o, "to_peer", direction_json(&s->to_peer));
	add(o, "from_peer", direction_json(&s->from_peer));
	add_oracle(o, s);

	json_object *t = json_object_new_object();
	add(t, "map_ns", result_stats_json(&s->map_ns));
	add(t, "unmap_ns", result_stats_json(&s->unmap_ns));
	add(t, "to_peer_xfer_ns", result_stats_json(&s->to_peer_xfer_ns));
	add(t, "from_peer_xfer_ns", result_stats_json(&s->from_peer_xfer_ns));
	add(o, "timings", t);
	add(o, "rdma", s->rdma.used ? rdma_report_json(&s->rdma) : NULL);
	if (s->storage_io && strcmp(s->action, "fio") == 0)
		add(o, "fio", storage_fio_json(s->storage_io));
	if (s->storage_io && strcmp(s->action, "nvme-copy") == 0)
		add(o, "copy", storage_copy_json(s->storage_io));

	json_object *e = json_object_new_array();
	for (size_t i = 0; i < s->n_expectations; i++)
		json_object_array_add(e, expectation_json(&s->expectations[i]));
	add(o, "expectations", e);

	json_object *h = json_object_new_array();
	for (size_t i = 0; i < s->health.n; i++)
		json_object_array_add(h, json_object_new_string(s->health.items[i]));
	add(o, "health", h);
	return o;
}

static json_object *health_json(const struct run_report *r)
{
	const struct health_report *h = &r->health;
	json_object *o = json_object_new_object();

	add(o, "clean", json_object_new_boolean(run_report_health_clean(r)));
	add(o, "watched", json_object_new_boolean(h->watched));
	add(o, "reason", h->watched ? NULL : text_or_null(h->why));
	json_object *f = json_object_new_array();
	for (size_t i = 0; i < h->n_findings; i++) {
		json_object *one = json_object_new_object();
		add(one, "step", text_or_null(h->findings[i].step));
		add(one, "line", json_object_new_string(h->findings[i].line));
		json_object_array_add(f, one);
	}
	add(o, "findings", f);
	return o;
}

static json_object *report_json(const struct run_report *r)
{
	json_object *o = json_object_new_object();
	char when[32];

	add(o, "format", json_object_new_int(RESULT_FORMAT));
	add(o, "scenario", text_or_null(r->scenario));
	add(o, "description", text_or_null(r->description));
	add(o, "file", text_or_null(r->file));
	add(o, "rig", text_or_null(r->rig));
	add(o, "topology", text_or_null(r->topology));
	add(o, "config", text_or_null(r->config));
	add(o, "node", text_or_null(r->node));
	add(o, "peer", text_or_null(r->peer));
	add(o, "kernel", text_or_null(r->kernel));
	result_format_time(r->started, when, sizeof(when));
	add(o, "started", json_object_new_string(when));
	if (r->finished) {
		result_format_time(r->finished, when, sizeof(when));
		add(o, "finished", json_object_new_string(when));
	} else {
		add(o, "finished", NULL);
	}
	add(o, "complete", json_object_new_boolean(r->complete));
	add(o, "error", text_or_null(r->error));

	json_object *steps = json_object_new_array();
	for (size_t i = 0; i < r->n_steps; i++)
		json_object_array_add(steps, step_json(&r->steps[i]));
	add(o, "steps", steps);
	add(o, "health", health_json(r));
	add(o, "doctor", r->doctor ? json_object_get(r->doctor) : NULL);

	struct run_counts c = run_report_counts(r);
	json_object *summary = json_object_new_object();
	add(summary, "passed", json_count(c.passed));
	add(summary, "failed", json_count(c.failed));
	add(summary, "skipped", json_count(c.skipped));
	add(o, "summary", summary);
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
