// SPDX-License-Identifier: GPL-2.0
/* The dma events of the run's trace instance, read raw and tallied. */
#include "system/dma_trace_read.h"

#include <errno.h>
#include <stdlib.h>

#include <event-parse.h>
#include <trace-seq.h>

struct reading {
	const char *device;
	struct dma_trace_tally *tally;
	struct trace_seq seq;
};

static int each(struct tep_event *event, struct tep_record *record, void *data)
{
	struct reading *r = data;
	struct dma_trace_event ev;

	if (!dma_trace_decode(event, record, &ev))
		return 0;
	/* The event as text, kept if it is the first problem. */
	trace_seq_reset(&r->seq);
	tep_print_event(event->tep, &r->seq, record, "%6.1000d: %s: %s", TEP_PRINT_TIME,
			TEP_PRINT_NAME, TEP_PRINT_INFO);
	trace_seq_terminate(&r->seq);
	dma_trace_tally_add(r->tally, r->device, &ev, r->seq.buffer);
	return 0;
}

int dma_trace_read(struct trace_instance *t, const char *device, FILE *keep,
		   struct dma_trace_tally *tally)
{
	struct reading r = { .device = device, .tally = tally };
	size_t lost = 0;

	if (keep) {
		/* The kernel's own text first: reading it consumes nothing. */
		char *text = trace_instance_text(t);

		if (!text)
			return errno ? -errno : -EIO;
		fputs(text, keep);
		free(text);
	}
	trace_seq_init(&r.seq);
	dma_trace_tally_begin(tally);
	int rc = trace_instance_read(t, each, &r, &lost);
	dma_trace_tally_end(tally);
	tally->lost = lost;
	trace_seq_destroy(&r.seq);
	return rc;
}
