// SPDX-License-Identifier: GPL-2.0
/*
 * The importer's check of an exporter's table, before any DMA goes
 * through it: the table must describe the whole dma-buf, once.
 *
 * For every exporter, each entry's range must not wrap past the end of
 * the DMA address space, and the lengths must add up to at least the
 * dma-buf's size (the importer moves bytes at offsets within the dma-buf
 * and walks the entries in order to find them).
 *
 * For our own dma-bufs more is known: the exported range is physically
 * contiguous and lies in one BAR, so whatever the method (a bus address,
 * one IOVA range, the CPU physical address) the importer gets one
 * contiguous DMA range. dma_buf_phys_vec_to_sgt() splits such a range
 * into entries of at most ALIGN_DOWN(UINT_MAX, PAGE_SIZE) bytes: those
 * must follow each other, and add up to exactly the dma-buf's size. An
 * exporter that computes the addresses of later entries wrongly (the
 * 32-bit multiply of fill_sg_entry() before 590d745680, which put every
 * entry from the third on 4 GiB too low for dma-bufs of 8 GiB and more)
 * hands out a table whose lengths are right and whose addresses alias
 * other parts of the BAR: a DMA at such an offset would read or write
 * the wrong bytes. That is refused here, and said in the kernel log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>

#include "p2prig.h"

/**
 * p2prig_import_check - refuse an exporter's table that does not describe
 *	the dma-buf
 * @dev: the importing device, for messages
 * @dmabuf: the dma-buf
 * @sgt: the exporter's mapping of it for @dev
 *
 * Returns 0, or -EIO with the first fault said in the kernel log: an
 * entry whose range wraps, lengths that fall short of the dma-buf's size,
 * or (our dma-bufs only) an entry that does not start where the previous
 * one ended, or lengths that exceed the size.
 */
int p2prig_import_check(struct device *dev, struct dma_buf *dmabuf,
			struct sg_table *sgt)
{
	bool ours = p2prig_export_is_ours(dmabuf);
	u64 total = 0, next = 0, addr, len, end;
	struct scatterlist *sg;
	unsigned int i, prev = 0, n = 0;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		addr = sg_dma_address(sg);
		len = sg_dma_len(sg);
		if (!len)
			continue;
		if (check_add_overflow(addr, len, &end) && end) {
			dev_err(dev, "%s: import: DMA entry %u %#llx+%#llx wraps past the end of the address space; refused\n",
				KBUILD_MODNAME, i, addr, len);
			return -EIO;
		}
		if (ours && n && addr != next) {
			dev_err(dev, "%s: import: dma-buf of %#zx bytes: DMA entry %u at %#llx+%#llx does not follow entry %u, which ends at %#llx; refused\n",
				KBUILD_MODNAME, dmabuf->size, i, addr, len,
				prev, next);
			return -EIO;
		}
		next = end;
		prev = i;
		total += len;
		n++;
	}

	if (total < dmabuf->size || (ours && total != dmabuf->size)) {
		dev_err(dev, "%s: import: dma-buf of %#zx bytes: the exporter's %u DMA entries add up to %#llx bytes; refused\n",
			KBUILD_MODNAME, dmabuf->size, n, total);
		return -EIO;
	}
	return 0;
}
