// SPDX-License-Identifier: GPL-2.0
/*
 * Exporter: part of a peer-memory chunk as a dma-buf.
 *
 * The map callback maps the range for the importing device by the export
 * method chosen at export time:
 *   mmio      the "mmio" method: the bus address for a BUS_ADDR pair,
 *             else dma_map_phys() with DMA_ATTR_MMIO (route.c);
 *   resource  the "resource" method: the same rule, dma_map_resource();
 *   mmio-host, resource-host
 *             the same DMA-layer calls whatever p2pdma decided;
 *   phys-vec  dma_buf_phys_vec_to_sgt() with the p2pdma provider of the
 *             chunk's BAR, which gives the PCI bus address to a
 *             switch-local pair (BUS_ADDR) and maps through the host
 *             bridge (IOVA or CPU address) otherwise.
 * The chunk is physically contiguous, so each importer gets one range.
 *
 * The rules are those of vfio-pci's exporter. Only importers that take
 * peer memory (allow_peer2peer) and that can be revoked (an
 * invalidate_mappings callback) may attach, and only for devices the
 * kernel's p2pdma finds a path to. Nothing is pinned. When the provider's
 * driver unbinds, the export is marked revoked under its reservation lock,
 * every importer is told to drop its mappings, and the memory only goes
 * back once they all have; maps fail with -ENODEV from then on.
 *
 * The dma-buf holds its chunk, not the file that exported it: closing
 * /dev/p2prig leaves the memory with the dma-buf, which gives it back when
 * its last reference goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#ifdef P2PRIG_HAVE_DMABUF_PHYS_VEC
#include <linux/dma-buf-mapping.h>
#endif

#include "p2prig.h"

#ifdef P2PRIG_HAVE_DMABUF_REVOKE

MODULE_IMPORT_NS("DMA_BUF");

/*
 * Revocation says so at this interval while importers keep mappings, and
 * waits this long in all (under p2prig_lock) before it takes the memory
 * back regardless.
 */
#define P2PRIG_REVOKE_NAG_MS	10000
#define P2PRIG_REVOKE_MAX_MS	60000

/**
 * struct p2prig_dmabuf - one of our dma-bufs
 * @dmabuf: the dma-buf
 * @chunk: the chunk it exposes, held while the export is on its list
 * @node: on @chunk->exports, under p2prig_lock
 * @method: enum p2prig_export_method
 * @mops: the mapping method of mmio and resource
 * @provider: the p2pdma provider of the chunk's BAR, for phys-vec; good
 *	until the export is revoked
 * @offset: start within the chunk
 * @length: bytes; the dma-buf's size
 * @revoked: the memory is going or gone; under the reservation lock
 * @live_maps: maps not yet unmapped; written under the reservation lock
 * @unmapped: woken when @live_maps drops to zero
 * @attaches: importers accepted
 * @detaches: importers gone
 * @attach_refused: importers refused
 * @maps: successful maps
 * @unmaps: unmaps
 * @map_failed: maps that failed
 * @revocations: attachments told to drop their mappings at revocation
 */
struct p2prig_dmabuf {
	struct dma_buf *dmabuf;
	struct p2prig_chunk *chunk;
	struct list_head node;
	u32 method;
	const struct p2prig_method_ops *mops;
	struct p2pdma_provider *provider;
	u64 offset;
	size_t length;
	bool revoked;
	unsigned int live_maps;
	wait_queue_head_t unmapped;
	atomic64_t attaches;
	atomic64_t detaches;
	atomic64_t attach_refused;
	atomic64_t maps;
	atomic64_t unmaps;
	atomic64_t map_failed;
	atomic64_t revocations;
};

/* A mapping by a p2prig method, as the one-entry table importers take. */
struct p2prig_dmabuf_sgt {
	struct sg_table sgt;
	struct p2prig_mapping map;
};

/* Our dma-bufs alive. Protected by p2prig_lock. */
static unsigned int p2prig_exports_alive;

static const struct dma_buf_ops p2prig_dmabuf_ops;

static int p2prig_dmabuf_attach(struct dma_buf *dmabuf,
				struct dma_buf_attachment *attach)
{
	struct p2prig_dmabuf *buf = dmabuf->priv;
	int ret = 0;

	/* Peer memory has no struct pages an importer could use... */
	if (!attach->peer2peer)
		ret = -EOPNOTSUPP;
	/* ...and goes when its provider unbinds: revocable importers only. */
	else if (!dma_buf_attach_revocable(attach))
		ret = -EOPNOTSUPP;
	/* Never a path the kernel's p2pdma does not trust. */
	else if (pci_p2pdma_distance(buf->chunk->pdev, attach->dev, false) < 0)
		ret = -EREMOTEIO;

	if (!ret) {
		dma_resv_lock(dmabuf->resv, NULL);
		if (buf->revoked)
			ret = -ENODEV;
		dma_resv_unlock(dmabuf->resv);
	}

	atomic64_inc(ret ? &buf->attach_refused : &buf->attaches);
	return ret;
}

static void p2prig_dmabuf_detach(struct dma_buf *dmabuf,
				 struct dma_buf_attachment *attach)
{
	struct p2prig_dmabuf *buf = dmabuf->priv;

	atomic64_inc(&buf->detaches);
}

/*
 * An entry's DMA length is 32 bits: an export of 4 GiB or more is handed
 * out as entries of at most this many bytes, back to back in DMA space.
 */
#define P2PRIG_DMABUF_MAX_ENTRY	ALIGN_DOWN(UINT_MAX, PAGE_SIZE)

/* DMA addresses only: the entries name no page. */
static void p2prig_dmabuf_fill_dma(struct sg_table *sgt, dma_addr_t addr,
				   size_t length)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		unsigned int len = min_t(size_t, length,
					 P2PRIG_DMABUF_MAX_ENTRY);

		sg_dma_address(sg) = addr;
		sg_dma_len(sg) = len;
		addr += len;
		length -= len;
	}
}

static struct sg_table *p2prig_dmabuf_map_method(struct p2prig_dmabuf *buf,
						 struct device *dev,
						 enum dma_data_direction dir)
{
	struct p2prig_dmabuf_sgt *w;
	int ret;

	w = kzalloc_obj(*w);
	if (!w)
		return ERR_PTR(-ENOMEM);
	w->map.chunk = buf->chunk;
	w->map.method = buf->mops;
	w->map.offset = buf->offset;
	w->map.length = buf->length;
	w->map.dir = dir;

	ret = sg_alloc_table(&w->sgt,
			     DIV_ROUND_UP(buf->length, P2PRIG_DMABUF_MAX_ENTRY),
			     GFP_KERNEL);
	if (ret)
		goto free;
	/* The route MAP would take for this importer, decided the same way. */
	ret = p2prig_route_decide(&w->map, dev);
	if (ret)
		goto free_table;
	/* dma-direct would WARN on an address beyond the importer's mask. */
	ret = p2prig_route_reach_direct(&w->map, dev);
	if (ret)
		goto free_table;
	ret = p2prig_route_map(&w->map, dev);
	if (ret)
		goto free_table;

	p2prig_dmabuf_fill_dma(&w->sgt, w->map.dma_addr, buf->length);
	return &w->sgt;

free_table:
	sg_free_table(&w->sgt);
free:
	kfree(w);
	return ERR_PTR(ret);
}

static void p2prig_dmabuf_unmap_method(struct p2prig_dmabuf *buf,
				       struct device *dev,
				       struct sg_table *sgt)
{
	struct p2prig_dmabuf_sgt *w = container_of(sgt, typeof(*w), sgt);

	p2prig_route_unmap(&w->map, dev);
	sg_free_table(&w->sgt);
	kfree(w);
}

#ifdef P2PRIG_HAVE_DMABUF_PHYS_VEC

static const bool p2prig_have_phys_vec = true;

static struct sg_table *
p2prig_dmabuf_map_phys_vec(struct p2prig_dmabuf *buf,
			   struct dma_buf_attachment *attach,
			   enum dma_data_direction dir)
{
	struct phys_vec vec = {
		.paddr = buf->chunk->phys + buf->offset,
		.len = buf->length,
	};
	int ret;

	/* As for the other methods: dma-direct would WARN beyond the mask. */
	ret = p2prig_dma_reach_direct(attach->dev, vec.paddr, vec.len,
				      P2PRIG_DIRECT_MMIO);
	if (ret)
		return ERR_PTR(ret);
	return dma_buf_phys_vec_to_sgt(attach, buf->provider, &vec, 1,
				       buf->length, dir);
}

static void p2prig_dmabuf_unmap_phys_vec(struct dma_buf_attachment *attach,
					 struct sg_table *sgt,
					 enum dma_data_direction dir)
{
	/*
	 * The helper hands out its table with orig_nents cleared (no CPU
	 * list), and sg_free_table() frees orig_nents entries: without
	 * this, every map leaks the entry array. The entries it allocated
	 * are the nents it filled.
	 */
	if (!sgt->orig_nents)
		sgt->orig_nents = sgt->nents;
	dma_buf_free_sgt(attach, sgt, dir);
}

static struct p2pdma_provider *p2prig_dmabuf_provider(struct p2prig_chunk *c)
{
	/* p2pmem lives in the provider's p2pdma state, set up by its driver. */
	if (!rcu_access_pointer(c->pdev->p2pdma))
		return NULL;
	return pcim_p2pdma_provider(c->pdev, c->bar);
}

#else /* !P2PRIG_HAVE_DMABUF_PHYS_VEC */

static const bool p2prig_have_phys_vec;

static struct sg_table *
p2prig_dmabuf_map_phys_vec(struct p2prig_dmabuf *buf,
			   struct dma_buf_attachment *attach,
			   enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void p2prig_dmabuf_unmap_phys_vec(struct dma_buf_attachment *attach,
					 struct sg_table *sgt,
					 enum dma_data_direction dir)
{
}

static struct p2pdma_provider *p2prig_dmabuf_provider(struct p2prig_chunk *c)
{
	return NULL;
}

#endif /* P2PRIG_HAVE_DMABUF_PHYS_VEC */

static struct sg_table *p2prig_dmabuf_map(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir)
{
	struct p2prig_dmabuf *buf = attach->dmabuf->priv;
	struct sg_table *sgt;

	dma_resv_assert_held(attach->dmabuf->resv);

	if (buf->revoked)
		sgt = ERR_PTR(-ENODEV);
	else if (buf->method == P2PRIG_EXPORT_PHYS_VEC)
		sgt = p2prig_dmabuf_map_phys_vec(buf, attach, dir);
	else
		sgt = p2prig_dmabuf_map_method(buf, attach->dev, dir);

	if (IS_ERR(sgt)) {
		atomic64_inc(&buf->map_failed);
		return sgt;
	}
	WRITE_ONCE(buf->live_maps, buf->live_maps + 1);
	atomic64_inc(&buf->maps);
	return sgt;
}

static void p2prig_dmabuf_unmap(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	struct p2prig_dmabuf *buf = attach->dmabuf->priv;

	dma_resv_assert_held(attach->dmabuf->resv);

	if (buf->method == P2PRIG_EXPORT_PHYS_VEC)
		p2prig_dmabuf_unmap_phys_vec(attach, sgt, dir);
	else
		p2prig_dmabuf_unmap_method(buf, attach->dev, sgt);

	atomic64_inc(&buf->unmaps);
	WRITE_ONCE(buf->live_maps, buf->live_maps - 1);
	if (!buf->live_maps)
		wake_up_all(&buf->unmapped);
}

/* The last reference is gone: give the chunk back to its handle, or free it. */
static void p2prig_dmabuf_release(struct dma_buf *dmabuf)
{
	struct p2prig_dmabuf *buf = dmabuf->priv;

	mutex_lock(&p2prig_lock);
	list_del(&buf->node);
	p2prig_exports_alive--;
	p2prig_chunk_put(buf->chunk);
	mutex_unlock(&p2prig_lock);

	kfree(buf);
}

static const struct dma_buf_ops p2prig_dmabuf_ops = {
	.attach = p2prig_dmabuf_attach,
	.detach = p2prig_dmabuf_detach,
	.map_dma_buf = p2prig_dmabuf_map,
	.unmap_dma_buf = p2prig_dmabuf_unmap,
	.release = p2prig_dmabuf_release,
};

u32 p2prig_export_method_mask(void)
{
	u32 mask = BIT(P2PRIG_EXPORT_RESOURCE) |
		   BIT(P2PRIG_EXPORT_RESOURCE_HOST);

	if (p2prig_method_mmio.map)
		mask |= BIT(P2PRIG_EXPORT_MMIO) | BIT(P2PRIG_EXPORT_MMIO_HOST);
	if (p2prig_have_phys_vec)
		mask |= BIT(P2PRIG_EXPORT_PHYS_VEC);
	return mask;
}

unsigned int p2prig_nr_exports(void)
{
	lockdep_assert_held(&p2prig_lock);

	return p2prig_exports_alive;
}

/* The method each export method maps by; NULL: phys-vec maps by itself. */
static const struct p2prig_method_ops *const
p2prig_export_mops[P2PRIG_EXPORT_MAX] = {
	[P2PRIG_EXPORT_MMIO] = &p2prig_method_mmio,
	[P2PRIG_EXPORT_RESOURCE] = &p2prig_method_resource,
	/* Through the host bridge whatever p2pdma decided: */
	[P2PRIG_EXPORT_MMIO_HOST] = &p2prig_method_mmio_host,
	[P2PRIG_EXPORT_RESOURCE_HOST] = &p2prig_method_resource_host,
};

/**
 * p2prig_export_create - wrap part of a chunk as a dma-buf, as a new fd
 * @chunk: live peer memory
 * @method: enum p2prig_export_method, one of p2prig_export_method_mask()
 * @offset: page aligned, within @chunk
 * @length: page multiple, > 0, within @chunk
 * @ufd: where the caller's fd goes in user memory
 *
 * Called with p2prig_lock held. The fd is only installed once it has been
 * handed to user space. Returns 0, -EOPNOTSUPP when the chunk's provider
 * has no p2pdma provider for phys-vec, -EFAULT, or the errno of fd or
 * dma-buf allocation.
 */
int p2prig_export_create(struct p2prig_chunk *chunk, u32 method, u64 offset,
			 size_t length, __s32 __user *ufd)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct p2prig_dmabuf *buf;
	struct dma_buf *dmabuf;
	int fd, ret;

	lockdep_assert_held(&p2prig_lock);

	buf = kzalloc_obj(*buf);
	if (!buf)
		return -ENOMEM;
	buf->chunk = chunk;
	buf->method = method;
	buf->offset = offset;
	buf->length = length;
	init_waitqueue_head(&buf->unmapped);

	buf->mops = p2prig_export_mops[array_index_nospec(method,
							    P2PRIG_EXPORT_MAX)];
	if (!buf->mops) {
		/* The provider's driver is bound while the chunk is live. */
		buf->provider = p2prig_dmabuf_provider(chunk);
		if (!buf->provider) {
			ret = -EOPNOTSUPP;
			goto free;
		}
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto free;
	}

	exp_info.ops = &p2prig_dmabuf_ops;
	exp_info.size = length;
	exp_info.flags = O_RDWR;
	exp_info.priv = buf;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto put_fd;
	}
	buf->dmabuf = dmabuf;
	list_add_tail(&buf->node, &chunk->exports);
	p2prig_exports_alive++;

	if (put_user(fd, ufd)) {
		put_unused_fd(fd);
		/* Its release, deferred past our lock, unlists it. */
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;

put_fd:
	put_unused_fd(fd);
free:
	kfree(buf);
	return ret;
}

/* How many importers are attached now; the reservation lock is held. */
static unsigned int p2prig_dmabuf_nr_attached(struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;
	unsigned int n = 0;

	dma_resv_assert_held(dmabuf->resv);

	list_for_each_entry(attach, &dmabuf->attachments, node)
		n++;
	return n;
}

/*
 * Say in the kernel log how many mappings of revoked @buf are left, and
 * name the devices still attached to it: the importers holding them.
 * @gave_up: the wait is over and the memory goes back anyway.
 */
static void p2prig_dmabuf_name_importers(struct p2prig_dmabuf *buf,
					 bool gave_up)
{
	struct pci_dev *pdev = buf->chunk->pdev;
	struct dma_buf_attachment *attach;
	struct dma_resv *resv = buf->dmabuf->resv;

	dma_resv_lock(resv, NULL);
	if (gave_up)
		pci_err(pdev, "%s: importers kept %u mapping(s) of a revoked dma-buf for %u ms; its memory goes back anyway, and their DMA may reach it once reused\n",
			KBUILD_MODNAME, buf->live_maps, P2PRIG_REVOKE_MAX_MS);
	else
		pci_info(pdev, "%s: waiting for importers to unmap a revoked dma-buf (%u mapping(s))\n",
			 KBUILD_MODNAME, buf->live_maps);
	list_for_each_entry(attach, &buf->dmabuf->attachments, node)
		pci_info(pdev, "%s: revoked dma-buf still attached to %s %s\n",
			 KBUILD_MODNAME, dev_driver_string(attach->dev),
			 dev_name(attach->dev));
	dma_resv_unlock(resv);
}

/**
 * p2prig_export_revoke - take the memory of a chunk back from its importers
 * @chunk: a chunk whose provider is unbinding
 *
 * Every dma-buf of @chunk is marked revoked and its importers told to drop
 * their mappings; returns once all of them have, or after
 * P2PRIG_REVOKE_MAX_MS, naming the importers that have not: the provider's
 * unbind goes on either way. Called with p2prig_lock held, before the
 * chunk's memory goes back to the provider. Importers must not need
 * p2prig_lock to unmap, and ours do not.
 */
void p2prig_export_revoke(struct p2prig_chunk *chunk)
{
	unsigned long deadline;
	struct p2prig_dmabuf *buf;
	struct dma_resv *resv;
	unsigned int n;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(buf, &chunk->exports, node) {
		resv = buf->dmabuf->resv;

		dma_resv_lock(resv, NULL);
		buf->revoked = true;
		n = p2prig_dmabuf_nr_attached(buf->dmabuf);
		dma_buf_invalidate_mappings(buf->dmabuf);
		dma_resv_wait_timeout(resv, DMA_RESV_USAGE_BOOKKEEP, false,
				      MAX_SCHEDULE_TIMEOUT);
		dma_resv_unlock(resv);
		atomic64_add(n, &buf->revocations);

		deadline = jiffies + msecs_to_jiffies(P2PRIG_REVOKE_MAX_MS);
		while (!wait_event_timeout(buf->unmapped,
					   !READ_ONCE(buf->live_maps),
					   msecs_to_jiffies(P2PRIG_REVOKE_NAG_MS))) {
			if (time_after_eq(jiffies, deadline)) {
				p2prig_dmabuf_name_importers(buf, true);
				break;
			}
			p2prig_dmabuf_name_importers(buf, false);
		}
	}
}

/**
 * p2prig_export_stats - EXPORT_STATS for one of our dma-bufs
 * @arg: @arg->fd in, the rest out
 *
 * Returns 0, -EBADF when fd is not open, or -EINVAL when it is not one of
 * our dma-bufs.
 */
int p2prig_export_stats(struct p2prig_export_stats *arg)
{
	struct p2prig_dmabuf *buf;
	struct dma_buf *dmabuf;
	int ret = 0;

	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (dmabuf->ops != &p2prig_dmabuf_ops) {
		ret = -EINVAL;
		goto put;
	}
	buf = dmabuf->priv;

	arg->method = buf->method;
	arg->attaches = atomic64_read(&buf->attaches);
	arg->detaches = atomic64_read(&buf->detaches);
	arg->attach_refused = atomic64_read(&buf->attach_refused);
	arg->maps = atomic64_read(&buf->maps);
	arg->unmaps = atomic64_read(&buf->unmaps);
	arg->map_failed = atomic64_read(&buf->map_failed);
	arg->revocations = atomic64_read(&buf->revocations);

	dma_resv_lock(dmabuf->resv, NULL);
	arg->revoked = buf->revoked;
	arg->live_maps = buf->live_maps;
	dma_resv_unlock(dmabuf->resv);
put:
	dma_buf_put(dmabuf);
	return ret;
}

/* Whether @addr is the PCI bus address of the start of one of our dma-bufs. */
bool p2prig_export_bus_addr(struct dma_buf *dmabuf, dma_addr_t addr)
{
	struct p2prig_dmabuf *buf = dmabuf->priv;

	if (dmabuf->ops != &p2prig_dmabuf_ops)
		return false;
	return addr == buf->chunk->bus_addr + buf->offset;
}

/* Whether @dmabuf is one of ours. */
bool p2prig_export_is_ours(struct dma_buf *dmabuf)
{
	return dmabuf->ops == &p2prig_dmabuf_ops;
}

#else /* !P2PRIG_HAVE_DMABUF_REVOKE */

/*
 * Without revocable importers (dma_buf_attach_revocable() and the
 * invalidate_mappings callback) peer memory cannot be taken back from an
 * importer when its provider unbinds: no export on this kernel.
 */
u32 p2prig_export_method_mask(void)
{
	return 0;
}

unsigned int p2prig_nr_exports(void)
{
	return 0;
}

int p2prig_export_create(struct p2prig_chunk *chunk, u32 method, u64 offset,
			 size_t length, __s32 __user *ufd)
{
	return -EOPNOTSUPP;
}

void p2prig_export_revoke(struct p2prig_chunk *chunk)
{
}

int p2prig_export_stats(struct p2prig_export_stats *arg)
{
	return -EOPNOTSUPP;
}

bool p2prig_export_bus_addr(struct dma_buf *dmabuf, dma_addr_t addr)
{
	return false;
}

bool p2prig_export_is_ours(struct dma_buf *dmabuf)
{
	return false;
}

#endif /* P2PRIG_HAVE_DMABUF_REVOKE */
