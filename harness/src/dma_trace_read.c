// SPDX-License-Identifier: GPL-2.0
/* The dma events of the run's trace instance, read raw and tallied. */
#include "dma_trace_read.h"

#include <event-parse.h>
#include <trace-seq.h>

struct reading {
	const char *device;
	FILE *keep;
	struct dma_trace_tally *tally;
	struct trace_seq seq;
};

static int each(struct tep_event *event, struct tep_record *record, void *data)
{
	struct reading *r = data;
	struct dma_trace_event ev;

	trace_seq_reset(&r->seq);
	/* The line the kernel's own trace file would show, by libtraceevent. */
	tep_print_event(event->tep, &r->seq, record, "%16s-%-7d [%03d] %6.1000d: %s: %s\n",
			TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU, TEP_PRINT_TIME, TEP_PRINT_NAME,
			TEP_PRINT_INFO);
	trace_seq_terminate(&r->seq);
	if (r->keep)
		fputs(r->seq.buffer, r->keep);
	if (dma_trace_decode(event, record, &ev))
		dma_trace_tally_add(r->tally, r->device, &ev, r->seq.buffer);
	return 0;
}

int dma_trace_read(struct trace_instance *t, const char *device, FILE *keep,
		   struct dma_trace_tally *tally)
{
	struct reading r = { .device = device, .keep = keep, .tally = tally };
	size_t lost = 0;

	trace_seq_init(&r.seq);
	dma_trace_tally_begin(tally);
	if (keep)
		fprintf(keep, "# tracefs instance %s, read raw (fields typed by libtraceevent)\n",
			t->name);
	int rc = trace_instance_read(t, each, &r, &lost);
	dma_trace_tally_end(tally);
	tally->lost = lost;
	if (keep && lost)
		fprintf(keep, "# the ring buffer lost %zu events\n", lost);
	trace_seq_destroy(&r.seq);
	return rc;
}
