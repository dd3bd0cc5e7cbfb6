// SPDX-License-Identifier: GPL-2.0
/*
 * Method "resource": dma_map_resource(), the older interface for mapping
 * a physical range that has no struct page. Since 6.18 it is a wrapper
 * around dma_map_phys(..., DMA_ATTR_MMIO); before that it had a path of
 * its own, so comparing the two methods across kernels is meaningful.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>

#include "p2prig.h"

static int p2prig_resource_map(struct device *dev, phys_addr_t phys,
			       size_t len, enum dma_data_direction dir,
			       dma_addr_t *dma)
{
	dma_addr_t addr;

	addr = dma_map_resource(dev, phys, len, dir, 0);
	if (dma_mapping_error(dev, addr))
		return -EIO;

	*dma = addr;
	return 0;
}

static void p2prig_resource_unmap(struct device *dev, dma_addr_t dma,
				  size_t len, enum dma_data_direction dir)
{
	dma_unmap_resource(dev, dma, len, dir, 0);
}

const struct p2prig_method_ops p2prig_method_resource = {
	.name = "resource",
	.map = p2prig_resource_map,
	.unmap = p2prig_resource_unmap,
};
