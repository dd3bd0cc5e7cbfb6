// SPDX-License-Identifier: GPL-2.0
/*
 * Method "resource": dma_map_resource(), the older interface for mapping
 * a physical range that has no struct page. Since 6.18 it is a wrapper
 * around dma_map_phys(..., DMA_ATTR_MMIO); before that it had a path of
 * its own, so comparing the two methods across kernels is meaningful.
 * "resource" follows the kernel's rule for the pair (route.c);
 * "resource-host" always maps through the host bridge.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>

#include "p2prig.h"

static int p2prig_resource_map(struct p2prig_mapping *map, struct device *dev)
{
	dma_addr_t addr;

	addr = dma_map_resource(dev, p2prig_mapping_phys(map), map->length,
				map->dir, 0);
	if (dma_mapping_error(dev, addr))
		return -EIO;

	map->dma_addr = addr;
	return 0;
}

static void p2prig_resource_unmap(struct p2prig_mapping *map,
				  struct device *dev)
{
	dma_unmap_resource(dev, map->dma_addr, map->length, map->dir, 0);
}

P2PRIG_DEFINE_PEER_METHODS(resource, "resource", "resource-host");
