/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dma events of the run's trace instance read and tallied for one
 * device: the instance's trace as the kernel prints it kept in a file, then
 * its events consumed raw, the map and unmap events decoded typed.
 */
#ifndef P2PRIG_DMA_TRACE_READ_H
#define P2PRIG_DMA_TRACE_READ_H

#include <stdio.h>

#include "system/dma_trace.h"
#include "system/trace_instance.h"

/*
 * Writes the instance's trace to KEEP (NULL: not kept), then consumes its
 * events: those of DEVICE ("0000:04:00.0") tallied into TALLY, with the
 * events the ring buffer lost. 0 or a negative errno.
 */
int dma_trace_read(struct trace_instance *t, const char *device, FILE *keep,
		   struct dma_trace_tally *tally);

#endif
