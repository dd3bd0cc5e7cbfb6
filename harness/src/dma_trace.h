/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's dma trace events as tracefs prints them, read back: each
 * map paired with its unmap (by device and DMA address, or for
 * scatterlists by the first physical address), attributes counted. Pure
 * text in, counts out; tracefs.c does the file handling.
 *
 * 7.3: "dma_map_phys: 0000:04:00.0 dir=BIDIRECTIONAL dma_addr=ffffc000
 * size=8192 phys_addr=f4010000 attrs=MMIO", "dma_unmap_phys: ... attrs=MMIO";
 * 6.12: dma_map_page / dma_map_resource and their unmaps, the same fields.
 */
#ifndef P2PRIG_DMA_TRACE_H
#define P2PRIG_DMA_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMA_TRACE_TEXT 160

struct dma_trace_tally {
	size_t lines;			/* event lines of the device */
	size_t maps, unmaps;
	size_t mmio_maps, mmio_unmaps;	/* attrs holding MMIO */
	size_t sg_maps, sg_unmaps;	/* dma_map_sg / dma_unmap_sg among them */
	size_t unmatched_unmaps;	/* no outstanding map of that address */
	size_t mismatched;		/* an unmap whose size, attrs or kind differ from its map */
	size_t outstanding;		/* maps left without an unmap */
	size_t refused;			/* maps that returned DMA_MAPPING_ERROR: no unmap follows */
	size_t lost;			/* events the ring buffer dropped (entries-written - entries-in-buffer) */
	char first_problem[DMA_TRACE_TEXT];	/* "" when nothing was wrong */
};

/*
 * Tallies the events of DEVICE ("0000:04:00.0") in TEXT, a tracefs
 * `trace` file; lines of other devices and other events are ignored.
 */
void dma_trace_tally(const char *text, const char *device, struct dma_trace_tally *out);

/* What the proof expects of a method's maps. */
enum dma_trace_attrs {
	DMA_TRACE_ATTRS_ANY,		/* not asserted (p2p pages: the kernel decides) */
	DMA_TRACE_ATTRS_MMIO,		/* every map and unmap shows MMIO */
	DMA_TRACE_ATTRS_NO_MMIO,	/* no map shows MMIO (RAM) */
	DMA_TRACE_ATTRS_NO_EVENTS,	/* the path has no trace events (iova-link) */
};

/*
 * The verdict on a tally: CALLS maps were made (MAP_BENCH's count), each
 * must show up once with its unmap, with the attributes ATTRS asks for.
 * False with why when not.
 */
bool dma_trace_check(const struct dma_trace_tally *t, uint64_t calls, enum dma_trace_attrs attrs,
		     char *why, size_t why_size);

/*
 * The verdict when the number of calls is not known (a transfer step's maps,
 * the probe's among them): every map paired with its unmap, and ATTRS on
 * the single mappings (scatterlists, such as the p2pdma probe's, are not
 * judged for MMIO). False with why when not.
 */
bool dma_trace_check_pairs(const struct dma_trace_tally *t, enum dma_trace_attrs attrs, char *why,
			   size_t why_size);

#endif
