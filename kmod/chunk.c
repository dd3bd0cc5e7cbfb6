// SPDX-License-Identifier: GPL-2.0
/*
 * Chunks: peer memory a file holds by handle. CHUNK_ALLOC, CHUNK_FREE,
 * CHUNK_IO, and EXPORT of part of a chunk as a dma-buf.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "p2prig.h"

/* CHUNK_IO copies in steps of this size, rescheduling in between. */
#define P2PRIG_IO_STEP		SZ_1M

/*
 * Every chunk, named by a handle or held by an export only. Changed under
 * p2prig_lock and p2prig_chunks_lock both, so either one keeps it still:
 * the bus notifier reads it under the spinlock alone (p2prig_backs()).
 */
LIST_HEAD(p2prig_chunks);
DEFINE_SPINLOCK(p2prig_chunks_lock);

/**
 * p2prig_chunk_put - free a chunk that nothing holds any more
 * @chunk: a chunk whose handle is gone (@pf cleared) or whose export was
 *	just unlisted
 *
 * A chunk is held by its handle and by each of its exports; the last of
 * them to go gives the memory back (unless revoked) and frees it. Its
 * handle only goes once it has no mappings.
 */
void p2prig_chunk_put(struct p2prig_chunk *chunk)
{
	lockdep_assert_held(&p2prig_lock);

	if (chunk->pf || !list_empty(&chunk->exports))
		return;

	spin_lock(&p2prig_chunks_lock);
	list_del(&chunk->node);
	spin_unlock(&p2prig_chunks_lock);
	if (!chunk->revoked)
		chunk->ops->free(chunk);
	pci_dev_put(chunk->pdev);
	kfree(chunk);
}

/**
 * p2prig_p2pmem_alloc - take @chunk->size bytes of @chunk->pdev's p2pmem
 * @chunk: the chunk, whose vaddr, phys, bus_addr and bar are filled in
 * @bar_of: the provider's check of where the memory lies: the BAR of
 *	@chunk->pdev that holds @chunk->size bytes at @chunk->phys, or
 *	-errno when they are not where the provider lends from
 *
 * For providers that lend published p2pmem. Returns 0, -ENOMEM when the
 * pool is exhausted, or -EIO (the memory given back) when @bar_of refuses.
 */
int p2prig_p2pmem_alloc(struct p2prig_chunk *chunk,
			int (*bar_of)(const struct p2prig_chunk *chunk))
{
	void *vaddr = pci_alloc_p2pmem(chunk->pdev, chunk->size);
	int bar;

	if (!vaddr)
		return -ENOMEM;
	chunk->vaddr = vaddr;
	/* p2pmem has struct pages in the direct map (ZONE_DEVICE). */
	chunk->phys = virt_to_phys(vaddr);
	chunk->bus_addr = pci_p2pmem_virt_to_bus(chunk->pdev, vaddr);

	bar = bar_of(chunk);
	if (bar < 0) {
		p2prig_p2pmem_free(chunk);
		return -EIO;
	}
	chunk->bar = bar;
	return 0;
}

/* Give back what p2prig_p2pmem_alloc() took: the providers' free op. */
void p2prig_p2pmem_free(struct p2prig_chunk *chunk)
{
	lockdep_assert_held(&p2prig_lock);

	pci_free_p2pmem(chunk->pdev, chunk->vaddr, chunk->size);
}

/*
 * CHUNK_ALLOC could not tell user space its handle: take the chunk back,
 * unless someone mapped or exported it meanwhile through a guessed handle;
 * then it stays the file's, for CHUNK_FREE or close.
 */
void p2prig_chunk_alloc_undo(struct p2prig_ucmd *ucmd)
{
	struct p2prig_chunk *chunk = ucmd->made;
	struct p2prig_file *pf = ucmd->pf;

	/* Cleanup: not killable. */
	mutex_lock(&p2prig_lock);
	if (xa_load(&pf->chunks, ucmd->handle) == chunk &&
	    !chunk->nr_mappings && list_empty(&chunk->exports)) {
		xa_erase(&pf->chunks, ucmd->handle);
		chunk->pf = NULL;
		p2prig_chunk_put(chunk);
	}
	mutex_unlock(&p2prig_lock);
}

/*
 * Take @chunk's memory from its provider, give it a handle of @pf, list it
 * and write the answer in @arg. The provider's device lock is held
 * meanwhile, so that its driver binding (and the bus notifier, which runs
 * under that lock) sees the chunk or none of it. Once the locks are
 * dropped the chunk is the file's: a call on a guessed handle may free it.
 */
static int p2prig_chunk_take(struct p2prig_file *pf,
			     struct p2prig_chunk *chunk,
			     struct p2prig_chunk_alloc *arg)
{
	struct pci_dev *pdev = chunk->pdev;
	int ret;

	/* Keep the provider's binding, and so its p2pmem, as it is. */
	if (pdev) {
		ret = device_lock_interruptible(&pdev->dev);
		if (ret)
			return ret;
	}
	ret = mutex_lock_killable(&p2prig_lock);
	if (ret)
		goto unlock_dev;

	ret = chunk->ops->alloc(chunk);
	if (!ret) {
		ret = xa_alloc(&pf->chunks, &arg->handle, chunk, xa_limit_32b,
			       GFP_KERNEL);
		if (ret)
			chunk->ops->free(chunk);
	}
	if (!ret) {
		arg->bar = chunk->bar;
		arg->phys_addr = chunk->phys;
		arg->bus_addr = chunk->bus_addr;
		arg->bar_phys = pdev ? pci_resource_start(pdev, chunk->bar) : 0;
		arg->bar_size = pdev ? pci_resource_len(pdev, chunk->bar) : 0;
		spin_lock(&p2prig_chunks_lock);
		list_add_tail(&chunk->node, &p2prig_chunks);
		spin_unlock(&p2prig_chunks_lock);
	}

	mutex_unlock(&p2prig_lock);
unlock_dev:
	if (pdev)
		device_unlock(&pdev->dev);
	return ret;
}

int p2prig_ioctl_chunk_alloc(struct p2prig_ucmd *ucmd)
{
	struct p2prig_chunk_alloc *arg = ucmd->arg;
	const struct p2prig_provider_ops *ops;
	struct p2prig_chunk *chunk;
	struct pci_dev *pdev;
	int ret;

	if (arg->provider >= P2PRIG_PROVIDER_MAX)
		return -EINVAL;
	if (!arg->size || !PAGE_ALIGNED(arg->size) ||
	    arg->size > (arg->provider == P2PRIG_PROVIDER_BAR ?
			 P2PRIG_MAX_BAR_CHUNK_SIZE : P2PRIG_MAX_CHUNK_SIZE))
		return -EINVAL;
	ops = p2prig_providers[array_index_nospec(arg->provider,
						  P2PRIG_PROVIDER_MAX)];

	/* System RAM has no device: the address must be all zero. */
	pdev = NULL;
	if (!ops->peer) {
		if (arg->pci.domain || arg->pci.bus || arg->pci.devfn)
			return -EINVAL;
	} else {
		pdev = pci_get_domain_bus_and_slot(arg->pci.domain,
						   arg->pci.bus,
						   arg->pci.devfn);
		if (!pdev)
			return -ENODEV;
	}

	chunk = kzalloc_obj(*chunk);
	if (!chunk) {
		pci_dev_put(pdev);
		return -ENOMEM;
	}
	chunk->ops = ops;
	chunk->pdev = pdev;
	chunk->size = arg->size;
	chunk->pf = ucmd->pf;
	INIT_LIST_HEAD(&chunk->exports);

	ret = p2prig_chunk_take(ucmd->pf, chunk, arg);
	if (ret) {
		kfree(chunk);
		pci_dev_put(pdev);
		return ret;
	}

	/* From here on the chunk is the file's, and lives by its rules. */
	ucmd->made = chunk;
	ucmd->handle = arg->handle;
	return 0;
}

/*
 * Releases the handle even when the chunk was revoked (-ENODEV), but not
 * while mappings or dma-bufs use it (-EBUSY).
 */
int p2prig_ioctl_chunk_free(struct p2prig_ucmd *ucmd)
{
	struct p2prig_handle *arg = ucmd->arg;
	struct p2prig_file *pf = ucmd->pf;
	struct p2prig_chunk *chunk;
	int ret;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = xa_load(&pf->chunks, arg->handle);
	if (!chunk) {
		ret = -EINVAL;
	} else if (chunk->nr_mappings || !list_empty(&chunk->exports)) {
		ret = -EBUSY;
	} else {
		ret = chunk->revoked ? -ENODEV : 0;
		xa_erase(&pf->chunks, arg->handle);
		chunk->pf = NULL;
		p2prig_chunk_put(chunk);
	}
	mutex_unlock(&p2prig_lock);
	return ret;
}

/* CPU copy between a chunk and a user buffer, in bounded steps. */
static int p2prig_chunk_copy(struct p2prig_chunk *chunk, u32 op, u64 offset,
			     u64 len, void __user *ubuf)
{
	void *kaddr = chunk->vaddr + offset;
	unsigned long left;
	size_t n;

	lockdep_assert_held(&p2prig_lock);

	while (len) {
		n = min_t(u64, len, P2PRIG_IO_STEP);
		if (op == P2PRIG_IO_READ)
			left = copy_to_user(ubuf, kaddr, n);
		else
			left = copy_from_user(kaddr, ubuf, n);
		if (left)
			return -EFAULT;

		kaddr += n;
		ubuf += n;
		len -= n;
		if (len && fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}

	return 0;
}

/*
 * The live chunk behind @handle that holds bytes up to @end, or an
 * ERR_PTR: -EINVAL for an unknown handle or a range beyond the chunk,
 * -ENODEV once revoked.
 */
struct p2prig_chunk *p2prig_chunk_lookup(struct p2prig_file *pf, u32 handle,
					 u64 end)
{
	struct p2prig_chunk *chunk;

	lockdep_assert_held(&p2prig_lock);

	chunk = xa_load(&pf->chunks, handle);
	if (!chunk)
		return ERR_PTR(-EINVAL);
	if (chunk->revoked)
		return ERR_PTR(-ENODEV);
	if (end > chunk->size)
		return ERR_PTR(-EINVAL);
	return chunk;
}

/*
 * Run @fn on the live chunk behind @handle holding bytes up to @end, under
 * p2prig_lock; the lookup's error otherwise.
 */
int p2prig_with_chunk(struct p2prig_ucmd *ucmd, u32 handle, u64 end,
		      int (*fn)(struct p2prig_ucmd *ucmd,
				struct p2prig_chunk *chunk))
{
	struct p2prig_chunk *chunk;
	int ret;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = p2prig_chunk_lookup(ucmd->pf, handle, end);
	ret = IS_ERR(chunk) ? PTR_ERR(chunk) : fn(ucmd, chunk);
	mutex_unlock(&p2prig_lock);
	return ret;
}

static int p2prig_chunk_io(struct p2prig_ucmd *ucmd, struct p2prig_chunk *chunk)
{
	struct p2prig_chunk_io *arg = ucmd->arg;

	return p2prig_chunk_copy(chunk, arg->op, arg->offset, arg->length,
				 u64_to_user_ptr(arg->user_ptr));
}

int p2prig_ioctl_chunk_io(struct p2prig_ucmd *ucmd)
{
	struct p2prig_chunk_io *arg = ucmd->arg;
	u64 end;

	if (arg->op >= P2PRIG_IO_MAX)
		return -EINVAL;
	if (!arg->length || check_add_overflow(arg->offset, arg->length, &end))
		return -EINVAL;
	return p2prig_with_chunk(ucmd, arg->handle, end, p2prig_chunk_io);
}

/* Only peer memory is exported: RAM has its own dma-buf heaps. */
static int p2prig_chunk_export(struct p2prig_ucmd *ucmd,
			       struct p2prig_chunk *chunk)
{
	struct p2prig_export __user *uarg = ucmd->uarg;
	struct p2prig_export *arg = ucmd->arg;

	if (!chunk->ops->peer)
		return -EINVAL;
	return p2prig_export_create(chunk, arg->method, arg->offset,
				    arg->length, &uarg->fd);
}

/*
 * The dma-buf's fd is written (to the user's argument, by the exporter)
 * before it is installed: an installed fd cannot be taken back.
 */
int p2prig_ioctl_export(struct p2prig_ucmd *ucmd)
{
	struct p2prig_export *arg = ucmd->arg;
	u64 end;

	if (arg->method >= P2PRIG_EXPORT_MAX)
		return -EINVAL;
	if (!arg->length || !PAGE_ALIGNED(arg->offset) ||
	    !PAGE_ALIGNED(arg->length) ||
	    check_add_overflow(arg->offset, arg->length, &end))
		return -EINVAL;
	if (!(p2prig_export_method_mask() & BIT(arg->method)))
		return -EOPNOTSUPP;
	return p2prig_with_chunk(ucmd, arg->chunk, end, p2prig_chunk_export);
}
