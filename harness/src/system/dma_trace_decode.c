// SPDX-License-Identifier: GPL-2.0
/* One dma trace event's fields, read typed through its format (libtraceevent). */
#include "system/dma_trace.h"

#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

static const struct {
	const char *name;
	enum dma_trace_kind kind;
	bool map;
} events[] = {
	{ "dma_map_phys", DMA_TRACE_PHYS, true }, { "dma_unmap_phys", DMA_TRACE_PHYS, false },
	{ "dma_map_page", DMA_TRACE_PAGE, true }, { "dma_unmap_page", DMA_TRACE_PAGE, false },
	{ "dma_map_resource", DMA_TRACE_RESOURCE, true },
	{ "dma_unmap_resource", DMA_TRACE_RESOURCE, false },
	{ "dma_map_sg", DMA_TRACE_SG, true }, { "dma_unmap_sg", DMA_TRACE_SG, false },
};

/* The flags the event's __print_flags gives attrs; NULL when its print format has none. */
static const struct tep_print_flag_sym *attrs_flags(const struct tep_event *event)
{
	for (const struct tep_print_arg *a = event->print_fmt.args; a; a = a->next) {
		if (a->type != TEP_PRINT_FLAGS)
			continue;
		const struct tep_print_arg *f = a->flags.field;

		if (f && f->type == TEP_PRINT_FIELD && strcmp(f->field.name, "attrs") == 0)
			return a->flags.flags;
	}
	return NULL;
}

/*
 * The bit NAME ("MMIO") stands for in attrs, as the kernel that wrote the
 * formats defines it; 0 when it has none. Every dma event prints attrs
 * with the same flags; an event whose print format this libtraceevent
 * could not parse (bookworm's 1.7 fails on dma_map_sg's and dma_unmap_sg's)
 * borrows them from another dma event's.
 */
static uint64_t attr_bit(struct tep_event *event, const char *name)
{
	const struct tep_print_flag_sym *s = attrs_flags(event);

	if (!s) {
		struct tep_event **all = tep_list_events(event->tep, TEP_EVENT_SORT_ID);

		for (size_t i = 0; all && all[i] && !s; i++)
			if (all[i]->system && strcmp(all[i]->system, "dma") == 0)
				s = attrs_flags(all[i]);
	}
	for (; s; s = s->next)
		if (strcmp(s->str, name) == 0)
			return strtoull(s->value, NULL, 0);
	return 0;
}

static bool number(struct tep_event *event, struct tep_record *record, const char *name,
		   uint64_t *out)
{
	unsigned long long v;

	if (!tep_find_field(event, name) || tep_get_field_val(NULL, event, name, record, &v, 0))
		return false;
	*out = v;
	return true;
}

/* The first u64 of a dynamic array field (a scatterlist's physical addresses). */
static bool first_u64(struct tep_event *event, struct tep_record *record, const char *name,
		      uint64_t *out)
{
	int len = 0;
	void *at;

	if (!tep_find_field(event, name))
		return false;
	at = tep_get_field_raw(NULL, event, name, record, &len, 0);
	if (!at || len < 8)
		return false;
	*out = tep_read_number(event->tep, at, 8);
	return true;
}

bool dma_trace_decode(struct tep_event *event, struct tep_record *record,
		      struct dma_trace_event *out)
{
	size_t e = 0, n = sizeof(events) / sizeof(events[0]);
	int len = 0;
	const char *device;

	while (e < n && !(strcmp(event->name, events[e].name) == 0 && event->system &&
			  strcmp(event->system, "dma") == 0))
		e++;
	if (e == n)
		return false;
	memset(out, 0, sizeof(*out));
	out->kind = events[e].kind;
	out->map = events[e].map;
	device = tep_get_field_raw(NULL, event, "device", record, &len, 0);
	if (!device || len <= 0)
		return false;
	/* A __string's length counts its NUL. */
	snprintf(out->device, sizeof(out->device), "%.*s", (int)strnlen(device, (size_t)len), device);
	if (out->kind == DMA_TRACE_SG) {
		const char *addrs = out->map ? "phys_addrs" : "addrs";

		if (!first_u64(event, record, addrs, &out->key) &&
		    !first_u64(event, record, "phys_addrs", &out->key))
			return false;
	} else {
		/* The map events name the address dma_addr, the unmap events addr. */
		if (!number(event, record, "dma_addr", &out->key) &&
		    !number(event, record, "addr", &out->key))
			return false;
		if (!number(event, record, "size", &out->size))
			return false;
	}
	if (!number(event, record, "attrs", &out->attrs))
		return false;
	uint64_t mmio = attr_bit(event, "MMIO"), no_warn = attr_bit(event, "NO_WARN");

	out->mmio = mmio && (out->attrs & mmio);
	/* NO_WARN only concerns the map call: nvme maps its scatterlists with it, unmaps without. */
	out->pair_attrs = out->attrs & ~no_warn;
	return true;
}
