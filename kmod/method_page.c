// SPDX-License-Identifier: GPL-2.0
/*
 * Method "page": dma_map_page() on system RAM, the reference point that
 * peer memory is compared with. Unlike MMIO, RAM may be bounced through
 * swiotlb, so transfers sync the mapping around each DMA.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/mm.h>

#include "p2prig.h"

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

static void p2prig_page_unmap(struct p2prig_mapping *map, struct device *dev)
{
	dma_unmap_page(dev, map->dma_addr, map->length, map->dir);
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
	.map = p2prig_page_map,
	.unmap = p2prig_page_unmap,
	.sync_for_device = p2prig_page_sync_for_device,
	.sync_for_cpu = p2prig_page_sync_for_cpu,
};
