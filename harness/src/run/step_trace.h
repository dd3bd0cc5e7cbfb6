/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dma trace around a transfer step, in a tracefs instance of the
 * run's own (the global one is never touched): the events on before the step
 * runs, off before its timed map/unmap pairs or after it, the trace kept as trace-STEP.txt and judged for the
 * initiator's device: every map with its unmap, attrs=MMIO on every mmio
 * and resource mapping (6.18 and later), none on RAM. A broken proof fails
 * the step; a trace that lost events or a rig without tracefs is noted,
 * not judged. (map-cost steps prove their own, per method x granule.)
 */
#ifndef P2PRIG_STEP_TRACE_H
#define P2PRIG_STEP_TRACE_H

#include <stdbool.h>

#include "system/dma_trace.h"
#include "system/trace_instance.h"

struct json_object;
struct step_env;
struct scenario_step;
struct step_report;

struct step_trace_report {
	bool used;			/* the events were on; else note says why not */
	bool off_while_timing;		/* turned off before the step's timed map/unmap pairs */
	bool judged;			/* the verdict below counts */
	bool passed;
	char events[128];
	char file[96];
	char expect[16];		/* "MMIO", "no MMIO", "any" */
	struct dma_trace_tally tally;
	char note[192];			/* why not used or not judged; the verdict's reason */
};

struct step_trace {
	struct trace_instance trace;	/* the run's own tracefs instance, for the step */
	struct dma_event_set events;
};

/* Whether the step's action is traced this way. */
bool step_trace_wanted(const struct scenario_step *step);
void step_trace_begin(struct step_trace *st, const struct scenario_step *step,
		      struct step_trace_report *r);
/* The events and tracing off before timed calls; the trace so far is kept. */
void step_trace_off(struct step_trace *st, struct step_trace_report *r);
void step_trace_end(struct step_trace *st, const struct step_env *env,
		    const struct scenario_step *step, struct step_report *out);

struct json_object *step_trace_json(const struct step_trace_report *r);

#endif
