/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The provider kinds, initiator kinds and mapping methods a scenario may
 * name, each tied to its value in the module's uapi.
 */
#ifndef P2PRIG_KINDS_H
#define P2PRIG_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2prig/route_rule.h"

struct provider_kind {
	const char *name;
	uint32_t uapi;		/* enum p2prig_provider_kind */
	bool peer;		/* PCI peer memory (a SELECTOR names the device); false: RAM */
	uint64_t max_size;	/* largest chunk the module lends */
	/* The virtual lab's host can read what it holds (ivshmem's backing file). */
	bool host_readable;
};

struct initiator_kind {
	const char *name;
	uint32_t uapi;		/* enum p2prig_initiator_kind */
	uint32_t window;	/* largest single transfer, bytes */
};

struct method_kind {
	const char *name;
	uint32_t uapi;		/* enum p2prig_method */
	bool peer;		/* maps peer memory; false: system RAM */
	enum p2prig_route_policy policy;	/* how it picks its route (uAPI 8) */
	bool mmio_like;		/* mmio, resource and their -host twins */
};

/* How the module's dma-buf exporter maps a chunk for each importer. */
struct export_method_kind {
	const char *name;
	uint32_t uapi;		/* enum p2prig_export_method */
};

/* NULL when the name is unknown. */
const struct provider_kind *provider_kind_find(const char *name);
const struct initiator_kind *initiator_kind_find(const char *name);
const struct method_kind *method_kind_find(const char *name);
const struct export_method_kind *export_method_kind_find(const char *name);

/* "a, b or c", for messages that say what was expected. */
const char *provider_kind_choices(char *buf, size_t size);
const char *initiator_kind_choices(char *buf, size_t size);
const char *method_kind_choices(char *buf, size_t size);
const char *export_method_kind_choices(char *buf, size_t size);

/* "BUS_ADDR", "THRU_HOST_BRIDGE", "NOT_SUPPORTED" or "UNKNOWN" (enum p2prig_map_type). */
const char *map_type_name(uint32_t map_type);
/* enum p2prig_route as result.json writes it. */
const char *route_name(uint32_t route);

/* Appends names[i] of n to buf as part of "a, b or c". */
void choices_append(char *buf, size_t size, size_t i, size_t n, const char *name);

#endif
