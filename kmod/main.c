// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig: a test rig for PCI peer-to-peer DMA.
 *
 * /dev/p2prig (root only) hands each open file handles to chunks of peer
 * memory and to mappings of them for initiator devices; see
 * include/uapi/p2prig.h for the contract and p2prig.h for the pieces.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/dma-direct.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/xarray.h>

#include "p2prig.h"

/* CHUNK_IO copies in steps of this size, rescheduling in between. */
#define P2PRIG_IO_STEP		SZ_1M

static const struct p2prig_provider_ops *const p2prig_providers[] = {
	[P2PRIG_PROVIDER_NVME_CMB] = &p2prig_provider_nvme_cmb,
	[P2PRIG_PROVIDER_RAM] = &p2prig_provider_ram,
	[P2PRIG_PROVIDER_BAR] = &p2prig_provider_bar,
};

static_assert(ARRAY_SIZE(p2prig_providers) == P2PRIG_PROVIDER_MAX);

static const struct p2prig_method_ops *const p2prig_methods[] = {
	[P2PRIG_METHOD_MMIO] = &p2prig_method_mmio,
	[P2PRIG_METHOD_RESOURCE] = &p2prig_method_resource,
	[P2PRIG_METHOD_P2P_PAGE] = &p2prig_method_p2p_page,
	[P2PRIG_METHOD_PAGE] = &p2prig_method_page,
	[P2PRIG_METHOD_IOVA_LINK] = &p2prig_method_iova_link,
	[P2PRIG_METHOD_MMIO_HOST] = &p2prig_method_mmio_host,
	[P2PRIG_METHOD_RESOURCE_HOST] = &p2prig_method_resource_host,
	[P2PRIG_METHOD_IOVA_LINK_HOST] = &p2prig_method_iova_link_host,
};

static_assert(ARRAY_SIZE(p2prig_methods) == P2PRIG_METHOD_MAX);

static const struct p2prig_initiator_ops *const p2prig_initiators[] = {
	[P2PRIG_INITIATOR_EDU] = &p2prig_initiator_edu,
};

static_assert(ARRAY_SIZE(p2prig_initiators) == P2PRIG_INITIATOR_MAX);

static const enum dma_data_direction p2prig_dma_dirs[] = {
	[P2PRIG_DIR_BIDIRECTIONAL] = DMA_BIDIRECTIONAL,
	[P2PRIG_DIR_TO_DEVICE] = DMA_TO_DEVICE,
	[P2PRIG_DIR_FROM_DEVICE] = DMA_FROM_DEVICE,
};

static_assert(ARRAY_SIZE(p2prig_dma_dirs) == P2PRIG_DIR_MAX);

/**
 * struct p2prig_file - what one open file of /dev/p2prig holds
 * @node: on p2prig_files
 * @chunks: handle -> struct p2prig_chunk
 * @mappings: handle -> struct p2prig_mapping; each names a chunk of @chunks
 *
 * Handles start at 1, so a zeroed handle is never valid.
 */
struct p2prig_file {
	struct list_head node;
	struct xarray chunks;
	struct xarray mappings;
};

/* Serialises all chunk, mapping and handle state: see p2prig.h. */
DEFINE_MUTEX(p2prig_lock);

/* Open files, so that revocation can find every mapping. */
static LIST_HEAD(p2prig_files);

/*
 * Every chunk, named by a handle or held by an export only. Changed under
 * p2prig_lock and p2prig_chunks_lock both, so either one keeps it still:
 * the bus notifier reads it under the spinlock alone (p2prig_backs()).
 */
static LIST_HEAD(p2prig_chunks);
static DEFINE_SPINLOCK(p2prig_chunks_lock);

/*
 * Undo the method's mapping, or unmap and detach an import. The object
 * stays, revoked, until its handle is released; the caller frees it or
 * leaves it to answer -ENODEV. Returns whether the exporter of an import
 * had revoked it already.
 */
static bool p2prig_mapping_unmap(struct p2prig_mapping *map, u64 *unmap_ns)
{
	bool exporter_revoked = false;
	u64 start;

	lockdep_assert_held(&p2prig_lock);

	start = ktime_get_ns();
	if (map->attachment) {
		exporter_revoked = p2prig_import_release(map->attachment);
		map->attachment = NULL;
	} else {
		p2prig_route_unmap(map, map->init->dev);
	}
	if (unmap_ns)
		*unmap_ns = ktime_get_ns() - start;

	map->init = NULL;
	map->revoked = true;
	return exporter_revoked;
}

/* Free a mapping whose handle is gone, unmapping it if still live. */
static void p2prig_mapping_free(struct p2prig_mapping *map)
{
	lockdep_assert_held(&p2prig_lock);

	if (!map->revoked)
		p2prig_mapping_unmap(map, NULL);
	if (map->chunk)
		map->chunk->nr_mappings--;
	kfree(map);
}

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

/*
 * Take back everything made from @chunk, its importers first, and give its
 * memory back.
 */
static void p2prig_chunk_revoke(struct p2prig_chunk *chunk)
{
	struct p2prig_mapping *map;
	unsigned long index;

	lockdep_assert_held(&p2prig_lock);

	p2prig_export_revoke(chunk);

	/* Mappings only exist while the chunk's handle does. */
	if (chunk->pf) {
		xa_for_each(&chunk->pf->mappings, index, map) {
			if (map->chunk == chunk && !map->revoked)
				p2prig_mapping_unmap(map, NULL);
		}
	}

	chunk->ops->free(chunk);
	chunk->vaddr = NULL;
	chunk->revoked = true;
}

/**
 * p2prig_revoke_initiator - unmap every mapping made for an initiator
 * @init: the initiator, which its driver is about to unbind
 *
 * Its mappings keep their handles and answer -ENODEV from now on.
 */
void p2prig_revoke_initiator(struct p2prig_initiator *init)
{
	struct p2prig_mapping *map;
	struct p2prig_file *pf;
	unsigned long index;
	unsigned int n = 0;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(pf, &p2prig_files, node) {
		xa_for_each(&pf->mappings, index, map) {
			if (map->init == init) {
				p2prig_mapping_unmap(map, NULL);
				n++;
			}
		}
	}

	if (n)
		dev_info(init->dev, "%s: revoked %u mapping(s)\n",
			 KBUILD_MODNAME, n);
}

/* The same for every chunk lent by @pdev, whose driver is unbinding. */
static void p2prig_revoke_provider(struct pci_dev *pdev)
{
	struct p2prig_chunk *chunk;
	unsigned int n = 0;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(chunk, &p2prig_chunks, node) {
		if (chunk->pdev == pdev && !chunk->revoked) {
			p2prig_chunk_revoke(chunk);
			n++;
		}
	}

	if (n)
		pci_info(pdev, "%s: revoked %u chunk(s)\n", KBUILD_MODNAME, n);
}

/*
 * Whether any chunk, revoked or not, came from @pdev. Without p2prig_lock,
 * which an ioctl may hold for long (MAP_BENCH, XFER). Called with the
 * device lock of @pdev held: CHUNK_ALLOC lists a chunk from @pdev under
 * that lock, so none can appear meanwhile; one that goes meanwhile only
 * costs a walk under p2prig_lock that finds nothing.
 */
static bool p2prig_backs(struct pci_dev *pdev)
{
	struct p2prig_chunk *chunk;
	bool found = false;

	spin_lock(&p2prig_chunks_lock);
	list_for_each_entry(chunk, &p2prig_chunks, node) {
		if (chunk->pdev == pdev) {
			found = true;
			break;
		}
	}
	spin_unlock(&p2prig_chunks_lock);
	return found;
}

/*
 * p2pmem is device-managed on the provider's driver binding, and the
 * provider's teardown waits for every allocation to come back. This runs
 * under the device lock before the driver's remove, so it is the last
 * moment to unmap and free what we took; CHUNK_ALLOC holds the same
 * device lock, so no chunk can appear after it.
 *
 * It runs for every PCI device of the machine: one that lent us nothing
 * goes on at once, never waiting for p2prig_lock. (Our initiators revoke
 * in their own driver's remove.)
 */
static int p2prig_pci_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct device *dev = data;

	if (action != BUS_NOTIFY_UNBIND_DRIVER ||
	    !p2prig_backs(to_pci_dev(dev)))
		return NOTIFY_DONE;

	/* An unbind cannot fail: not killable. */
	mutex_lock(&p2prig_lock);
	p2prig_revoke_provider(to_pci_dev(dev));
	mutex_unlock(&p2prig_lock);

	return NOTIFY_OK;
}

static struct notifier_block p2prig_pci_nb = {
	.notifier_call = p2prig_pci_notify,
};

static int p2prig_ioctl_info(void __user *argp)
{
	struct p2prig_info info;
	unsigned int i;

	memset(&info, 0, sizeof(info));
	info.uapi_version = P2PRIG_UAPI_VERSION;
	for (i = 0; i < P2PRIG_PROVIDER_MAX; i++)
		info.provider_mask |= BIT(i);
	for (i = 0; i < P2PRIG_METHOD_MAX; i++) {
		if (p2prig_methods[i]->map)
			info.method_mask |= BIT(i);
	}
	for (i = 0; i < P2PRIG_INITIATOR_MAX; i++)
		info.initiator_mask |= BIT(i);
	info.max_chunk_size = P2PRIG_MAX_CHUNK_SIZE;
	info.max_bar_chunk_size = P2PRIG_MAX_BAR_CHUNK_SIZE;
	info.max_xfer_size = P2PRIG_MAX_XFER_SIZE;
	info.export_method_mask = p2prig_export_method_mask();
	strscpy(info.kernel_release, utsname()->release);

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	info.nr_exports = p2prig_nr_exports();
	info.nr_imports = p2prig_nr_imports();
	mutex_unlock(&p2prig_lock);

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * CHUNK_ALLOC could not tell user space its handle: take the chunk back,
 * unless someone mapped or exported it meanwhile through a guessed handle;
 * then it stays the file's, for CHUNK_FREE or close.
 */
static void p2prig_chunk_alloc_undo(struct p2prig_file *pf, u32 handle,
				    struct p2prig_chunk *chunk)
{
	/* Cleanup: not killable. */
	mutex_lock(&p2prig_lock);
	if (xa_load(&pf->chunks, handle) == chunk && !chunk->nr_mappings &&
	    list_empty(&chunk->exports)) {
		xa_erase(&pf->chunks, handle);
		chunk->pf = NULL;
		p2prig_chunk_put(chunk);
	}
	mutex_unlock(&p2prig_lock);
}

/*
 * The provider's device lock is held while the memory is taken and the
 * chunk listed, so that its driver binding (and the bus notifier, which
 * runs under that lock) sees the chunk or none of it; the answer is copied
 * out after both locks are dropped.
 */
static int p2prig_ioctl_chunk_alloc(struct p2prig_file *pf, void __user *argp)
{
	const struct p2prig_provider_ops *ops;
	struct p2prig_chunk_alloc arg;
	struct p2prig_chunk *chunk;
	struct pci_dev *pdev;
	u32 handle;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.provider >= P2PRIG_PROVIDER_MAX || arg.reserved0 ||
	    arg.pci.reserved || !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.size || !PAGE_ALIGNED(arg.size) ||
	    arg.size > (arg.provider == P2PRIG_PROVIDER_BAR ?
			 P2PRIG_MAX_BAR_CHUNK_SIZE : P2PRIG_MAX_CHUNK_SIZE))
		return -EINVAL;
	ops = p2prig_providers[array_index_nospec(arg.provider,
						  P2PRIG_PROVIDER_MAX)];

	/* System RAM has no device: the address must be all zero. */
	pdev = NULL;
	if (!ops->peer) {
		if (arg.pci.domain || arg.pci.bus || arg.pci.devfn)
			return -EINVAL;
	} else {
		pdev = pci_get_domain_bus_and_slot(arg.pci.domain, arg.pci.bus,
						   arg.pci.devfn);
		if (!pdev)
			return -ENODEV;
	}

	chunk = kzalloc_obj(*chunk);
	if (!chunk) {
		ret = -ENOMEM;
		goto put_pdev;
	}
	chunk->ops = ops;
	chunk->pdev = pdev;
	chunk->size = arg.size;
	chunk->pf = pf;
	INIT_LIST_HEAD(&chunk->exports);

	/* Keep the provider's binding, and so its p2pmem, as it is. */
	if (pdev) {
		ret = device_lock_interruptible(&pdev->dev);
		if (ret)
			goto free_chunk;
	}
	ret = mutex_lock_killable(&p2prig_lock);
	if (ret)
		goto unlock_dev;

	ret = ops->alloc(chunk);
	if (ret)
		goto unlock;

	ret = xa_alloc(&pf->chunks, &handle, chunk, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto free_mem;

	arg.handle = handle;
	arg.bar = chunk->bar;
	arg.phys_addr = chunk->phys;
	arg.bus_addr = chunk->bus_addr;
	arg.bar_phys = pdev ? pci_resource_start(pdev, chunk->bar) : 0;
	arg.bar_size = pdev ? pci_resource_len(pdev, chunk->bar) : 0;
	spin_lock(&p2prig_chunks_lock);
	list_add_tail(&chunk->node, &p2prig_chunks);
	spin_unlock(&p2prig_chunks_lock);

	mutex_unlock(&p2prig_lock);
	if (pdev)
		device_unlock(&pdev->dev);

	/* From here on the chunk is the file's, and lives by its rules. */
	if (copy_to_user(argp, &arg, sizeof(arg))) {
		p2prig_chunk_alloc_undo(pf, handle, chunk);
		return -EFAULT;
	}
	return 0;

free_mem:
	ops->free(chunk);
unlock:
	mutex_unlock(&p2prig_lock);
unlock_dev:
	if (pdev)
		device_unlock(&pdev->dev);
free_chunk:
	kfree(chunk);
put_pdev:
	pci_dev_put(pdev);
	return ret;
}

/*
 * Releases the handle even when the chunk was revoked (-ENODEV), but not
 * while mappings or dma-bufs use it (-EBUSY).
 */
static int p2prig_ioctl_chunk_free(struct p2prig_file *pf, void __user *argp)
{
	struct p2prig_chunk *chunk;
	struct p2prig_handle arg;
	int ret = 0;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = xa_load(&pf->chunks, arg.handle);
	if (!chunk) {
		ret = -EINVAL;
		goto unlock;
	}
	if (chunk->nr_mappings || !list_empty(&chunk->exports)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (chunk->revoked)
		ret = -ENODEV;

	xa_erase(&pf->chunks, arg.handle);
	chunk->pf = NULL;
	p2prig_chunk_put(chunk);
unlock:
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
 * The live chunk behind  that holds bytes up to , or an ERR_PTR:
 * -EINVAL for an unknown handle or a range beyond the chunk, -ENODEV once
 * revoked.
 */
static struct p2prig_chunk *p2prig_chunk_lookup(struct p2prig_file *pf,
						u32 handle, u64 end)
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

static int p2prig_ioctl_chunk_io(struct p2prig_file *pf, void __user *argp)
{
	struct p2prig_chunk *chunk;
	struct p2prig_chunk_io arg;
	u64 end;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.op >= P2PRIG_IO_MAX ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.length || check_add_overflow(arg.offset, arg.length, &end))
		return -EINVAL;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = p2prig_chunk_lookup(pf, arg.handle, end);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto unlock;
	}

	ret = p2prig_chunk_copy(chunk, arg.op, arg.offset, arg.length,
				u64_to_user_ptr(arg.user_ptr));
unlock:
	mutex_unlock(&p2prig_lock);
	return ret;
}

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

static int p2prig_ioctl_map(struct p2prig_file *pf, void __user *argp)
{
	const struct p2prig_initiator_ops *iops;
	const struct p2prig_method_ops *method;
	struct p2prig_initiator *init;
	struct p2prig_mapping *map;
	struct p2prig_chunk *chunk;
	struct p2prig_map arg;
	u32 handle;
	u64 start, end;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.method >= P2PRIG_METHOD_MAX ||
	    arg.initiator >= P2PRIG_INITIATOR_MAX ||
	    arg.dir >= P2PRIG_DIR_MAX || arg.pci.reserved || arg.reserved0 ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.length || !PAGE_ALIGNED(arg.offset) ||
	    check_add_overflow(arg.offset, arg.length, &end))
		return -EINVAL;
	method = p2prig_methods[array_index_nospec(arg.method,
						   P2PRIG_METHOD_MAX)];
	iops = p2prig_initiators[array_index_nospec(arg.initiator,
						    P2PRIG_INITIATOR_MAX)];
	if (!method->map)
		return -EOPNOTSUPP;

	map = kzalloc_obj(*map);
	if (!map)
		return -ENOMEM;

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(map);
		return -EINTR;
	}
	chunk = p2prig_chunk_lookup(pf, arg.chunk, end);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto unlock;
	}
	init = iops->find(&arg.pci);
	if (!init) {
		ret = -ENODEV;
		goto unlock;
	}
	/* MMIO attributes on RAM, or RAM's page calls on MMIO, are misuse. */
	if (method->peer != chunk->ops->peer) {
		ret = -EINVAL;
		goto unlock;
	}

	map->chunk = chunk;
	map->method = method;
	map->init = init;
	map->offset = arg.offset;
	map->length = arg.length;
	map->dir = p2prig_dma_dirs[array_index_nospec(arg.dir,
						      P2PRIG_DIR_MAX)];

	arg.p2p_distance = -1;
	if (chunk->pdev)
		arg.p2p_distance = pci_p2pdma_distance(chunk->pdev, init->dev,
						       false);
	/*
	 * The kernel's rule for the pair's map type, or the method's
	 * deliberate host-bridge route; never a path p2pdma does not trust.
	 */
	ret = p2prig_route_decide(map, init->dev);
	if (ret)
		goto unlock;
	arg.map_type = map->map_type;
	arg.route = map->route;

	/* Never an address beyond the mask; checked outside the timed call. */
	ret = p2prig_route_reach_direct(map, init->dev);
	if (ret)
		goto unlock;

	/* Only ever an address a provider gave us. */
	start = ktime_get_ns();
	ret = p2prig_route_map(map, init->dev);
	arg.map_ns = ktime_get_ns() - start;
	if (ret)
		goto unlock;
	/* p2pdma hands out a bus address without looking at the mask. */
	ret = p2prig_dma_reach(init->dev, map->dma_addr, map->length);
	if (ret)
		goto unmap;
	arg.flags = p2prig_route_map_flags(map, init->dev);

	ret = xa_alloc(&pf->mappings, &handle, map, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto unmap;
	chunk->nr_mappings++;

	arg.handle = handle;
	arg.dma_addr = map->dma_addr;
	if (copy_to_user(argp, &arg, sizeof(arg))) {
		ret = -EFAULT;
		goto erase_handle;
	}

	mutex_unlock(&p2prig_lock);
	return 0;

erase_handle:
	xa_erase(&pf->mappings, handle);
	chunk->nr_mappings--;
unmap:
	p2prig_mapping_unmap(map, NULL);
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(map);
	return ret;
}

/* Releases the handle even when the mapping was revoked (-ENODEV). */
static int p2prig_ioctl_unmap(struct p2prig_file *pf, void __user *argp)
{
	struct p2prig_mapping *map;
	struct p2prig_unmap arg;
	int ret = 0;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved0 || !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	/*
	 * Erase only a handle the file holds: index 0 of an XA_FLAGS_ALLOC1
	 * array holds a reserved entry, and xa_erase() of 0 would free it,
	 * so that the next MAP or IMPORT handed out handle 0.
	 */
	map = xa_load(&pf->mappings, arg.handle);
	if (!map) {
		ret = -EINVAL;
		goto unlock;
	}
	xa_erase(&pf->mappings, arg.handle);
	if (map->revoked || p2prig_mapping_unmap(map, &arg.unmap_ns))
		ret = -ENODEV;
	p2prig_mapping_free(map);
unlock:
	mutex_unlock(&p2prig_lock);

	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/*
 * An import answers -ENODEV once its exporter revoked it, and once its
 * initiator went away; either way UNMAP releases it.
 * A pinned import (P2PRIG_ATTACH_F_PINNED) is never revoked by its exporter.
 */
static int p2prig_ioctl_import(struct p2prig_file *pf, void __user *argp)
{
	const struct p2prig_initiator_ops *iops;
	struct p2prig_initiator *init;
	struct p2prig_mapping *map;
	struct p2prig_import arg;
	u32 handle;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.initiator >= P2PRIG_INITIATOR_MAX || arg.dir >= P2PRIG_DIR_MAX ||
	    arg.pci.reserved || (arg.attach_flags & ~P2PRIG_ATTACH_F_PINNED) ||
	    arg.reserved1 ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	iops = p2prig_initiators[array_index_nospec(arg.initiator,
						    P2PRIG_INITIATOR_MAX)];

	map = kzalloc_obj(*map);
	if (!map)
		return -ENOMEM;

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(map);
		return -EINTR;
	}
	init = iops->find(&arg.pci);
	if (!init) {
		ret = -ENODEV;
		goto unlock;
	}
	map->init = init;
	map->dir = p2prig_dma_dirs[array_index_nospec(arg.dir,
						      P2PRIG_DIR_MAX)];

	ret = p2prig_import_create(map, &arg);
	if (ret)
		goto unlock;

	ret = xa_alloc(&pf->mappings, &handle, map, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto release;
	arg.handle = handle;
	if (copy_to_user(argp, &arg, sizeof(arg))) {
		ret = -EFAULT;
		goto erase_handle;
	}

	mutex_unlock(&p2prig_lock);
	return 0;

erase_handle:
	xa_erase(&pf->mappings, handle);
release:
	p2prig_import_release(map->attachment);
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(map);
	return ret;
}

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
static int p2prig_ioctl_xfer(struct p2prig_file *pf, void __user *argp)
{
	struct p2prig_mapping *map;
	struct p2prig_xfer arg;
	void __user *ubuf;
	void *kbuf;
	u64 end;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.dir >= P2PRIG_XFER_MAX ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.length || arg.length > P2PRIG_MAX_XFER_SIZE ||
	    check_add_overflow(arg.offset, arg.length, &end))
		return -EINVAL;
	ubuf = u64_to_user_ptr(arg.user_ptr);

	kbuf = kmalloc(arg.length, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;

	/* Held across the DMA: neither end of the mapping may go meanwhile. */
	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(kbuf);
		return -EINTR;
	}
	map = xa_load(&pf->mappings, arg.mapping);
	if (!map) {
		ret = -EINVAL;
		goto unlock;
	}
	if (map->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	if (end > map->length || !p2prig_xfer_permitted(map->dir, arg.dir)) {
		ret = -EINVAL;
		goto unlock;
	}
	if (arg.dir == P2PRIG_XFER_TO_PEER &&
	    copy_from_user(kbuf, ubuf, arg.length)) {
		ret = -EFAULT;
		goto unlock;
	}

	if (map->attachment) {
		ret = p2prig_import_xfer(map, arg.offset, arg.length, arg.dir,
					 kbuf, &arg.xfer_ns);
	} else {
		/* Memory the DMA layer may bounce is handed over explicitly. */
		if (arg.dir == P2PRIG_XFER_FROM_PEER &&
		    map->method->sync_for_device)
			map->method->sync_for_device(map, map->init->dev,
						     arg.offset, arg.length);
		ret = map->init->ops->xfer(map->init,
					   map->dma_addr + arg.offset,
					   arg.length, arg.dir, kbuf,
					   &arg.xfer_ns);
		if (!ret && arg.dir == P2PRIG_XFER_TO_PEER &&
		    map->method->sync_for_cpu)
			map->method->sync_for_cpu(map, map->init->dev,
						  arg.offset, arg.length);
	}

	if (!ret && arg.dir == P2PRIG_XFER_FROM_PEER &&
	    copy_to_user(ubuf, kbuf, arg.length))
		ret = -EFAULT;
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(kbuf);

	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int p2prig_ioctl_export(struct p2prig_file *pf, void __user *argp)
{
	struct p2prig_export __user *uarg = argp;
	struct p2prig_chunk *chunk;
	struct p2prig_export arg;
	u64 end;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.method >= P2PRIG_EXPORT_MAX || arg.reserved0 ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.length || !PAGE_ALIGNED(arg.offset) ||
	    !PAGE_ALIGNED(arg.length) ||
	    check_add_overflow(arg.offset, arg.length, &end))
		return -EINVAL;
	if (!(p2prig_export_method_mask() & BIT(arg.method)))
		return -EOPNOTSUPP;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = p2prig_chunk_lookup(pf, arg.chunk, end);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto unlock;
	}
	/* Only peer memory is exported: RAM has its own dma-buf heaps. */
	if (!chunk->ops->peer) {
		ret = -EINVAL;
		goto unlock;
	}

	ret = p2prig_export_create(chunk, arg.method, arg.offset, arg.length,
				   &uarg->fd);
unlock:
	mutex_unlock(&p2prig_lock);
	return ret;
}

static int p2prig_ioctl_export_stats(void __user *argp)
{
	struct p2prig_export_stats arg;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (!mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	ret = p2prig_export_stats(&arg);
	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int p2prig_ioctl_attach_check(void __user *argp)
{
	struct p2prig_attach_check arg;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~(P2PRIG_ATTACH_F_NO_P2P | P2PRIG_ATTACH_F_PINNED)) ||
	    arg.pci.reserved || arg.reserved0 ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	ret = p2prig_attach_check(&arg);
	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int p2prig_ioctl_probe(struct p2prig_file *pf, void __user *argp)
{
	const struct p2prig_initiator_ops *iops;
	struct p2prig_initiator *init;
	struct p2prig_chunk *chunk;
	struct p2prig_probe arg;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.initiator >= P2PRIG_INITIATOR_MAX || arg.pci.reserved ||
	    !PAGE_ALIGNED(arg.offset) || arg.offset > U64_MAX - PAGE_SIZE ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	iops = p2prig_initiators[array_index_nospec(arg.initiator,
						    P2PRIG_INITIATOR_MAX)];

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = p2prig_chunk_lookup(pf, arg.chunk, arg.offset + PAGE_SIZE);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto unlock;
	}
	/* Only peer memory has a p2p path to ask about. */
	if (!chunk->pdev) {
		ret = -EINVAL;
		goto unlock;
	}
	init = iops->find(&arg.pci);
	if (!init) {
		ret = -ENODEV;
		goto unlock;
	}

	arg.p2p_distance = pci_p2pdma_distance(chunk->pdev, init->dev, false);
	/* Untranslated, dma-direct would WARN on an address beyond the mask. */
	ret = p2prig_dma_reach_direct(init->dev, chunk->phys + arg.offset,
				      PAGE_SIZE,
				      P2PRIG_DIRECT_PAGES);
	if (ret)
		goto unlock;
	ret = p2prig_p2p_page_probe(chunk, arg.offset, init->dev,
				    &arg.dma_addr);
	if (ret >= 0) {
		arg.map_type = ret;
		ret = 0;
	}
unlock:
	mutex_unlock(&p2prig_lock);

	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/*
 * The run holds p2prig_lock throughout, so neither end can be revoked
 * under it (unbinding waits) and the chunk cannot be freed; runs are
 * bounded by P2PRIG_BENCH_MAX_MS. A pair the kernel's p2pdma finds no
 * path for is refused as MAP refuses it, before any call: first_error.
 */
static int p2prig_ioctl_map_bench(struct p2prig_file *pf, void __user *argp)
{
	const struct p2prig_initiator_ops *iops;
	struct p2prig_mapping proto = { };
	struct p2prig_initiator *init;
	struct p2prig_chunk *chunk;
	struct p2prig_map_bench arg;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.method >= P2PRIG_METHOD_MAX ||
	    arg.initiator >= P2PRIG_INITIATOR_MAX ||
	    arg.dir >= P2PRIG_DIR_MAX || arg.pci.reserved ||
	    !mem_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = p2prig_bench_check(&arg);
	if (ret)
		return ret;
	proto.method = p2prig_methods[array_index_nospec(arg.method,
							 P2PRIG_METHOD_MAX)];
	iops = p2prig_initiators[array_index_nospec(arg.initiator,
						    P2PRIG_INITIATOR_MAX)];
	if (!proto.method->map)
		return -EOPNOTSUPP;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	chunk = p2prig_chunk_lookup(pf, arg.chunk, arg.granule);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto unlock;
	}
	init = iops->find(&arg.pci);
	if (!init) {
		ret = -ENODEV;
		goto unlock;
	}
	if (proto.method->peer != chunk->ops->peer) {
		ret = -EINVAL;
		goto unlock;
	}

	proto.chunk = chunk;
	proto.init = init;
	proto.length = arg.granule;
	proto.dir = p2prig_dma_dirs[array_index_nospec(arg.dir,
							P2PRIG_DIR_MAX)];
	/* One route for the whole run, decided as MAP decides it. */
	if (p2prig_route_decide(&proto, init->dev)) {
		arg.first_error = -EREMOTEIO;
	} else {
		/* Every offset the run maps, checked at once. */
		proto.offset = 0;
		proto.length = chunk->size;
		if (p2prig_route_reach_direct(&proto, init->dev))
			arg.first_error = -EIO;
		proto.length = arg.granule;
	}
	arg.map_type = proto.map_type;
	arg.route = proto.route;
	if (!arg.first_error)
		ret = p2prig_bench_run(&proto, &arg);
unlock:
	mutex_unlock(&p2prig_lock);

	if (ret)
		return ret;
	if (copy_to_user(argp, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static long p2prig_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct p2prig_file *pf = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case P2PRIG_IOC_INFO:
		return p2prig_ioctl_info(argp);
	case P2PRIG_IOC_CHUNK_ALLOC:
		return p2prig_ioctl_chunk_alloc(pf, argp);
	case P2PRIG_IOC_CHUNK_FREE:
		return p2prig_ioctl_chunk_free(pf, argp);
	case P2PRIG_IOC_CHUNK_IO:
		return p2prig_ioctl_chunk_io(pf, argp);
	case P2PRIG_IOC_MAP:
		return p2prig_ioctl_map(pf, argp);
	case P2PRIG_IOC_UNMAP:
		return p2prig_ioctl_unmap(pf, argp);
	case P2PRIG_IOC_XFER:
		return p2prig_ioctl_xfer(pf, argp);
	case P2PRIG_IOC_PROBE:
		return p2prig_ioctl_probe(pf, argp);
	case P2PRIG_IOC_EXPORT:
		return p2prig_ioctl_export(pf, argp);
	case P2PRIG_IOC_EXPORT_STATS:
		return p2prig_ioctl_export_stats(argp);
	case P2PRIG_IOC_IMPORT:
		return p2prig_ioctl_import(pf, argp);
	case P2PRIG_IOC_ATTACH_CHECK:
		return p2prig_ioctl_attach_check(argp);
	case P2PRIG_IOC_MAP_BENCH:
		return p2prig_ioctl_map_bench(pf, argp);
	default:
		return -ENOTTY;
	}
}

static int p2prig_open(struct inode *inode, struct file *filp)
{
	struct p2prig_file *pf;

	/* Beyond the 0600 node: also refuse root in a user namespace. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	pf = kzalloc_obj(*pf);
	if (!pf)
		return -ENOMEM;
	xa_init_flags(&pf->chunks, XA_FLAGS_ALLOC1);
	xa_init_flags(&pf->mappings, XA_FLAGS_ALLOC1);

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(pf);
		return -EINTR;
	}
	list_add_tail(&pf->node, &p2prig_files);
	mutex_unlock(&p2prig_lock);

	filp->private_data = pf;
	return 0;
}

/*
 * Unmap, then free, everything the file holds. A chunk that a dma-buf
 * still exposes stays with the dma-buf and goes back with it.
 */
static int p2prig_release(struct inode *inode, struct file *filp)
{
	struct p2prig_file *pf = filp->private_data;
	struct p2prig_mapping *map;
	struct p2prig_chunk *chunk;
	unsigned long index;

	mutex_lock(&p2prig_lock);
	list_del(&pf->node);

	xa_for_each(&pf->mappings, index, map)
		p2prig_mapping_free(map);
	xa_destroy(&pf->mappings);

	xa_for_each(&pf->chunks, index, chunk) {
		chunk->pf = NULL;
		p2prig_chunk_put(chunk);
	}
	xa_destroy(&pf->chunks);
	mutex_unlock(&p2prig_lock);

	kfree(pf);
	return 0;
}

static const struct file_operations p2prig_fops = {
	.owner = THIS_MODULE,
	.open = p2prig_open,
	.release = p2prig_release,
	.unlocked_ioctl = p2prig_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice p2prig_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &p2prig_fops,
	.mode = 0600,
};

/* Unregister the drivers of providers below @n, in reverse order. */
static void p2prig_unregister_providers(unsigned int n)
{
	while (n--) {
		if (p2prig_providers[n]->unregister_driver)
			p2prig_providers[n]->unregister_driver();
	}
}

static int __init p2prig_init(void)
{
	unsigned int i, j;
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &p2prig_pci_nb);
	if (ret)
		return ret;

	for (i = 0; i < P2PRIG_INITIATOR_MAX; i++) {
		ret = p2prig_initiators[i]->register_driver();
		if (ret) {
			pr_err("cannot register the %s driver: %d\n",
			       p2prig_initiators[i]->name, ret);
			goto unregister_initiators;
		}
	}

	for (j = 0; j < P2PRIG_PROVIDER_MAX; j++) {
		if (!p2prig_providers[j]->register_driver)
			continue;
		ret = p2prig_providers[j]->register_driver();
		if (ret) {
			pr_err("cannot register the %s driver: %d\n",
			       p2prig_providers[j]->name, ret);
			goto unregister_providers;
		}
	}

	/* Last: user space may call in as soon as the node exists. */
	ret = misc_register(&p2prig_misc);
	if (ret)
		goto unregister_providers;

	return 0;

unregister_providers:
	p2prig_unregister_providers(j);
unregister_initiators:
	while (i--)
		p2prig_initiators[i]->unregister_driver();
	bus_unregister_notifier(&pci_bus_type, &p2prig_pci_nb);
	return ret;
}
module_init(p2prig_init);

/*
 * No file and no dma-buf of ours can be open here (both pin the module),
 * so there are no chunks, mappings or imports left; unbinding the
 * providers' devices (p2prig_bar's) and the initiators revokes nothing.
 */
static void __exit p2prig_exit(void)
{
	unsigned int i = P2PRIG_INITIATOR_MAX;

	misc_deregister(&p2prig_misc);
	p2prig_unregister_providers(P2PRIG_PROVIDER_MAX);
	while (i--)
		p2prig_initiators[i]->unregister_driver();
	bus_unregister_notifier(&pci_bus_type, &p2prig_pci_nb);
}
module_exit(p2prig_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test rig for PCI peer-to-peer DMA");
MODULE_AUTHOR("p2prig developers");
