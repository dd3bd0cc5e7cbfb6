// SPDX-License-Identifier: GPL-2.0
/* The dma trace events tallied: maps paired with unmaps, attributes counted. */
#include "system/dma_trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "util/array_size.h"
#include "util/json_write.h"

struct dma_trace_pending {
	struct dma_trace_event *items;
	size_t n, cap;
};

static void problem(struct dma_trace_tally *t, const char *text)
{
	if (!t->first_problem[0])
		snprintf(t->first_problem, sizeof(t->first_problem), "%.*s", (int)strcspn(text, "\n"),
			 text + strspn(text, " "));
}

static void count_unmap(struct dma_trace_tally *t, const struct dma_trace_event *ev,
			const char *text)
{
	struct dma_trace_pending *o = t->pending;

	for (size_t i = o ? o->n : 0; i-- > 0;) {
		struct dma_trace_event *m = &o->items[i];

		if (m->kind != ev->kind || m->key != ev->key)
			continue;
		if ((ev->kind != DMA_TRACE_SG && m->size != ev->size) ||
		    m->pair_attrs != ev->pair_attrs) {
			t->mismatched++;
			problem(t, text);
		}
		o->items[i] = o->items[--o->n];
		return;
	}
	t->unmatched_unmaps++;
	problem(t, text);
}

static void keep_map(struct dma_trace_tally *t, const struct dma_trace_event *ev)
{
	struct dma_trace_pending *o = t->pending;

	if (!o) {
		o = t->pending = calloc(1, sizeof(*o));
		if (!o)
			abort();
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->items = realloc(o->items, o->cap * sizeof(*o->items));
		if (!o->items)
			abort();
	}
	o->items[o->n++] = *ev;
}

void dma_trace_tally_begin(struct dma_trace_tally *t)
{
	memset(t, 0, sizeof(*t));
}

void dma_trace_tally_add(struct dma_trace_tally *t, const char *device,
			 const struct dma_trace_event *ev, const char *text)
{
	if (strcmp(ev->device, device) != 0)
		return;
	t->lines++;
	if (ev->map) {
		t->maps++;
		t->mmio_maps += ev->mmio;
		t->sg_maps += ev->kind == DMA_TRACE_SG;
		/* dma_addr DMA_MAPPING_ERROR: the map failed (swiotlb=force refusing MMIO). */
		if (ev->kind != DMA_TRACE_SG && ev->key == UINT64_MAX)
			t->refused++;
		else
			keep_map(t, ev);
	} else {
		t->unmaps++;
		t->mmio_unmaps += ev->mmio;
		t->sg_unmaps += ev->kind == DMA_TRACE_SG;
		count_unmap(t, ev, text);
	}
}

void dma_trace_tally_end(struct dma_trace_tally *t)
{
	if (!t->pending)
		return;
	t->outstanding = t->pending->n;
	free(t->pending->items);
	free(t->pending);
	t->pending = NULL;
}

/* Every unmap met its map, with the same size and attrs, and no map is left. */
static bool paired(const struct dma_trace_tally *t, char *why, size_t why_size)
{
	if (!t->unmatched_unmaps && !t->mismatched && !t->outstanding)
		return true;
	snprintf(why, why_size, "maps and unmaps do not pair: %zu unmaps without their map, "
		 "%zu with other size or attrs, %zu maps left (first: %s)", t->unmatched_unmaps,
		 t->mismatched, t->outstanding, t->first_problem[0] ? t->first_problem : "-");
	return false;
}

/* RAM's calls must not carry DMA_ATTR_MMIO. */
static bool ram_not_mmio(const struct dma_trace_tally *t, enum dma_trace_attrs attrs, char *why,
			 size_t why_size)
{
	if (attrs != DMA_TRACE_ATTRS_NO_MMIO || (!t->mmio_maps && !t->mmio_unmaps))
		return true;
	snprintf(why, why_size, "%zu maps and %zu unmaps of RAM show attrs=MMIO", t->mmio_maps,
		 t->mmio_unmaps);
	return false;
}

bool dma_trace_check(const struct dma_trace_tally *t, uint64_t calls, enum dma_trace_attrs attrs,
		     char *why, size_t why_size)
{
	if (attrs == DMA_TRACE_ATTRS_NO_EVENTS) {
		if (t->lines == 0)
			return true;
		snprintf(why, why_size, "%zu trace events where the path has none", t->lines);
		return false;
	}
	if (t->maps != calls || t->unmaps != calls) {
		snprintf(why, why_size, "%" PRIu64 " maps made, the trace shows %zu maps and %zu unmaps",
			 calls, t->maps, t->unmaps);
		return false;
	}
	if (!paired(t, why, why_size))
		return false;
	if (attrs == DMA_TRACE_ATTRS_MMIO && (t->mmio_maps != t->maps || t->mmio_unmaps != t->unmaps)) {
		snprintf(why, why_size, "only %zu of %zu maps and %zu of %zu unmaps show attrs=MMIO",
			 t->mmio_maps, t->maps, t->mmio_unmaps, t->unmaps);
		return false;
	}
	return ram_not_mmio(t, attrs, why, why_size);
}

bool dma_trace_check_pairs(const struct dma_trace_tally *t, enum dma_trace_attrs attrs, char *why,
			   size_t why_size)
{
	size_t single_maps = t->maps - t->sg_maps, single_unmaps = t->unmaps - t->sg_unmaps;

	if (!paired(t, why, why_size))
		return false;
	if (attrs == DMA_TRACE_ATTRS_MMIO &&
	    (t->mmio_maps != single_maps || t->mmio_unmaps != single_unmaps)) {
		snprintf(why, why_size, "%zu of %zu maps and %zu of %zu unmaps show attrs=MMIO",
			 t->mmio_maps, single_maps, t->mmio_unmaps, single_unmaps);
		return false;
	}
	return ram_not_mmio(t, attrs, why, why_size);
}

void dma_trace_tally_json(struct json_object *o, const struct dma_trace_tally *t)
{
	const struct jw_count_field tally[] = {
		{ "maps", t->maps }, { "unmaps", t->unmaps }, { "mmio_maps", t->mmio_maps },
		{ "mmio_unmaps", t->mmio_unmaps }, { "sg_maps", t->sg_maps },
		{ "unmatched_unmaps", t->unmatched_unmaps }, { "mismatched", t->mismatched },
		{ "outstanding", t->outstanding },
	};

	jw_add_counts(o, tally, ARRAY_SIZE(tally));
}
