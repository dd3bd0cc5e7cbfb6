// SPDX-License-Identifier: GPL-2.0
/*
 * XFER: an initiator moves bytes through a mapping, to or from a user
 * buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "p2prig.h"

/* Whether a mapping made for @dir lets the initiator move bytes @xdir. */
static bool p2prig_xfer_permitted(enum dma_data_direction dir, u32 xdir)
{
	if (dir == DMA_BIDIRECTIONAL)
		return true;
	if (xdir == P2PRIG_XFER_TO_PEER)
		return dir == DMA_FROM_DEVICE;
	return dir == DMA_TO_DEVICE;
}

/*
 * The user buffer is copied to and from a kernel one under p2prig_lock
 * only: never under a dma-buf's reservation lock, which an import holds
 * across its DMA and which page faults must not nest in.
 */
int p2prig_ioctl_xfer(struct p2prig_ucmd *ucmd)
{
	struct p2prig_xfer *arg = ucmd->arg;
	struct p2prig_mapping *map;
	void __user *ubuf;
	void *kbuf;
	u64 end;
	int ret;

	if (arg->dir >= P2PRIG_XFER_MAX)
		return -EINVAL;
	if (!arg->length || arg->length > P2PRIG_MAX_XFER_SIZE ||
	    check_add_overflow(arg->offset, arg->length, &end))
		return -EINVAL;
	ubuf = u64_to_user_ptr(arg->user_ptr);

	kbuf = kmalloc(arg->length, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;

	/* Held across the DMA: neither end of the mapping may go meanwhile. */
	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(kbuf);
		return -EINTR;
	}
	map = xa_load(&ucmd->pf->mappings, arg->mapping);
	if (!map) {
		ret = -EINVAL;
		goto unlock;
	}
	if (map->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	if (end > map->length || !p2prig_xfer_permitted(map->dir, arg->dir)) {
		ret = -EINVAL;
		goto unlock;
	}
	if (arg->dir == P2PRIG_XFER_TO_PEER &&
	    copy_from_user(kbuf, ubuf, arg->length)) {
		ret = -EFAULT;
		goto unlock;
	}

	if (map->attachment) {
		ret = p2prig_import_xfer(map, arg->offset, arg->length, arg->dir,
					 kbuf, &arg->xfer_ns);
	} else {
		/* Memory the DMA layer may bounce is handed over explicitly. */
		if (arg->dir == P2PRIG_XFER_FROM_PEER &&
		    map->method->sync_for_device)
			map->method->sync_for_device(map, map->init->dev,
						     arg->offset, arg->length);
		ret = map->init->ops->xfer(map->init,
					   map->dma_addr + arg->offset,
					   arg->length, arg->dir, kbuf,
					   &arg->xfer_ns);
		if (!ret && arg->dir == P2PRIG_XFER_TO_PEER &&
		    map->method->sync_for_cpu)
			map->method->sync_for_cpu(map, map->init->dev,
						  arg->offset, arg->length);
	}

	if (!ret && arg->dir == P2PRIG_XFER_FROM_PEER &&
	    copy_to_user(ubuf, kbuf, arg->length))
		ret = -EFAULT;
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(kbuf);
	return ret;
}
