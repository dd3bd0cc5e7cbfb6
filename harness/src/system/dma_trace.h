/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's dma trace events read back, typed: each map paired with its
 * unmap (by device and DMA address, or for scatterlists by the first
 * physical address), attributes counted. dma_trace_decode() reads one
 * event's fields as its format (libtraceevent) gives them; the tally and
 * the verdicts are plain C.
 *
 * The fields: dma_map_phys (>= 6.18) and 6.12's dma_map_page and
 * dma_map_resource have device, phys_addr, dma_addr, size, dir, attrs;
 * their unmaps device, addr, size, dir, attrs; dma_map_sg the arrays
 * phys_addrs, dma_addrs, lengths; dma_unmap_sg the array addrs (physical).
 * Which bit of attrs is DMA_ATTR_MMIO (or NO_WARN) is read from the
 * event's own __print_flags: 6.12 has no MMIO.
 */
#ifndef P2PRIG_DMA_TRACE_H
#define P2PRIG_DMA_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMA_TRACE_TEXT 160

struct tep_event;
struct tep_record;

enum dma_trace_kind { DMA_TRACE_PHYS, DMA_TRACE_PAGE, DMA_TRACE_RESOURCE, DMA_TRACE_SG };

/* One map or unmap event, its fields as the kernel recorded them. */
struct dma_trace_event {
	enum dma_trace_kind kind;
	bool map;
	char device[32];		/* "0000:04:00.0" */
	uint64_t key;			/* dma_addr; a scatterlist's first physical address */
	uint64_t size;			/* 0 for scatterlists (their unmap has none) */
	uint64_t attrs;
	bool mmio;			/* attrs holds DMA_ATTR_MMIO */
	uint64_t pair_attrs;		/* the attrs a map and its unmap share: all but NO_WARN */
};

/*
 * EVENT's fields in RECORD; false when it is not a dma map or unmap event
 * (or a field the pairing needs is missing from its format).
 */
bool dma_trace_decode(struct tep_event *event, struct tep_record *record,
		      struct dma_trace_event *out);

struct dma_trace_pending;

struct dma_trace_tally {
	size_t lines;			/* events of the device */
	size_t maps, unmaps;
	size_t mmio_maps, mmio_unmaps;	/* attrs holding MMIO */
	size_t sg_maps, sg_unmaps;	/* dma_map_sg / dma_unmap_sg among them */
	size_t unmatched_unmaps;	/* no outstanding map of that address */
	size_t mismatched;		/* an unmap whose size, attrs or kind differ from its map */
	size_t outstanding;		/* maps left without an unmap */
	size_t refused;			/* maps that returned DMA_MAPPING_ERROR: no unmap follows */
	size_t lost;			/* events the ring buffer dropped before they were read */
	char first_problem[DMA_TRACE_TEXT];	/* "" when nothing was wrong */
	struct dma_trace_pending *pending;	/* maps not yet unmapped, until the end */
};

/*
 * The events of DEVICE ("0000:04:00.0") tallied one by one, in the order
 * they happened; events of other devices are ignored. TEXT is the event as
 * printed, kept if it is the first problem. dma_trace_tally_end() counts
 * the maps left and frees what the tally held.
 */
void dma_trace_tally_begin(struct dma_trace_tally *t);
void dma_trace_tally_add(struct dma_trace_tally *t, const char *device,
			 const struct dma_trace_event *ev, const char *text);
void dma_trace_tally_end(struct dma_trace_tally *t);

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

/* The tally's counts into O, as result.json names them (maps ... outstanding). */
struct json_object;
void dma_trace_tally_json(struct json_object *o, const struct dma_trace_tally *t);

#endif
