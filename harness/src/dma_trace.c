// SPDX-License-Identifier: GPL-2.0
/* The dma trace events read back: maps paired with unmaps, attributes counted. */
#include "dma_trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum event_kind { EV_PHYS, EV_PAGE, EV_RESOURCE, EV_SG };

static const struct {
	const char *name;
	enum event_kind kind;
	bool map;
} events[] = {
	{ "dma_map_phys", EV_PHYS, true }, { "dma_unmap_phys", EV_PHYS, false },
	{ "dma_map_page", EV_PAGE, true }, { "dma_unmap_page", EV_PAGE, false },
	{ "dma_map_resource", EV_RESOURCE, true }, { "dma_unmap_resource", EV_RESOURCE, false },
	{ "dma_map_sg", EV_SG, true }, { "dma_unmap_sg", EV_SG, false },
};

struct event {
	enum event_kind kind;
	bool map;
	uint64_t key;		/* dma_addr; a scatterlist's first phys_addr */
	uint64_t size;		/* 0 for scatterlists (their unmap prints none) */
	char attrs[48];
};

struct outstanding {
	struct event *items;
	size_t n, cap;
};

/* The value of " KEY=" in the fields, up to the next blank; false if absent. */
static bool field(const char *fields, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *at = fields; (at = strstr(at, key)); at += klen) {
		if ((at != fields && at[-1] != ' ') || at[klen] != '=')
			continue;
		const char *v = at + klen + 1;
		size_t len = strcspn(v, " \t\n");
		if (len >= size)
			len = size - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		return true;
	}
	return false;
}

static uint64_t hex_value(const char *text)
{
	while (*text == '{')
		text++;
	return strtoull(text, NULL, 16);
}

/* One line of the trace: false when it is not a map or unmap event of DEVICE. */
static bool parse_line(const char *line, const char *device, struct event *ev)
{
	const char *at = strstr(line, ": dma_");
	char name[32], buf[64];

	if (!at || line[0] == '#')
		return false;
	at += 2;
	size_t len = strcspn(at, ":");
	if (len >= sizeof(name) || at[len] != ':')
		return false;
	memcpy(name, at, len);
	name[len] = '\0';
	size_t e = 0;
	while (e < sizeof(events) / sizeof(events[0]) && strcmp(events[e].name, name) != 0)
		e++;
	if (e == sizeof(events) / sizeof(events[0]))
		return false;
	const char *fields = at + len + 1;
	fields += strspn(fields, " ");
	size_t dlen = strlen(device);
	if (strncmp(fields, device, dlen) != 0 || fields[dlen] != ' ')
		return false;

	memset(ev, 0, sizeof(*ev));
	ev->kind = events[e].kind;
	ev->map = events[e].map;
	if (ev->kind == EV_SG) {
		if (field(fields, "phys_addrs", buf, sizeof(buf)))
			ev->key = hex_value(buf);
	} else {
		if (field(fields, "dma_addr", buf, sizeof(buf)))
			ev->key = hex_value(buf);
		if (field(fields, "size", buf, sizeof(buf)))
			ev->size = strtoull(buf, NULL, 10);
	}
	if (!field(fields, "attrs", ev->attrs, sizeof(ev->attrs)))
		ev->attrs[0] = '\0';
	return true;
}

/*
 * The attributes a map and its unmap must share: NO_WARN only concerns the
 * map call (nvme maps its scatterlists with it and unmaps without, as 6.12's
 * trace shows), so it is left out.
 */
static void attrs_to_compare(const char *attrs, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *at = attrs; *at;) {
		size_t len = strcspn(at, "|");

		if (!(len == 7 && strncmp(at, "NO_WARN", 7) == 0) && used < size)
			used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "|" : "",
						 (int)len, at);
		at += len;
		at += *at == '|';
	}
}

/* attrs is "A|B|C" as __print_flags writes it. */
static bool has_mmio(const char *attrs)
{
	for (const char *at = attrs; (at = strstr(at, "MMIO")); at += 4)
		if ((at == attrs || at[-1] == '|') && (at[4] == '\0' || at[4] == '|'))
			return true;
	return false;
}

static bool same_attrs(const char *a, const char *b)
{
	char x[48], y[48];

	attrs_to_compare(a, x, sizeof(x));
	attrs_to_compare(b, y, sizeof(y));
	return strcmp(x, y) == 0;
}

static void problem(struct dma_trace_tally *t, const char *line)
{
	if (!t->first_problem[0])
		snprintf(t->first_problem, sizeof(t->first_problem), "%.*s", (int)strcspn(line, "\n"),
			 line + strspn(line, " "));
}

static void count_unmap(struct dma_trace_tally *t, struct outstanding *o, const struct event *ev,
			const char *line)
{
	for (size_t i = o->n; i-- > 0;) {
		struct event *m = &o->items[i];

		if (m->kind != ev->kind || m->key != ev->key)
			continue;
		if ((ev->kind != EV_SG && m->size != ev->size) || !same_attrs(m->attrs, ev->attrs)) {
			t->mismatched++;
			problem(t, line);
		}
		o->items[i] = o->items[--o->n];
		return;
	}
	t->unmatched_unmaps++;
	problem(t, line);
}

void dma_trace_tally(const char *text, const char *device, struct dma_trace_tally *out)
{
	struct outstanding o = { 0 };
	struct event ev;

	memset(out, 0, sizeof(*out));
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		/* A scatterlist's line lists every entry: no fixed limit. */
		char *one = strndup(line, len);

		if (!one)
			abort();
		line = nl ? nl + 1 : NULL;
		/* "# entries-in-buffer/entries-written: 28/28   #P:1": less in the buffer is lost. */
		unsigned long in_buffer, written;
		if (sscanf(one, "# entries-in-buffer/entries-written: %lu/%lu", &in_buffer, &written) == 2 &&
		    written > in_buffer)
			out->lost += written - in_buffer;
		if (!parse_line(one, device, &ev)) {
			free(one);
			continue;
		}
		out->lines++;
		if (ev.map) {
			out->maps++;
			out->mmio_maps += has_mmio(ev.attrs);
			out->sg_maps += ev.kind == EV_SG;
			if (o.n == o.cap) {
				o.cap = o.cap ? 2 * o.cap : 64;
				o.items = realloc(o.items, o.cap * sizeof(*o.items));
				if (!o.items)
					abort();
			}
			/* dma_addr=ffffffffffffffff: the map failed (swiotlb=force refusing MMIO). */
			if (ev.kind != EV_SG && ev.key == UINT64_MAX)
				out->refused++;
			else
				o.items[o.n++] = ev;
		} else {
			out->unmaps++;
			out->mmio_unmaps += has_mmio(ev.attrs);
			out->sg_unmaps += ev.kind == EV_SG;
			count_unmap(out, &o, &ev, one);
		}
		free(one);
	}
	out->outstanding = o.n;
	free(o.items);
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
	if (t->unmatched_unmaps || t->mismatched || t->outstanding) {
		snprintf(why, why_size, "maps and unmaps do not pair: %zu unmaps without their map, "
			 "%zu with other size or attrs, %zu maps left (first: %s)", t->unmatched_unmaps,
			 t->mismatched, t->outstanding, t->first_problem[0] ? t->first_problem : "-");
		return false;
	}
	if (attrs == DMA_TRACE_ATTRS_MMIO && (t->mmio_maps != t->maps || t->mmio_unmaps != t->unmaps)) {
		snprintf(why, why_size, "only %zu of %zu maps and %zu of %zu unmaps show attrs=MMIO",
			 t->mmio_maps, t->maps, t->mmio_unmaps, t->unmaps);
		return false;
	}
	if (attrs == DMA_TRACE_ATTRS_NO_MMIO && (t->mmio_maps || t->mmio_unmaps)) {
		snprintf(why, why_size, "%zu maps and %zu unmaps of RAM show attrs=MMIO", t->mmio_maps,
			 t->mmio_unmaps);
		return false;
	}
	return true;
}

bool dma_trace_check_pairs(const struct dma_trace_tally *t, enum dma_trace_attrs attrs, char *why,
			   size_t why_size)
{
	size_t single_maps = t->maps - t->sg_maps, single_unmaps = t->unmaps - t->sg_unmaps;

	if (t->unmatched_unmaps || t->mismatched || t->outstanding) {
		snprintf(why, why_size, "maps and unmaps do not pair: %zu unmaps without their map, "
			 "%zu with other size or attrs, %zu maps left (first: %s)", t->unmatched_unmaps,
			 t->mismatched, t->outstanding, t->first_problem[0] ? t->first_problem : "-");
		return false;
	}
	if (attrs == DMA_TRACE_ATTRS_MMIO &&
	    (t->mmio_maps != single_maps || t->mmio_unmaps != single_unmaps)) {
		snprintf(why, why_size, "%zu of %zu maps and %zu of %zu unmaps show attrs=MMIO",
			 t->mmio_maps, single_maps, t->mmio_unmaps, single_unmaps);
		return false;
	}
	if (attrs == DMA_TRACE_ATTRS_NO_MMIO && (t->mmio_maps || t->mmio_unmaps)) {
		snprintf(why, why_size, "%zu maps and %zu unmaps of RAM show attrs=MMIO", t->mmio_maps,
			 t->mmio_unmaps);
		return false;
	}
	return true;
}
