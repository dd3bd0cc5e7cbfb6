// SPDX-License-Identifier: GPL-2.0
/*
 * Provider "ram": physically contiguous system RAM, so that the same
 * initiator and the same transfers can be measured against ordinary
 * memory, and so that what the DMA layer does to RAM (swiotlb bouncing)
 * can be told apart from what it does to MMIO.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>

#include "p2prig.h"

static int p2prig_ram_alloc(struct p2prig_chunk *chunk)
{
	void *vaddr;

	lockdep_assert_held(&p2prig_lock);

	if (chunk->size > P2PRIG_MAX_RAM_CHUNK_SIZE)
		return -EINVAL;

	vaddr = alloc_pages_exact(chunk->size, GFP_KERNEL | __GFP_ZERO |
				  __GFP_NOWARN);
	if (!vaddr)
		return -ENOMEM;

	chunk->vaddr = vaddr;
	chunk->phys = virt_to_phys(vaddr);
	return 0;
}

static void p2prig_ram_free(struct p2prig_chunk *chunk)
{
	lockdep_assert_held(&p2prig_lock);

	free_pages_exact(chunk->vaddr, chunk->size);
}

const struct p2prig_provider_ops p2prig_provider_ram = {
	.name = "ram",
	.peer = false,
	.alloc = p2prig_ram_alloc,
	.free = p2prig_ram_free,
};
