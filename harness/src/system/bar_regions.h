/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the host oracle: which offsets of a BAR hold which source bytes
 * after a copy through it. The copy records, per 4K page of its p2pmem
 * mapping, the source offset of the bytes left there; the pages' physical
 * addresses come from /proc/self/pagemap (root only) and the BAR's start
 * from the function's sysfs resource file.
 */
#ifndef P2PRIG_BAR_REGIONS_H
#define P2PRIG_BAR_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BAR_REGIONS_PAGE 4096
#define BAR_REGIONS_NONE UINT64_MAX

struct bar_region {
	uint64_t bar_offset;		/* where in the BAR */
	uint64_t from_offset;		/* byte offset in the source namespace */
	uint64_t bytes;
};

/*
 * Runs of pages contiguous both in the BAR and in the source merged into
 * regions, in page order. page_from[i] is the source offset page i holds
 * (BAR_REGIONS_NONE: nothing), page_bar[i] its BAR offset. Returns the
 * number of regions written to out (at most n_pages).
 */
size_t bar_regions_merge(const uint64_t *page_from, const uint64_t *page_bar, size_t n_pages,
			 struct bar_region *out);

/* The physical address of a mapped page of this process; 0 or a negative errno. */
int bar_regions_phys(const void *addr, uint64_t *phys);

/*
 * The BAR of PCI ("0000:06:00.0") that holds PHYS: its index and start.
 * 0, or a negative errno (-ENOENT: in none of them).
 */
int bar_regions_find_bar(const char *pci, uint64_t phys, int *bar, uint64_t *start);

#endif
