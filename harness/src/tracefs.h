/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's tracefs, for the dma events a step's trace proof reads:
 * which of them this kernel has, turning them on and off, clearing and
 * reading the trace. Every call returns 0 or a negative errno.
 */
#ifndef P2PRIG_TRACEFS_H
#define P2PRIG_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

#define TRACEFS_MAX_EVENTS 6

struct tracefs {
	char root[64];		/* "/sys/kernel/tracing" */
};

/* The dma events a proof enables, as this kernel names them. */
struct dma_event_set {
	const char *names[TRACEFS_MAX_EVENTS];
	size_t n;
	/* dma_map_phys is there: the kernel has DMA_ATTR_MMIO in its trace (>= 6.18). */
	bool phys;
};

/*
 * Chooses the events from what exists (exists(name, data)): dma_map_phys
 * and dma_unmap_phys (>= 6.18), else dma_map_page, dma_map_resource and
 * their unmaps (6.12); dma_map_sg and dma_unmap_sg with either. False when
 * none of the map events exist.
 */
bool dma_event_set_choose(bool (*exists)(const char *name, void *data), void *data,
			  struct dma_event_set *out);
/* "a,b,c" */
void dma_event_set_text(const struct dma_event_set *set, char *buf, size_t size);

/* Finds (mounting it if needed) tracefs; -ENOENT when the kernel has none. */
int tracefs_open(struct tracefs *t);
bool tracefs_has_dma_event(const struct tracefs *t, const char *name);
int tracefs_enable_dma_events(const struct tracefs *t, const struct dma_event_set *set, bool on);
int tracefs_set_tracing(const struct tracefs *t, bool on);
/* Room for at least kb KiB per CPU: a proof must lose no event. */
int tracefs_ensure_buffer_kb(const struct tracefs *t, unsigned long kb);
int tracefs_clear(const struct tracefs *t);
/* The whole trace, NUL-terminated, the caller's to free; NULL with errno set on failure. */
char *tracefs_read(const struct tracefs *t);

#endif
