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

/*
 * One entry per max_seg_size of the initiator, as the block layer and RDMA
 * build their lists: dma-debug reports an entry longer than the device
 * claims to support (64 KiB unless its driver says otherwise).
 */
static int p2prig_p2p_page_fill(struct p2prig_mapping *map, struct device *dev)
{
	unsigned int max_seg = dma_get_max_seg_size(dev) & PAGE_MASK;
	void *vaddr = map->chunk->vaddr + map->offset;
	struct scatterlist *sg;
	size_t done = 0;
	int ret;

	if (!max_seg)
		max_seg = PAGE_SIZE;
	ret = sg_alloc_table(&map->sgt, DIV_ROUND_UP(map->length, max_seg),
			     GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(&map->sgt, sg, ret) {
		size_t len = min_t(size_t, map->length - done, max_seg);

		sg_set_page(sg, virt_to_page(vaddr + done), len,
			    offset_in_page(vaddr + done));
		done += len;
	}
	return 0;
}

/*
 * The initiator is handed one range: the mapped entries must each have a
 * length, follow each other and cover the region. An entry left without a
 * length is named as such: the DMA layer once did that to every bus
 * address entry (upstream d0d08f4bd7f6), which breaks RDMA.
 */
static int p2prig_p2p_page_check(struct p2prig_mapping *map,
				 struct device *dev)
{
	dma_addr_t start = sg_dma_address(map->sgt.sgl);
	dma_addr_t next = start;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(&map->sgt, sg, i) {
		if (!sg_dma_len(sg)) {
			dev_err(dev, "p2p-page: DMA entry %u of %u (%s) has length 0\n",
				i, map->sgt.nents,
				sg_dma_is_bus_address(sg) ? "bus address" :
							    "mapped");
			return -EIO;
		}
		if (sg_dma_address(sg) != next) {
			dev_err(dev, "p2p-page: %u entries mapped to discontiguous DMA ranges\n",
				map->sgt.nents);
			return -EIO;
		}
		next += sg_dma_len(sg);
	}
	if (next - start != map->length) {
		dev_err(dev, "p2p-page: DMA entries cover %llu bytes of %zu\n",
			(unsigned long long)(next - start), map->length);
		return -EIO;
	}
	return 0;
}

static int p2prig_p2p_page_map(struct p2prig_mapping *map, struct device *dev)
{
	int ret;

	ret = p2prig_p2p_page_fill(map, dev);
	if (ret)
		return ret;

	ret = dma_map_sgtable(dev, &map->sgt, map->dir, 0);
	if (ret) {
		sg_free_table(&map->sgt);
		return ret == -EREMOTEIO ? ret : -EIO;
	}
	ret = p2prig_p2p_page_check(map, dev);
	if (ret) {
		dma_unmap_sgtable(dev, &map->sgt, map->dir, 0);
		sg_free_table(&map->sgt);
		return ret;
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
	.policy = P2PRIG_POLICY_DMA_LAYER,
	.direct = P2PRIG_DIRECT_PAGES,
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
