// SPDX-License-Identifier: GPL-2.0
/*
 * Method "page": dma_map_page() on system RAM, the reference point that
 * peer memory is compared with. Unlike MMIO, RAM may be bounced through
 * swiotlb, so transfers sync the mapping around each DMA.
 *
 * Test knob: inject_dma_debug makes unmaps misstate the mapping, so that a
 * kernel with dma-debug is seen to report it (see p2prig_page_unmap()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "p2prig.h"

enum p2prig_page_inject {
	P2PRIG_PAGE_INJECT_OFF,
	P2PRIG_PAGE_INJECT_SIZE,	/* unmap one byte short */
	P2PRIG_PAGE_INJECT_DIR,		/* unmap in another direction */
	P2PRIG_PAGE_INJECT_MAX,
};

static const char * const p2prig_page_inject_names[] = {
	[P2PRIG_PAGE_INJECT_OFF] = "off",
	[P2PRIG_PAGE_INJECT_SIZE] = "size",
	[P2PRIG_PAGE_INJECT_DIR] = "dir",
};

static_assert(ARRAY_SIZE(p2prig_page_inject_names) == P2PRIG_PAGE_INJECT_MAX);

/*
 * inject_dma_debug: the kind in the low bits, the unmaps still to misstate
 * above them, so that one try_cmpxchg() takes an injection; 0 is off.
 */
#define P2PRIG_PAGE_INJECT_KIND		GENMASK(1, 0)
#define P2PRIG_PAGE_INJECT_SHIFT	2
#define P2PRIG_PAGE_INJECT_COUNT_MAX	(UINT_MAX >> P2PRIG_PAGE_INJECT_SHIFT)

static unsigned int p2prig_page_inject;

/* "off", or "size" or "dir" with an optional ":N" (default 1). */
static int p2prig_page_inject_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int count = 1;
	char buf[32], *kind, *colon;
	int ret;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	kind = strim(buf);
	colon = strchr(kind, ':');
	if (colon) {
		*colon = '\0';
		ret = kstrtouint(colon + 1, 0, &count);
		if (ret)
			return ret;
		if (!count || count > P2PRIG_PAGE_INJECT_COUNT_MAX)
			return -EINVAL;
	}
	ret = match_string(p2prig_page_inject_names,
			   ARRAY_SIZE(p2prig_page_inject_names), kind);
	if (ret < 0 || (ret == P2PRIG_PAGE_INJECT_OFF && colon))
		return -EINVAL;

	if (ret == P2PRIG_PAGE_INJECT_OFF)
		WRITE_ONCE(p2prig_page_inject, 0);
	else
		WRITE_ONCE(p2prig_page_inject,
			   count << P2PRIG_PAGE_INJECT_SHIFT | ret);
	return 0;
}

static int p2prig_page_inject_get(char *buffer, const struct kernel_param *kp)
{
	unsigned int state = READ_ONCE(p2prig_page_inject);

	if (!state)
		return sysfs_emit(buffer, "off\n");
	return sysfs_emit(buffer, "%s:%u\n",
			  p2prig_page_inject_names[state & P2PRIG_PAGE_INJECT_KIND],
			  state >> P2PRIG_PAGE_INJECT_SHIFT);
}

static const struct kernel_param_ops p2prig_page_inject_ops = {
	.set = p2prig_page_inject_set,
	.get = p2prig_page_inject_get,
};
module_param_cb(inject_dma_debug, &p2prig_page_inject_ops, NULL, 0644);
MODULE_PARM_DESC(inject_dma_debug,
		 "Fault injection for dma-debug: off (default), size or dir, with :N for the next N unmaps of RAM (method page), one byte short or in another direction");

/*
 * Take one injection, if any is left. A short size is only taken when it
 * covers the same pages, which it does when the mapping ends on a page
 * boundary: the IOMMU unmaps and frees by the page-aligned size, swiotlb
 * releases its slots by the size it recorded.
 */
static enum p2prig_page_inject
p2prig_page_take_injection(const struct p2prig_mapping *map)
{
	unsigned int state = READ_ONCE(p2prig_page_inject);
	unsigned int next;
	bool size_ok;

	size_ok = map->length > 1 && PAGE_ALIGNED(map->dma_addr + map->length);
	do {
		if (!state || ((state & P2PRIG_PAGE_INJECT_KIND) ==
			       P2PRIG_PAGE_INJECT_SIZE && !size_ok))
			return P2PRIG_PAGE_INJECT_OFF;
		next = state - BIT(P2PRIG_PAGE_INJECT_SHIFT);
		if (!(next >> P2PRIG_PAGE_INJECT_SHIFT))
			next = 0;
	} while (!try_cmpxchg(&p2prig_page_inject, &state, next));

	return state & P2PRIG_PAGE_INJECT_KIND;
}

static int p2prig_page_map(struct p2prig_mapping *map, struct device *dev)
{
	void *vaddr = map->chunk->vaddr + map->offset;
	dma_addr_t addr;

	addr = dma_map_page(dev, virt_to_page(vaddr), offset_in_page(vaddr),
			    map->length, map->dir);
	if (dma_mapping_error(dev, addr))
		return -EIO;

	map->dma_addr = addr;
	return 0;
}

/*
 * With inject_dma_debug, the unmap misstates the size or the direction of
 * the mapping made; either way it names that mapping by its address, so
 * the mapping is released all the same and dma-debug reports the misstated
 * field. The other direction is one whose sync does no less than the
 * right one (swiotlb copies back for DMA_FROM_DEVICE and BIDIRECTIONAL).
 */
static void p2prig_page_unmap(struct p2prig_mapping *map, struct device *dev)
{
	enum dma_data_direction dir = map->dir;
	size_t size = map->length;

	switch (p2prig_page_take_injection(map)) {
	case P2PRIG_PAGE_INJECT_SIZE:
		size--;
		break;
	case P2PRIG_PAGE_INJECT_DIR:
		dir = dir == DMA_BIDIRECTIONAL ? DMA_FROM_DEVICE :
						 DMA_BIDIRECTIONAL;
		break;
	default:
		break;
	}
	dma_unmap_page(dev, map->dma_addr, size, dir);
}

static void p2prig_page_sync_for_device(struct p2prig_mapping *map,
					struct device *dev, u64 offset,
					size_t len)
{
	dma_sync_single_for_device(dev, map->dma_addr + offset, len, map->dir);
}

static void p2prig_page_sync_for_cpu(struct p2prig_mapping *map,
				     struct device *dev, u64 offset, size_t len)
{
	dma_sync_single_for_cpu(dev, map->dma_addr + offset, len, map->dir);
}

const struct p2prig_method_ops p2prig_method_page = {
	.name = "page",
	.peer = false,
	.policy = P2PRIG_POLICY_DMA_LAYER,
	.direct = P2PRIG_DIRECT_PAGES,
	.map = p2prig_page_map,
	.unmap = p2prig_page_unmap,
	.sync_for_device = p2prig_page_sync_for_device,
	.sync_for_cpu = p2prig_page_sync_for_cpu,
};
