// SPDX-License-Identifier: GPL-2.0
/*
 * Method "p2p-page": the way block and RDMA drivers map p2pmem pages,
 * dma_map_sgtable() on a scatter list of them. The DMA layer asks p2pdma
 * for the pair's map type itself: a PCI bus address when both sit behind
 * one switch without ACS redirection (the entry is then marked as a bus
 * address), the CPU physical address or an IOVA through the host bridge,
 * or -EREMOTEIO when the kernel trusts no path between them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>

#include "p2prig.h"

static int p2prig_p2p_page_map(struct p2prig_mapping *map, struct device *dev)
{
	void *vaddr = map->chunk->vaddr + map->offset;
	int ret;

	/* The chunk is physically contiguous: one entry covers it. */
	ret = sg_alloc_table(&map->sgt, 1, GFP_KERNEL);
	if (ret)
		return ret;
	sg_set_page(map->sgt.sgl, virt_to_page(vaddr), map->length,
		    offset_in_page(vaddr));

	ret = dma_map_sgtable(dev, &map->sgt, map->dir, 0);
	if (ret) {
		sg_free_table(&map->sgt);
		return ret == -EREMOTEIO ? ret : -EIO;
	}

	map->dma_addr = sg_dma_address(map->sgt.sgl);
	return 0;
}

static void p2prig_p2p_page_unmap(struct p2prig_mapping *map,
				  struct device *dev)
{
	dma_unmap_sgtable(dev, &map->sgt, map->dir, 0);
	sg_free_table(&map->sgt);
}

const struct p2prig_method_ops p2prig_method_p2p_page = {
	.name = "p2p-page",
	.peer = true,
	.map = p2prig_p2p_page_map,
	.unmap = p2prig_p2p_page_unmap,
};

/**
 * p2prig_p2p_page_probe - what the kernel's p2pdma does for one page
 * @chunk: live peer memory
 * @offset: page aligned, within @chunk
 * @dev: the initiator
 * @dma: set to the page's DMA address, or 0 when it could not be mapped
 *
 * Maps the page as this method would and unmaps it at once; nothing is
 * handed to the device. Returns enum p2prig_map_type, or a negative errno
 * when mapping failed for another reason than the p2p path.
 */
int p2prig_p2p_page_probe(struct p2prig_chunk *chunk, u64 offset,
			  struct device *dev, u64 *dma)
{
	struct p2prig_mapping probe = {
		.chunk = chunk,
		.offset = offset,
		.length = PAGE_SIZE,
		.dir = DMA_BIDIRECTIONAL,
	};
	bool bus_addr;
	int ret;

	*dma = 0;
	ret = p2prig_p2p_page_map(&probe, dev);
	if (ret == -EREMOTEIO)
		return P2PRIG_MAP_TYPE_NOT_SUPPORTED;
	if (ret)
		return ret;

	*dma = probe.dma_addr;
	bus_addr = sg_dma_is_bus_address(probe.sgt.sgl);
	p2prig_p2p_page_unmap(&probe, dev);

	return bus_addr ? P2PRIG_MAP_TYPE_BUS_ADDR :
			  P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE;
}
