// SPDX-License-Identifier: GPL-2.0
/* The dma trace around a transfer step, and its verdict. */
#include "run/step_trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "actions/action.h"
#include "system/dma_trace_read.h"
#include "system/dma_trace.h"
#include "util/json_write.h"
#include "actions/step.h"

bool step_trace_wanted(const struct scenario_step *step)
{
	const struct step_action_ops *ops = step_action_of(step);

	return ops && ops->traced;
}

static bool has_event(const char *name, void *data)
{
	return trace_instance_has_dma_event(data, name);
}

void step_trace_begin(struct step_trace *st, const struct scenario_step *step,
		      struct step_trace_report *r)
{
	/* The run's own instance: someone else's trace in the global one is left alone. */
	int rc = trace_instance_open(&st->trace);

	(void)step;
	memset(r, 0, sizeof(*r));
	if (rc) {
		snprintf(r->note, sizeof(r->note), "no tracefs instance (%s): nothing proven",
			 strerror(-rc));
		return;
	}
	if (!dma_event_set_choose(has_event, &st->trace, &st->events)) {
		snprintf(r->note, sizeof(r->note), "this kernel has no dma map trace events");
		trace_instance_close(&st->trace);
		return;
	}
	rc = trace_instance_enable(&st->trace, &st->events, true);
	if (!rc)
		rc = trace_instance_tracing(&st->trace, true);
	if (rc) {
		snprintf(r->note, sizeof(r->note), "tracefs: %s", strerror(-rc));
		trace_instance_close(&st->trace);
		return;
	}
	r->used = true;
	dma_event_set_text(&st->events, r->events, sizeof(r->events));
}

void step_trace_off(struct step_trace *st, struct step_trace_report *r)
{
	if (!r->used || r->off_while_timing)
		return;
	/* Events off too: a disabled tracepoint costs nothing, tracing_on=0 alone still calls it. */
	trace_instance_tracing(&st->trace, false);
	trace_instance_enable(&st->trace, &st->events, false);
	r->off_while_timing = true;
}

static enum dma_trace_attrs expected(const struct step_trace *st, const struct scenario_step *step)
{
	const char *m = step->transfer.method ? step->transfer.method->name : "";

	if (step->transfer.method && step->transfer.method->mmio_like)
		return st->events.phys ? DMA_TRACE_ATTRS_MMIO : DMA_TRACE_ATTRS_ANY;
	if (strcmp(m, "page") == 0)
		return DMA_TRACE_ATTRS_NO_MMIO;
	return DMA_TRACE_ATTRS_ANY;
}

/* Opens trace-STEP.txt for the trace; NULL (with the note) when it cannot. */
static FILE *keep(struct step_trace_report *r, const struct step_env *env,
		  const struct scenario_step *step)
{
	char path[4096];

	snprintf(r->file, sizeof(r->file), "trace-%s.txt", step->name);
	snprintf(path, sizeof(path), "%s/%s", env->out_dir ? env->out_dir : ".", r->file);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(r->note, sizeof(r->note), "cannot write %s: %s", r->file, strerror(errno));
		r->file[0] = '\0';
	}
	return f;
}

void step_trace_end(struct step_trace *st, const struct step_env *env,
		    const struct scenario_step *step, struct step_report *out)
{
	struct step_trace_report *r = &out->trace;
	enum dma_trace_attrs attrs = expected(st, step);
	static const char *const attrs_names[] = {
		[DMA_TRACE_ATTRS_ANY] = "any", [DMA_TRACE_ATTRS_MMIO] = "MMIO",
		[DMA_TRACE_ATTRS_NO_MMIO] = "no MMIO", [DMA_TRACE_ATTRS_NO_EVENTS] = "no events",
	};

	if (!r->used) {
		trace_instance_close(&st->trace);
		return;
	}
	trace_instance_tracing(&st->trace, false);
	trace_instance_enable(&st->trace, &st->events, false);
	FILE *f = keep(r, env, step);
	const char *device = env->initiators[step->transfer.initiator].pci_text;
	int rc = dma_trace_read(&st->trace, device, f, &r->tally);
	bool kept = f && fclose(f) == 0 && !rc;

	trace_instance_close(&st->trace);
	snprintf(r->expect, sizeof(r->expect), "%s", attrs_names[attrs]);
	if (rc) {
		snprintf(r->note, sizeof(r->note), "cannot read the trace: %s", strerror(-rc));
		return;
	}
	if (!kept) {
		if (f)
			snprintf(r->note, sizeof(r->note), "cannot write %s", r->file);
		return;
	}
	if (out->verdict == VERDICT_SKIP) {
		snprintf(r->note, sizeof(r->note), "the step was skipped: nothing to judge");
		return;
	}
	if (r->tally.lost) {
		snprintf(r->note, sizeof(r->note), "the trace lost %zu events (more maps than the "
			 "buffer holds): not judged", r->tally.lost);
		return;
	}
	r->judged = true;
	r->passed = dma_trace_check_pairs(&r->tally, attrs, r->note, sizeof(r->note));
	if (r->passed && out->mapped && r->tally.maps == 0) {
		r->passed = false;
		snprintf(r->note, sizeof(r->note), "the step mapped, the trace shows no map of %s",
			 device);
	}
	if (!r->passed) {
		if (out->verdict == VERDICT_PASS)
			step_set_reason(out, VERDICT_FAIL, "trace: %s", r->note);
		else
			step_add_reason(out, "trace: %s", r->note);
	}
}

json_object *step_trace_json(const struct step_trace_report *r)
{
	json_object *o = json_object_new_object();

	jw_add(o, "used", json_object_new_boolean(r->used));
	jw_add(o, "off_while_timing", json_object_new_boolean(r->off_while_timing));
	jw_add(o, "result", jw_text(!r->judged ? "not judged" : r->passed ? "pass" : "fail"));
	jw_add(o, "events", jw_text(r->events));
	jw_add(o, "file", jw_text(r->file));
	jw_add(o, "expect_attrs", jw_text(r->expect));
	dma_trace_tally_json(o, &r->tally);
	jw_add(o, "refused_maps", jw_count(r->tally.refused));
	jw_add(o, "lost", jw_count(r->tally.lost));
	jw_add(o, "note", jw_text(r->note));
	return o;
}
