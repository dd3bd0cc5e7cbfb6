// SPDX-License-Identifier: GPL-2.0
/*
 * Importer: an initiator attached to a dma-buf, the way an RDMA driver
 * registers one for a memory region. The attachment is dynamic, takes
 * peer memory (allow_peer2peer) and can be revoked (invalidate_mappings);
 * the dma-buf is mapped once, under its reservation lock, and stays mapped
 * until the import is released, the initiator unbinds, or the exporter
 * invalidates it.
 *
 * An invalidation is taken as a revocation: the mapping is undone at once,
 * from the callback, under the reservation lock, and the import answers
 * -ENODEV from then on. Every transfer through an import holds the same
 * lock across its DMA, so an invalidation waits for a transfer in flight
 * and no transfer starts on a mapping that is gone. User memory is never
 * touched under the reservation lock (main.c copies it before and after).
 *
 * A pinned import (P2PRIG_ATTACH_F_PINNED) is what RDMA makes of a dma-buf
 * it cannot revoke (ib_umem_dmabuf_get_pinned): the attachment takes peer
 * memory but has no invalidate_mappings, and the dma-buf is pinned
 * (dma_buf_pin()) before it is mapped, until release. Exporters that must
 * be able to revoke refuse it at attach (dma_buf_attach_revocable()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "p2prig.h"

#ifdef P2PRIG_HAVE_DMABUF_REVOKE

/**
 * struct p2prig_attachment - an initiator's attachment to a dma-buf
 * @dmabuf: the dma-buf, referenced until release
 * @attach: the attachment
 * @sgt: the exporter's mapping; NULL once unmapped. Under the dma-buf's
 *	reservation lock, as is @revoked
 * @dir: direction it was mapped in
 * @revoked: the exporter invalidated the mapping
 * @pinned: attached without invalidate_mappings and pinned until release
 */
struct p2prig_attachment {
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	enum dma_data_direction dir;
	bool revoked;
	bool pinned;
};

/* Imports alive. Protected by p2prig_lock. */
static unsigned int p2prig_imports_alive;

/* Called by the exporter with the reservation lock held. */
static void p2prig_import_invalidate(struct dma_buf_attachment *attach)
{
	struct p2prig_attachment *att = attach->importer_priv;

	dma_resv_assert_held(attach->dmabuf->resv);

	if (att->sgt) {
		dma_buf_unmap_attachment(attach, att->sgt, att->dir);
		att->sgt = NULL;
	}
	att->revoked = true;
}

static const struct dma_buf_attach_ops p2prig_import_ops = {
	.allow_peer2peer = true,
	.invalidate_mappings = p2prig_import_invalidate,
};

/* A pinned import: peer memory, but nothing to tell it when it must go. */
static const struct dma_buf_attach_ops p2prig_import_pinned_ops = {
	.allow_peer2peer = true,
};

unsigned int p2prig_nr_imports(void)
{
	lockdep_assert_held(&p2prig_lock);

	return p2prig_imports_alive;
}

/**
 * p2prig_import_create - attach @map's initiator to a dma-buf and map it
 * @map: a new mapping with @init and @dir set; its @attachment, @length and
 *	@dma_addr are filled in
 * @arg: IMPORT's argument: @fd and @attach_flags (checked by the caller)
 *	in; nr_segments, length, dma_addr, map_ns and flags out
 *
 * Called with p2prig_lock held. Returns 0 or a negative errno: -EBADF or
 * -EINVAL for a bad fd, the exporter's answer to attach, pin or map,
 * -EINTR, or -EIO when the exporter's table does not cover the dma-buf or
 * reaches beyond the initiator's DMA mask.
 */
int p2prig_import_create(struct p2prig_mapping *map, struct p2prig_import *arg)
{
	struct dma_buf_attachment *attach;
	struct p2prig_attachment *att;
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	u64 start;
	unsigned int i;
	long ret;

	lockdep_assert_held(&p2prig_lock);

	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	att = kzalloc_obj(*att);
	if (!att) {
		ret = -ENOMEM;
		goto put;
	}
	att->dmabuf = dmabuf;
	att->dir = map->dir;
	att->pinned = arg->attach_flags & P2PRIG_ATTACH_F_PINNED;

	attach = dma_buf_dynamic_attach(dmabuf, map->init->dev,
					att->pinned ? &p2prig_import_pinned_ops :
					&p2prig_import_ops, att);
	if (IS_ERR(attach)) {
		ret = PTR_ERR(attach);
		goto free;
	}
	att->attach = attach;

	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		goto detach;
	if (att->pinned) {
		ret = dma_buf_pin(attach);
		if (ret)
			goto unlock;
	}
	start = ktime_get_ns();
	sgt = dma_buf_map_attachment(attach, map->dir);
	arg->map_ns = ktime_get_ns() - start;
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto unpin;
	}
	att->sgt = sgt;

	/* A dynamic importer waits for the exporter's kernel fences itself. */
	ret = dma_resv_wait_timeout(dmabuf->resv, DMA_RESV_USAGE_KERNEL, true,
				    MAX_SCHEDULE_TIMEOUT);
	if (ret < 0)
		goto unmap;

	/* Whoever exported it, never an address the initiator would truncate. */
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (!sg_dma_len(sg))
			continue;
		ret = p2prig_dma_reach(map->init->dev, sg_dma_address(sg),
				       sg_dma_len(sg));
		if (ret)
			goto unmap;
	}
	/* The table must describe the whole dma-buf (none at all included). */
	ret = p2prig_import_check(map->init->dev, dmabuf, sgt);
	if (ret)
		goto unmap;
	arg->nr_segments = sgt->nents;
	arg->dma_addr = sg_dma_address(sgt->sgl);
	dma_resv_unlock(dmabuf->resv);

	arg->length = dmabuf->size;
	arg->flags = 0;
	if (p2prig_dma_is_direct(map->init->dev))
		arg->flags |= P2PRIG_MAP_F_DIRECT;
	if (p2prig_export_is_ours(dmabuf)) {
		arg->flags |= P2PRIG_IMPORT_F_OURS;
		if (p2prig_export_bus_addr(dmabuf, arg->dma_addr))
			arg->flags |= P2PRIG_MAP_F_BUS_ADDR;
	}

	map->attachment = att;
	map->length = dmabuf->size;
	map->dma_addr = arg->dma_addr;
	p2prig_imports_alive++;
	return 0;

unmap:
	dma_buf_unmap_attachment(attach, sgt, map->dir);
	att->sgt = NULL;
unpin:
	if (att->pinned)
		dma_buf_unpin(attach);
unlock:
	dma_resv_unlock(dmabuf->resv);
detach:
	dma_buf_detach(dmabuf, attach);
free:
	kfree(att);
put:
	dma_buf_put(dmabuf);
	return ret;
}

/**
 * p2prig_import_release - unmap, detach and drop an import
 * @att: the import, freed here
 *
 * Called with p2prig_lock held. Returns whether the exporter had revoked
 * it.
 */
bool p2prig_import_release(struct p2prig_attachment *att)
{
	struct dma_buf *dmabuf = att->dmabuf;
	bool revoked;

	lockdep_assert_held(&p2prig_lock);

	dma_resv_lock(dmabuf->resv, NULL);
	revoked = att->revoked;
	if (att->sgt) {
		dma_buf_unmap_attachment(att->attach, att->sgt, att->dir);
		att->sgt = NULL;
	}
	if (att->pinned)
		dma_buf_unpin(att->attach);
	dma_resv_unlock(dmabuf->resv);

	dma_buf_detach(dmabuf, att->attach);
	dma_buf_put(dmabuf);
	kfree(att);
	p2prig_imports_alive--;

	return revoked;
}

/**
 * p2prig_import_xfer - the initiator moves bytes through an import
 * @map: a live import
 * @offset: within the dma-buf
 * @len: 1..P2PRIG_MAX_XFER_SIZE, @offset + @len within the dma-buf
 * @dir: direction
 * @buf: kernel buffer of @len bytes
 * @xfer_ns: set to the time of the peer legs
 *
 * Called with p2prig_lock held. The reservation lock is held across the
 * DMA. Returns 0, -ENODEV once the exporter revoked the mapping, -EINTR,
 * or the initiator's error.
 */
int p2prig_import_xfer(struct p2prig_mapping *map, u64 offset, size_t len,
		       enum p2prig_xfer_dir dir, void *buf, u64 *xfer_ns)
{
	struct p2prig_attachment *att = map->attachment;
	struct dma_resv *resv = att->dmabuf->resv;
	struct scatterlist *sg;
	u64 pos = 0, at, ns;
	size_t done = 0, n;
	unsigned int i;
	int ret;

	lockdep_assert_held(&p2prig_lock);

	ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret)
		return ret;
	if (att->revoked || !att->sgt) {
		ret = -ENODEV;
		goto unlock;
	}

	*xfer_ns = 0;
	/* The exporter's ranges in order; a transfer may span two. */
	for_each_sgtable_dma_sg(att->sgt, sg, i) {
		at = offset + done;
		if (at < pos + sg_dma_len(sg)) {
			n = min_t(u64, len - done, pos + sg_dma_len(sg) - at);
			ret = map->init->ops->xfer(map->init,
						   sg_dma_address(sg) + at - pos,
						   n, dir, buf + done, &ns);
			if (ret)
				goto unlock;
			*xfer_ns += ns;
			done += n;
			if (done == len)
				break;
		}
		pos += sg_dma_len(sg);
	}
	if (done != len)
		ret = -EINVAL;
unlock:
	dma_resv_unlock(resv);
	return ret;
}

/* ATTACH_CHECK attaches nothing that is mapped: nothing to drop. */
static void p2prig_check_invalidate(struct dma_buf_attachment *attach)
{
}

/* Importer kinds by P2PRIG_ATTACH_F_* bits. */
static const struct dma_buf_attach_ops p2prig_check_ops[] = {
	[0] = {
		.allow_peer2peer = true,
		.invalidate_mappings = p2prig_check_invalidate,
	},
	[P2PRIG_ATTACH_F_NO_P2P] = {
		.invalidate_mappings = p2prig_check_invalidate,
	},
	[P2PRIG_ATTACH_F_PINNED] = {
		.allow_peer2peer = true,
	},
	[P2PRIG_ATTACH_F_NO_P2P | P2PRIG_ATTACH_F_PINNED] = {
	},
};

/**
 * p2prig_attach_check - would the exporter take this device as an importer
 * @arg: ATTACH_CHECK's argument, checked by the caller (flags within
 *	P2PRIG_ATTACH_F_*); @result out
 *
 * Returns 0 with the exporter's answer in @arg->result, or -EBADF, -EINVAL
 * for a bad fd, -ENODEV for an absent PCI function.
 */
int p2prig_attach_check(struct p2prig_attach_check *arg)
{
	const struct dma_buf_attach_ops *ops;
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf;
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot(arg->pci.domain, arg->pci.bus,
					   arg->pci.devfn);
	if (!pdev)
		return -ENODEV;
	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf)) {
		pci_dev_put(pdev);
		return PTR_ERR(dmabuf);
	}

	ops = &p2prig_check_ops[array_index_nospec(arg->flags,
						   ARRAY_SIZE(p2prig_check_ops))];
	attach = dma_buf_dynamic_attach(dmabuf, &pdev->dev, ops, NULL);
	arg->result = PTR_ERR_OR_ZERO(attach);
	if (!IS_ERR(attach))
		dma_buf_detach(dmabuf, attach);

	dma_buf_put(dmabuf);
	pci_dev_put(pdev);
	return 0;
}

#else /* !P2PRIG_HAVE_DMABUF_REVOKE */

/* No revocable importers on this kernel: see exporter.c. */
unsigned int p2prig_nr_imports(void)
{
	return 0;
}

int p2prig_import_create(struct p2prig_mapping *map, struct p2prig_import *arg)
{
	return -EOPNOTSUPP;
}

bool p2prig_import_release(struct p2prig_attachment *att)
{
	return false;
}

int p2prig_import_xfer(struct p2prig_mapping *map, u64 offset, size_t len,
		       enum p2prig_xfer_dir dir, void *buf, u64 *xfer_ns)
{
	return -ENODEV;
}

int p2prig_attach_check(struct p2prig_attach_check *arg)
{
	return -EOPNOTSUPP;
}

#endif /* P2PRIG_HAVE_DMABUF_REVOKE */
