// SPDX-License-Identifier: GPL-2.0
/*
 * Method "iova-link": the two-step IOVA API (dma_iova_try_alloc() for the
 * address space, dma_iova_link() with DMA_ATTR_MMIO for the translation,
 * dma_iova_sync() to flush it), the way dma-buf's phys-vec helper maps
 * peer memory through an IOMMU. It only exists where the device has a
 * translating DMA domain: without an IOMMU, in passthrough or when swiotlb
 * is forced, dma_iova_try_alloc() says no and map answers -EOPNOTSUPP.
 * Kernels without the API or the attribute (6.12) leave it out.
 * "iova-link" follows the kernel's rule (route.c), as dma-buf's phys-vec
 * helper does: a BUS_ADDR pair gets the bus address, not an IOVA.
 * "iova-link-host" links an IOVA whatever p2pdma decided.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>

#include "p2prig.h"

#ifdef P2PRIG_HAVE_DMA_IOVA_LINK

static int p2prig_iova_link_map(struct p2prig_mapping *map, struct device *dev)
{
	phys_addr_t phys = p2prig_mapping_phys(map);
	int ret;

	memset(&map->iova, 0, sizeof(map->iova));
	if (!dma_iova_try_alloc(dev, &map->iova, phys, map->length))
		return -EOPNOTSUPP;

	ret = dma_iova_link(dev, &map->iova, phys, 0, map->length, map->dir,
			    DMA_ATTR_MMIO);
	if (ret)
		goto free_iova;
	ret = dma_iova_sync(dev, &map->iova, 0, map->length);
	if (ret)
		goto destroy;

	map->dma_addr = map->iova.addr;
	return 0;

destroy:
	dma_iova_destroy(dev, &map->iova, map->length, map->dir,
			 DMA_ATTR_MMIO);
	return -EIO;
free_iova:
	dma_iova_free(dev, &map->iova);
	return -EIO;
}

/* Unlinks the whole range and gives the IOVA space back in one call. */
static void p2prig_iova_link_unmap(struct p2prig_mapping *map,
				   struct device *dev)
{
	dma_iova_destroy(dev, &map->iova, map->length, map->dir,
			 DMA_ATTR_MMIO);
}

#else /* !P2PRIG_HAVE_DMA_IOVA_LINK */

/* Without the API the method exists but cannot map. */
#define p2prig_iova_link_map NULL
#define p2prig_iova_link_unmap NULL

#endif /* P2PRIG_HAVE_DMA_IOVA_LINK */

P2PRIG_DEFINE_PEER_METHODS(iova_link, "iova-link", "iova-link-host");
