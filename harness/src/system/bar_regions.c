// SPDX-License-Identifier: GPL-2.0
/* BAR offsets of a p2pmem mapping's pages, and the regions they hold. */
#include "system/bar_regions.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

size_t bar_regions_merge(const uint64_t *page_from, const uint64_t *page_bar, size_t n_pages,
			 struct bar_region *out)
{
	size_t n = 0;

	for (size_t i = 0; i < n_pages; i++) {
		if (page_from[i] == BAR_REGIONS_NONE)
			continue;
		struct bar_region *last = n ? &out[n - 1] : NULL;
		if (last && last->bar_offset + last->bytes == page_bar[i] &&
		    last->from_offset + last->bytes == page_from[i]) {
			last->bytes += BAR_REGIONS_PAGE;
			continue;
		}
		out[n++] = (struct bar_region){ page_bar[i], page_from[i], BAR_REGIONS_PAGE };
	}
	return n;
}

/* pagemap: one 64-bit entry per virtual page; bit 63 present, bits 0-54 the PFN. */
int bar_regions_phys(const void *addr, uint64_t *phys)
{
	uint64_t entry, page = (uint64_t)(uintptr_t)addr / BAR_REGIONS_PAGE;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -errno;
	ssize_t n = pread(fd, &entry, sizeof(entry), (off_t)(page * sizeof(entry)));
	int err = errno;
	close(fd);
	if (n != (ssize_t)sizeof(entry))
		return n < 0 ? -err : -EIO;
	uint64_t pfn = entry & ((UINT64_C(1) << 55) - 1);
	/* Without CAP_SYS_ADMIN the kernel reports PFN 0. */
	if (!(entry >> 63) || pfn == 0)
		return -EPERM;
	*phys = pfn * BAR_REGIONS_PAGE + (uint64_t)(uintptr_t)addr % BAR_REGIONS_PAGE;
	return 0;
}

/* sysfs resource: one "start end flags" line per resource, BARs 0-5 first. */
int bar_regions_find_bar(const char *pci, uint64_t phys, int *bar, uint64_t *start)
{
	char path[96];
	FILE *f;
	uint64_t s, e, flags;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", pci);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (int i = 0; i < 6 && fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &s, &e, &flags) == 3;
	     i++) {
		if (e > s && phys >= s && phys <= e) {
			fclose(f);
			*bar = i;
			*start = s;
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}
