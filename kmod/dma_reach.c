// SPDX-License-Identifier: GPL-2.0
/*
 * DMA reach: refuse an address an initiator cannot take (beyond its DMA
 * mask) before the DMA layer would WARN or hand it out unchecked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/swiotlb.h>

#include "p2prig.h"

/* Whether @dev's DMA addresses are untranslated: no IOMMU, or passthrough. */
bool p2prig_dma_is_direct(struct device *dev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);

	return !domain || domain->type == IOMMU_DOMAIN_IDENTITY;
}

/**
 * p2prig_dma_reach - refuse a DMA range that @dev cannot address
 * @dev: the initiator
 * @addr: first DMA address of the range
 * @len: bytes, > 0
 *
 * Returns 0 when the range lies within @dev's DMA mask and bus limit, else
 * -EIO, said in the kernel log with the mask and the range: never an
 * address the device would truncate.
 */
int p2prig_dma_reach(struct device *dev, u64 addr, u64 len)
{
	u64 limit = min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);
	u64 end;

	if (!check_add_overflow(addr, len - 1, &end) && end <= limit)
		return 0;

	dev_info_ratelimited(dev, "%s: DMA range %#llx-%#llx lies beyond the DMA mask %#llx; refused\n",
			     KBUILD_MODNAME, addr, addr + len - 1, limit);
	return -EIO;
}

/**
 * p2prig_dma_reach_direct - refuse peer memory @dev would get untranslated
 *	beyond its DMA mask, before asking the DMA layer
 * @dev: the initiator
 * @phys: CPU physical address of the range
 * @len: bytes, > 0
 * @kind: the dma-direct path the mapping will take
 *
 * Without translation the DMA address is the one dma-direct computes for
 * the path (p2prig_direct_addr()), and dma-direct WARNs on one beyond the
 * mask before it fails. A full 64-bit mask, the common case, costs one
 * compare. Returns 0 or -EIO as p2prig_dma_reach().
 */
int p2prig_dma_reach_direct(struct device *dev, phys_addr_t phys, u64 len,
			    enum p2prig_direct_kind kind)
{
	if (min_not_zero(dma_get_mask(dev), dev->bus_dma_limit) ==
	    DMA_BIT_MASK(64) || !p2prig_dma_is_direct(dev))
		return 0;

	return p2prig_dma_reach(dev, p2prig_direct_addr(dev, phys, kind), len);
}

/* Whether dma-direct has a swiotlb pool for @dev that lies within @limit. */
static bool p2prig_swiotlb_reach(struct device *dev, u64 limit)
{
#ifdef CONFIG_SWIOTLB
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	if (!mem || !mem->nslabs)
		return false;
	return phys_to_dma(dev, mem->defpool.end - 1) <= limit;
#else
	return false;
#endif
}

/**
 * p2prig_dma_reach_ram - refuse RAM that @dev would get untranslated beyond
 *	its DMA mask, with nowhere to bounce it, before asking the DMA layer
 * @dev: the initiator
 * @phys: CPU physical address of the range
 * @len: bytes, > 0
 *
 * dma-direct hands RAM beyond the mask to swiotlb, which copies it through
 * a pool within the mask; with no pool, or one beyond the mask too, it
 * WARNs (its overflow check, or swiotlb's) and fails. Returns 0 when the
 * memory is in reach or swiotlb can bounce it (MAP then says
 * P2PRIG_MAP_F_BOUNCED), else -EIO as p2prig_dma_reach().
 */
int p2prig_dma_reach_ram(struct device *dev, phys_addr_t phys, u64 len)
{
	u64 limit = min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);

	if (limit == DMA_BIT_MASK(64) || !p2prig_dma_is_direct(dev) ||
	    p2prig_swiotlb_reach(dev, limit))
		return 0;
	return p2prig_dma_reach(dev, phys_to_dma(dev, phys), len);
}
