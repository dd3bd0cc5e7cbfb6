// SPDX-License-Identifier: GPL-2.0
/* fio and nvme-copy steps in result.json. */
#include "storage_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#define MIB (1024.0 * 1024.0)

struct storage_io_report *storage_io_report_new(void)
{
	struct storage_io_report *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	return r;
}

void storage_io_report_free(struct storage_io_report *r)
{
	if (!r)
		return;
	free(r->fio.command);
	free(r->copy.regions);
	free(r);
}

double storage_mibps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / MIB / ((double)ns / 1e9) : 0.0;
}

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

static json_object *text_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *count(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

/* One decimal: 123.4 rather than 123.40000000000001. */
static json_object *rounded(double v)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.1f", v);
	return json_object_new_double_s(v, buf);
}

static json_object *storage_ref_json(const struct storage_ref_report *s)
{
	json_object *o = json_object_new_object();
	bool r = s->resolved;

	add(o, "name", text_or_null(s->name));
	add(o, "selector", text_or_null(s->selector));
	add(o, "nsid", json_object_new_int64(s->nsid));
	add(o, "scratch", json_object_new_boolean(s->scratch));
	add(o, "device", r ? text_or_null(s->device) : NULL);
	add(o, "controller", r ? text_or_null(s->controller) : NULL);
	add(o, "pci", r ? text_or_null(s->pci) : NULL);
	add(o, "serial", r ? text_or_null(s->serial) : NULL);
	add(o, "namespace_bytes", r ? count(s->namespace_bytes) : NULL);
	add(o, "lba_bytes", r ? count(s->lba_bytes) : NULL);
	add(o, "region_offset", count(s->region_offset));
	add(o, "region_bytes", r || s->region_bytes ? count(s->region_bytes) : NULL);
	return o;
}

static json_object *buffer_json(const struct io_buffer_report *b)
{
	json_object *o = json_object_new_object();

	add(o, "name", text_or_null(b->name));
	add(o, "kind", json_object_new_string(b->peer ? "p2pmem" : "ram"));
	add(o, "pci", b->peer ? text_or_null(b->pci) : NULL);
	add(o, "path", b->peer ? text_or_null(b->path) : NULL);
	return o;
}

static json_object *check_json(json_object *o, const struct pattern_check *c)
{
	add(o, "mismatched_bytes", count(c->mismatched_bytes));
	add(o, "first_mismatch", c->has_mismatch ? count(c->first_mismatch) : NULL);
	return o;
}

static json_object *job_json(const struct io_job_report *j, const char *engine, const char *buffer)
{
	json_object *o = json_object_new_object();
	bool ran = j->ran, clat = ran && j->has_clat;

	add(o, "name", json_object_new_string(j->name));
	add(o, "rw", json_object_new_string(j->write ? "write" : "read"));
	add(o, "bs", count(j->bs));
	add(o, "iodepth", count(j->iodepth));
	add(o, "buffer", text_or_null(buffer));
	add(o, "engine", json_object_new_string(engine));
	add(o, "offset", count(j->offset));
	add(o, "bytes", ran ? count(j->bytes) : NULL);
	add(o, "bw_bytes_per_s", ran ? count(j->bw_bytes_per_s) : NULL);
	add(o, "bw_mibps", ran ? rounded((double)j->bw_bytes_per_s / MIB) : NULL);
	add(o, "iops", ran ? rounded(j->iops) : NULL);
	add(o, "clat_mean_ns", clat ? rounded(j->clat_mean_ns) : NULL);
	add(o, "clat_p50_ns", clat ? count(j->clat_p50_ns) : NULL);
	add(o, "clat_p99_ns", clat ? count(j->clat_p99_ns) : NULL);
	add(o, "clat_p99_9_ns", clat ? count(j->clat_p99_9_ns) : NULL);
	add(o, "elapsed_ns", ran && j->elapsed_ns ? count(j->elapsed_ns) : NULL);
	add(o, "error", json_object_new_int(j->error));
	add(o, "error_text", j->error ? json_object_new_string(strerror(j->error)) : NULL);
	add(o, "verified", j->verify_checked ? json_object_new_boolean(j->verified) : NULL);
	return o;
}

json_object *storage_fio_json(const struct storage_io_report *r)
{
	const struct fio_report *f = &r->fio;
	const char *engine = f->fallback ? "p2prig-loop" : fio_engine_name(f->requested);
	json_object *o = json_object_new_object();
	json_object *jobs = json_object_new_array();

	add(o, "engine", json_object_new_string(engine));
	add(o, "requested_engine", json_object_new_string(fio_engine_name(f->requested)));
	add(o, "fallback_reason", f->fallback ? text_or_null(f->fallback_reason) : NULL);
	add(o, "fio_version", text_or_null(f->version));
	add(o, "command", text_or_null(f->command));
	add(o, "fio_json", text_or_null(f->json_file));
	add(o, "rw", json_object_new_string(fio_rw_name(f->rw)));
	add(o, "size", count(f->size));
	add(o, "storage", storage_ref_json(&r->storage));
	add(o, "buffer", buffer_json(&r->buffer));
	for (size_t i = 0; i < f->n_jobs; i++)
		json_object_array_add(jobs, job_json(&f->jobs[i], engine, r->buffer.name));
	add(o, "jobs", jobs);
	return o;
}

static json_object *combo_json(const struct copy_combo_report *c)
{
	json_object *o = json_object_new_object();

	add(o, "bs", count(c->bs));
	add(o, "iodepth", count(c->iodepth));
	add(o, "from_offset", count(c->from_offset));
	add(o, "to_offset", count(c->to_offset));
	add(o, "bytes", count(c->bytes));
	add(o, "elapsed_ns", c->copied ? count(c->elapsed_ns) : NULL);
	add(o, "mibps", c->copied ? rounded(storage_mibps(c->bytes, c->elapsed_ns)) : NULL);
	add(o, "verified", json_object_new_boolean(c->checked && !c->check.has_mismatch &&
						   !c->error[0]));
	if (c->checked)
		check_json(o, &c->check);
	else
		add(o, "mismatched_bytes", NULL);
	add(o, "seed_mismatched_bytes", c->seed_checked ? count(c->seed_mismatched_bytes) : NULL);
	add(o, "error", text_or_null(c->error));
	return o;
}

static json_object *regions_json(const struct copy_report *c)
{
	json_object *o = json_object_new_object();
	json_object *list = json_object_new_array();

	add(o, "bar", json_object_new_int(c->bar));
	add(o, "bar_start", hex(c->bar_start));
	for (size_t i = 0; i < c->n_regions; i++) {
		json_object *one = json_object_new_object();
		add(one, "bar_offset", hex(c->regions[i].bar_offset));
		add(one, "from_offset", count(c->regions[i].from_offset));
		add(one, "bytes", count(c->regions[i].bytes));
		json_object_array_add(list, one);
	}
	add(o, "regions", list);
	return o;
}

json_object *storage_copy_json(const struct storage_io_report *r)
{
	const struct copy_report *c = &r->copy;
	json_object *o = json_object_new_object();
	json_object *combos = json_object_new_array();

	add(o, "engine", json_object_new_string("p2prig-loop"));
	add(o, "from", storage_ref_json(&r->storage));
	add(o, "to", storage_ref_json(&r->to));
	add(o, "buffer", buffer_json(&r->buffer));
	add(o, "size", count(c->size));
	add(o, "seed", c->has_seed ? hex(c->seed) : NULL);
	for (size_t i = 0; i < c->n_combos; i++)
		json_object_array_add(combos, combo_json(&c->combos[i]));
	add(o, "combinations", combos);
	add(o, "bar_regions", c->regions_known ? regions_json(c) : NULL);
	add(o, "bar_regions_reason", c->regions_known ? NULL : text_or_null(c->regions_why));
	return o;
}
