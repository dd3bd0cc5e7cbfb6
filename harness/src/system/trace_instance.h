/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dma trace events in a tracefs instance of the run's own
 * (instances/p2prig-PID-N), created when a proof starts and removed when it
 * ends: the global instance, and anyone else's trace in it, is never
 * touched. libtracefs does the files, libtraceevent reads the events'
 * formats, so every field is read typed from the raw ring buffer. Every
 * call returns 0 or a negative errno.
 */
#ifndef P2PRIG_TRACE_INSTANCE_H
#define P2PRIG_TRACE_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#define TRACE_MAX_EVENTS 6

struct tracefs_instance;
struct tep_handle;
struct tep_event;
struct tep_record;

struct trace_instance {
	struct tracefs_instance *instance;	/* NULL when not open */
	struct tep_handle *tep;			/* the dma events' formats */
	char name[48];
	size_t lost;				/* in the read under way */
};

/* The dma events a proof enables, as this kernel names them. */
struct dma_event_set {
	const char *names[TRACE_MAX_EVENTS];
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

/*
 * Creates the run's instance (libtracefs mounts tracefs when it is not) and
 * reads the dma events' formats; -ENOENT when the kernel has no tracefs,
 * -EEXIST when the instance is there already.
 */
int trace_instance_open(struct trace_instance *t);
/* Removes the instance: its events off, its buffer freed. Safe when not open. */
void trace_instance_close(struct trace_instance *t);
bool trace_instance_has_dma_event(const struct trace_instance *t, const char *name);
int trace_instance_enable(const struct trace_instance *t, const struct dma_event_set *set, bool on);
int trace_instance_tracing(const struct trace_instance *t, bool on);
/* Room for at least kb KiB per CPU in the instance's own buffer. */
int trace_instance_buffer_kb(const struct trace_instance *t, unsigned long kb);
int trace_instance_clear(const struct trace_instance *t);

/*
 * The instance's trace as the kernel prints it (its `trace` file, read
 * without consuming the events), the caller's to free; NULL with errno
 * set when it cannot be read.
 */
char *trace_instance_text(const struct trace_instance *t);

/*
 * Hands every event in the instance's buffer to each(), in time order
 * across CPUs, and consumes them; *lost counts the events the ring buffer
 * dropped before them (1 for a gap whose size the kernel did not record).
 */
int trace_instance_read(struct trace_instance *t,
			int (*each)(struct tep_event *event, struct tep_record *record, void *data),
			void *data, size_t *lost);

#endif
