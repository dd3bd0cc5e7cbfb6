// SPDX-License-Identifier: GPL-2.0
/*
 * Method "mmio": dma_map_phys() with DMA_ATTR_MMIO (Linux 6.18 and later).
 *
 * The attribute tells the DMA layer that the range is device memory: no
 * struct page is needed, no CPU cache maintenance is done and swiotlb
 * never bounces it. Unmapping must pass the same attribute.
 *
 * "mmio" maps by the kernel's rule (route.c): a BUS_ADDR pair gets the bus
 * address and this call is not made. "mmio-host" makes it whatever p2pdma
 * decided: the traffic of a switch-local pair then goes through the host
 * bridge, which is what it measures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>

#include "p2prig.h"

#ifdef DMA_ATTR_MMIO

static int p2prig_mmio_map(struct p2prig_mapping *map, struct device *dev)
{
	dma_addr_t addr;

	addr = dma_map_phys(dev, p2prig_mapping_phys(map), map->length,
			    map->dir, DMA_ATTR_MMIO);
	if (dma_mapping_error(dev, addr))
		return -EIO;

	map->dma_addr = addr;
	return 0;
}

static void p2prig_mmio_unmap(struct p2prig_mapping *map, struct device *dev)
{
	dma_unmap_phys(dev, map->dma_addr, map->length, map->dir,
		       DMA_ATTR_MMIO);
}

#else /* !DMA_ATTR_MMIO */

/* Without the attribute the method exists but cannot map. */
#define p2prig_mmio_map NULL
#define p2prig_mmio_unmap NULL

#endif /* DMA_ATTR_MMIO */

P2PRIG_DEFINE_PEER_METHODS(mmio, "mmio", "mmio-host");
