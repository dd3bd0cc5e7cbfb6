// SPDX-License-Identifier: GPL-2.0
/* fio and nvme-copy steps in result.json. */
#include "actions/storage/storage_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "util/array_size.h"
#include "util/json_write.h"
#include "util/zalloc.h"

#define MIB (1024.0 * 1024.0)

struct storage_io_report *storage_io_report_new(void)
{
	return zalloc_or_abort(sizeof(struct storage_io_report));
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

static json_object *storage_ref_json(const struct storage_ref_report *s)
{
	json_object *o = json_object_new_object();
	bool r = s->resolved;

	jw_add(o, "name", jw_text(s->name));
	jw_add(o, "selector", jw_text(s->selector));
	jw_add(o, "nsid", json_object_new_int64(s->nsid));
	jw_add(o, "scratch", json_object_new_boolean(s->scratch));
	jw_add(o, "device", r ? jw_text(s->device) : NULL);
	jw_add(o, "controller", r ? jw_text(s->controller) : NULL);
	jw_add(o, "pci", r ? jw_text(s->pci) : NULL);
	jw_add(o, "serial", r ? jw_text(s->serial) : NULL);
	jw_add(o, "namespace_bytes", r ? jw_count(s->namespace_bytes) : NULL);
	jw_add(o, "lba_bytes", r ? jw_count(s->lba_bytes) : NULL);
	jw_add(o, "region_offset", jw_count(s->region_offset));
	jw_add(o, "region_bytes", r || s->region_bytes ? jw_count(s->region_bytes) : NULL);
	return o;
}

static json_object *buffer_json(const struct io_buffer_report *b)
{
	json_object *o = json_object_new_object();

	jw_add(o, "name", jw_text(b->name));
	jw_add(o, "kind", json_object_new_string(b->peer ? "p2pmem" : "ram"));
	jw_add(o, "pci", b->peer ? jw_text(b->pci) : NULL);
	jw_add(o, "path", b->peer ? jw_text(b->path) : NULL);
	return o;
}

static json_object *check_json(json_object *o, const struct pattern_check *c)
{
	jw_add(o, "mismatched_bytes", jw_count(c->mismatched_bytes));
	jw_add(o, "first_mismatch", c->has_mismatch ? jw_count(c->first_mismatch) : NULL);
	return o;
}

static json_object *job_json(const struct io_job_report *j, const char *engine, const char *buffer)
{
	json_object *o = json_object_new_object();
	bool ran = j->ran, clat = ran && j->has_clat;

	jw_add(o, "name", json_object_new_string(j->name));
	jw_add(o, "rw", json_object_new_string(j->write ? "write" : "read"));
	jw_add(o, "bs", jw_count(j->bs));
	jw_add(o, "iodepth", jw_count(j->iodepth));
	jw_add(o, "buffer", jw_text(buffer));
	jw_add(o, "engine", json_object_new_string(engine));
	jw_add(o, "offset", jw_count(j->offset));
	jw_add(o, "bytes", ran ? jw_count(j->bytes) : NULL);
	jw_add(o, "bw_bytes_per_s", ran ? jw_count(j->bw_bytes_per_s) : NULL);
	jw_add(o, "bw_mibps", ran ? jw_decimal((double)j->bw_bytes_per_s / MIB, 1) : NULL);
	jw_add(o, "iops", ran ? jw_decimal(j->iops, 1) : NULL);
	jw_add(o, "clat_mean_ns", clat ? jw_decimal(j->clat_mean_ns, 1) : NULL);
	jw_add(o, "clat_p50_ns", clat ? jw_count(j->clat_p50_ns) : NULL);
	jw_add(o, "clat_p99_ns", clat ? jw_count(j->clat_p99_ns) : NULL);
	jw_add(o, "clat_p99_9_ns", clat ? jw_count(j->clat_p99_9_ns) : NULL);
	jw_add(o, "elapsed_ns", ran && j->elapsed_ns ? jw_count(j->elapsed_ns) : NULL);
	jw_add(o, "io_ns", ran && j->io_ns ? jw_count(j->io_ns) : NULL);
	jw_add(o, "pattern_ns", ran && j->io_ns ? jw_count(j->pattern_ns) : NULL);
	jw_add(o, "error", json_object_new_int(j->error));
	jw_add(o, "error_text", j->error ? json_object_new_string(strerror(j->error)) : NULL);
	jw_add(o, "verified", j->verify_checked ? json_object_new_boolean(j->verified) : NULL);
	return o;
}

json_object *storage_fio_json(const struct storage_io_report *r)
{
	const struct fio_report *f = &r->fio;
	const char *engine = f->fallback ? "p2prig-loop" : fio_engine_name(f->requested);
	/* What the fio that ran says of itself, and where its own report is. */
	const struct jw_text_field fio[] = {
		{ "fio_version", f->version }, { "command", f->command },
		{ "fio_json", f->json_file },
	};
	json_object *o = json_object_new_object();
	json_object *jobs = json_object_new_array();

	jw_add(o, "engine", json_object_new_string(engine));
	jw_add(o, "requested_engine", json_object_new_string(fio_engine_name(f->requested)));
	jw_add(o, "fallback_reason", f->fallback ? jw_text(f->fallback_reason) : NULL);
	jw_add_texts(o, fio, ARRAY_SIZE(fio));
	jw_add(o, "rw", json_object_new_string(fio_rw_name(f->rw)));
	jw_add(o, "size", jw_count(f->size));
	jw_add(o, "storage", storage_ref_json(&r->storage));
	jw_add(o, "buffer", buffer_json(&r->buffer));
	for (size_t i = 0; i < f->n_jobs; i++)
		json_object_array_add(jobs, job_json(&f->jobs[i], engine, r->buffer.name));
	jw_add(o, "jobs", jobs);
	return o;
}

static json_object *combo_json(const struct copy_combo_report *c)
{
	const struct jw_count_field figures[] = {
		{ "bs", c->bs }, { "iodepth", c->iodepth }, { "from_offset", c->from_offset },
		{ "to_offset", c->to_offset }, { "bytes", c->bytes },
	};
	json_object *o = jw_add_counts(json_object_new_object(), figures, ARRAY_SIZE(figures));

	jw_add(o, "elapsed_ns", c->copied ? jw_count(c->elapsed_ns) : NULL);
	jw_add(o, "mibps",
	       c->copied ? jw_decimal(storage_mibps(c->bytes, c->elapsed_ns), 1) : NULL);
	jw_add(o, "verified", json_object_new_boolean(c->checked && !c->check.has_mismatch &&
						      !c->error[0]));
	if (c->checked)
		check_json(o, &c->check);
	else
		jw_add(o, "mismatched_bytes", NULL);
	jw_add(o, "seed_mismatched_bytes",
	       c->seed_checked ? jw_count(c->seed_mismatched_bytes) : NULL);
	jw_add(o, "error", jw_text(c->error));
	return o;
}

static json_object *region_json(const struct bar_region *r)
{
	json_object *o = json_object_new_object();

	jw_add(o, "bar_offset", jw_hex(r->bar_offset));
	jw_add(o, "from_offset", jw_count(r->from_offset));
	jw_add(o, "bytes", jw_count(r->bytes));
	return o;
}

static json_object *regions_json(const struct copy_report *c)
{
	json_object *o = json_object_new_object();

	jw_add(o, "bar", json_object_new_int(c->bar));
	jw_add(o, "bar_start", jw_hex(c->bar_start));
	JW_ADD_ARRAY(o, "regions", c->regions, c->n_regions, region_json);
	return o;
}

json_object *storage_copy_json(const struct storage_io_report *r)
{
	const struct copy_report *c = &r->copy;
	json_object *o = json_object_new_object();

	jw_add(o, "engine", json_object_new_string("p2prig-loop"));
	jw_add(o, "from", storage_ref_json(&r->storage));
	jw_add(o, "to", storage_ref_json(&r->to));
	jw_add(o, "buffer", buffer_json(&r->buffer));
	jw_add(o, "size", jw_count(c->size));
	jw_add(o, "seed", c->has_seed ? jw_hex(c->seed) : NULL);
	JW_ADD_ARRAY(o, "combinations", c->combos, c->n_combos, combo_json);
	jw_add(o, "bar_regions", c->regions_known ? regions_json(c) : NULL);
	jw_add(o, "bar_regions_reason", c->regions_known ? NULL : jw_text(c->regions_why));
	return o;
}
