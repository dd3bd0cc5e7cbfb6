// SPDX-License-Identifier: GPL-2.0
/* A map-cost step's figures: repeats summarised, CV flagged, and their JSON. */
#include "actions/map-cost/map_cost_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "system/dma_trace.h"
#include "util/array_size.h"
#include "util/json_write.h"
#include "util/names.h"
#include "util/zalloc.h"
#include "scenario/kinds.h"
#include "actions/map-cost/map_cost_kbench.h"

struct map_cost_report *map_cost_report_new(void)
{
	return zalloc_or_abort(sizeof(struct map_cost_report));
}

void map_cost_report_free(struct map_cost_report *r)
{
	if (r)
		free(r->kbench);
	free(r);
}

struct repeat_figure repeat_figure_of(const double *values, size_t n)
{
	struct repeat_figure f = { .repeats = n };
	double sum = 0, squares = 0;

	if (n == 0)
		return f;
	for (size_t i = 0; i < n; i++)
		sum += values[i];
	f.mean_ns = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		squares += (values[i] - f.mean_ns) * (values[i] - f.mean_ns);
	f.stddev_ns = n > 1 ? sqrt(squares / (double)(n - 1)) : 0.0;
	f.cv_percent = f.mean_ns > 0 ? 100.0 * f.stddev_ns / f.mean_ns : 0.0;
	f.cv_flagged = f.cv_percent > MAP_COST_CV_LIMIT_PERCENT;
	return f;
}

void map_cost_entry_summarise(struct map_cost_entry *e)
{
	double map[MAP_COST_MAX_REPEATS], unmap[MAP_COST_MAX_REPEATS];
	size_t n = 0;

	for (size_t i = 0; i < e->n_repeats; i++) {
		if (e->repeats[i].map.n == 0)
			continue;	/* a repeat that timed nothing has no mean */
		map[n] = (double)e->repeats[i].map.mean_ns;
		unmap[n] = (double)e->repeats[i].unmap.mean_ns;
		n++;
	}
	e->map = repeat_figure_of(map, n);
	e->unmap = repeat_figure_of(unmap, n);
}

const char *map_cost_outcome_name(enum map_cost_outcome o)
{
	static const char *const names[] = {
		[MAP_COST_NOT_RUN] = "not run", [MAP_COST_MEASURED] = "measured",
		[MAP_COST_SKIPPED] = "skipped", [MAP_COST_FAILED] = "failed",
	};

	return name_of(names, ARRAY_SIZE(names), o, "?");
}

static const char *expect_attrs_name(enum dma_trace_attrs a)
{
	switch (a) {
	case DMA_TRACE_ATTRS_ANY:
		return "any";
	case DMA_TRACE_ATTRS_MMIO:
		return "MMIO";
	case DMA_TRACE_ATTRS_NO_MMIO:
		return "no MMIO";
	case DMA_TRACE_ATTRS_NO_EVENTS:
		return "no events";
	}
	return "?";
}

static json_object *figures_json(const struct bench_figures *f)
{
	const struct jw_count_field figures[] = {
		{ "n", f->n }, { "min_ns", f->min_ns }, { "mean_ns", f->mean_ns },
		{ "stddev_ns", f->stddev_ns }, { "p50_ns", f->p50_ns }, { "p99_ns", f->p99_ns },
		{ "max_ns", f->max_ns },
	};

	return jw_add_counts(json_object_new_object(), figures, ARRAY_SIZE(figures));
}

static json_object *repeat_json(const struct bench_repeat *r)
{
	json_object *o = json_object_new_object();

	jw_add(o, "map", figures_json(&r->map));
	jw_add(o, "unmap", figures_json(&r->unmap));
	jw_add(o, "elapsed_ns", jw_count(r->elapsed_ns));
	jw_add(o, "first_error", json_object_new_int(r->first_error));
	jw_add(o, "interrupted", json_object_new_boolean(r->interrupted));
	return o;
}

json_object *map_cost_figure_json(const struct repeat_figure *f)
{
	json_object *o = json_object_new_object();
	bool any = f->repeats > 0;

	jw_add(o, "repeats", jw_count(f->repeats));
	jw_add(o, "mean_ns", any ? jw_decimal(f->mean_ns, 1) : NULL);
	jw_add(o, "stddev_ns", any ? jw_decimal(f->stddev_ns, 1) : NULL);
	jw_add(o, "cv_percent", any ? jw_decimal(f->cv_percent, 2) : NULL);
	jw_add(o, "cv_flagged", json_object_new_boolean(f->cv_flagged));
	return o;
}

static json_object *trace_json(const struct map_cost_trace *t)
{
	json_object *o = json_object_new_object();

	jw_add(o, "result", jw_text(!t->ran ? "not run" : t->passed ? "pass" : "fail"));
	jw_add(o, "expect_attrs", jw_text(expect_attrs_name(t->expect)));
	jw_add(o, "calls", jw_count(t->calls));
	dma_trace_tally_json(o, &t->tally);
	jw_add(o, "detail", jw_text(t->verdict));
	return o;
}

static json_object *entry_json(const struct map_cost_entry *e)
{
	json_object *o = json_object_new_object();

	jw_add(o, "method", jw_text(map_cost_method_info(e->method)->name));
	jw_add(o, "granule_bytes", jw_count(e->granule));
	jw_add(o, "map_type", e->n_repeats ? jw_text(map_type_name(e->map_type)) : NULL);
	jw_add(o, "route", e->n_repeats ? jw_text(route_name(e->route)) : NULL);
	jw_add(o, "result", jw_text(map_cost_outcome_name(e->outcome)));
	jw_add(o, "reason", e->reason[0] ? jw_text(e->reason) : NULL);
	jw_add(o, "map", map_cost_figure_json(&e->map));
	jw_add(o, "unmap", map_cost_figure_json(&e->unmap));
	JW_ADD_ARRAY(o, "repeats", e->repeats, e->n_repeats, repeat_json);
	jw_add(o, "trace", trace_json(&e->trace));
	return o;
}

json_object *map_cost_json(const struct map_cost_report *r)
{
	const struct map_cost_params *m = &r->params;
	json_object *o = json_object_new_object();
	json_object *trace = json_object_new_object();

	jw_add(o, "provider", r->provider[0] ? jw_text(r->provider) : NULL);
	jw_add(o, "ram", r->ram[0] ? jw_text(r->ram) : NULL);
	jw_add(o, "initiator", jw_text(r->initiator));
	jw_add(o, "initiator_pci", r->initiator_pci[0] ? jw_text(r->initiator_pci) : NULL);
	jw_add(o, "threads", jw_count(m->threads));
	jw_add(o, "iterations", m->iterations ? jw_count(m->iterations) : NULL);
	jw_add(o, "seconds", m->seconds ? jw_count(m->seconds) : NULL);
	jw_add(o, "dir", jw_text(map_cost_dir_name(m->dir)));
	jw_add(o, "repeats", jw_count(m->repeats));
	jw_add(o, "cv_limit_percent", jw_decimal(MAP_COST_CV_LIMIT_PERCENT, 1));
	jw_add(o, "warmup_repeats", jw_count(MAP_COST_WARMUP_REPEATS));
	jw_add(o, "flagged", jw_count(r->flagged));

	jw_add(trace, "used", json_object_new_boolean(r->trace_used));
	jw_add(trace, "events", r->trace_events[0] ? jw_text(r->trace_events) : NULL);
	jw_add(trace, "file", r->trace_file[0] ? jw_text(r->trace_file) : NULL);
	jw_add(trace, "note", r->trace_note[0] ? jw_text(r->trace_note) : NULL);
	jw_add(o, "trace", trace);

	JW_ADD_ARRAY(o, "entries", r->entries, r->n_entries, entry_json);
	if (r->kbench)
		jw_add(o, "kernel_bench", kbench_json(r->kbench));
	return o;
}
