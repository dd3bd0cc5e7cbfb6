/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2prig internals.
 *
 * A provider lends peer memory (a chunk), a method maps part of a chunk
 * for an initiator device, and an initiator moves bytes through such a
 * mapping. Each lives in its own file and ends in a const ops struct;
 * main.c lists them in tables indexed by the uapi enums. The ioctls are
 * one table too (ioctl.c), whose handlers live with what they act on:
 * chunk.c, mapping.c, xfer.c; revoke.c takes things back, dma_reach.c
 * keeps addresses within an initiator's DMA mask.
 *
 * Locking: p2prig_lock protects every chunk and mapping, the handle
 * tables of each open file, the list of open files and the initiators'
 * lists of bound devices. It is taken after a device lock, never before:
 * a provider's device lock in CHUNK_ALLOC and in the bus notifier, an
 * initiator's in its probe and remove.
 *
 * Revocation: peer memory and initiator devices live as long as their
 * driver binding. Before a binding goes, everything made from it is
 * unmapped or freed and marked revoked; the handles stay, answer -ENODEV
 * and are released by UNMAP, CHUNK_FREE or close.
 *
 * dma-bufs: an export holds its chunk (on @exports), so a chunk lives
 * until both its handle and its last export are gone; memory goes back to
 * the provider then, or at revocation, whichever comes first. Lock order:
 * p2prig_lock, then a dma-buf's reservation lock. The exporter's map and
 * unmap callbacks and the importer's invalidate callback run under the
 * reservation lock and never take p2prig_lock; an export's release takes
 * p2prig_lock and is only ever reached from a final fput(), which the
 * kernel defers out of our locked sections.
 */
#ifndef P2PRIG_H
#define P2PRIG_H

#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <uapi/p2prig.h>

#include <p2prig/route_rule.h>

/*
 * The path dma-direct takes for MMIO on this kernel (route_rule.h): with
 * DMA_ATTR_CC_SHARED (7.3) it applies the DMA offset and, under host memory
 * encryption, leaves the encryption bit out; before that MMIO and
 * dma_map_resource() got the physical address unchanged.
 */
#ifdef DMA_ATTR_CC_SHARED
#define P2PRIG_DIRECT_MMIO	P2PRIG_DIRECT_MMIO_SHARED
#else
#define P2PRIG_DIRECT_MMIO	P2PRIG_DIRECT_MMIO_PHYS
#endif

struct dma_buf;
struct file;
struct p2prig_attachment;
struct p2prig_file;
struct p2prig_initiator;

/**
 * struct p2prig_chunk - peer memory taken from a provider
 * @ops: the provider that lent it
 * @pdev: the provider's PCI function, referenced until the chunk is freed;
 *	NULL for system RAM
 * @vaddr: kernel address of the memory; NULL once revoked
 * @phys: CPU physical address
 * @bus_addr: PCI bus address
 * @size: bytes
 * @bar: BAR that contains the memory
 * @nr_mappings: mapping handles that name this chunk, revoked ones included
 * @revoked: the memory went back to the provider when its driver unbound
 * @node: on the list of all chunks, for revocation
 * @pf: the file whose handle names the chunk; NULL once the handle is gone
 * @exports: our dma-bufs of this chunk, each holding it
 */
struct p2prig_chunk {
	const struct p2prig_provider_ops *ops;
	struct pci_dev *pdev;
	void *vaddr;
	phys_addr_t phys;
	pci_bus_addr_t bus_addr;
	size_t size;
	unsigned int bar;
	unsigned int nr_mappings;
	bool revoked;
	struct list_head node;
	struct p2prig_file *pf;
	struct list_head exports;
};

/**
 * struct p2prig_mapping - part of a chunk, or an imported dma-buf, mapped
 *	for an initiator
 * @chunk: the chunk, which outlives the mapping (see @nr_mappings); NULL
 *	for an import
 * @method: how it was mapped, and so how to unmap it; NULL for an import
 * @attachment: the dma-buf attachment behind an import, else NULL
 * @init: the initiator it was mapped for; NULL once revoked
 * @offset: start within the chunk
 * @length: bytes
 * @dma_addr: what the initiator is given (an import's first range)
 * @dir: DMA direction of the mapping
 * @sgt: the scatter list of a p2p-page mapping
 * @iova: the IOVA range of an iova-link mapping
 * @map_type: enum p2prig_map_type p2pdma decided; UNKNOWN for RAM
 * @route: enum p2prig_route taken (route.c); set before @method maps
 * @revoked: unmapped because the chunk or the initiator went away (an
 *	import the exporter revoked says so in @attachment instead)
 */
struct p2prig_mapping {
	struct p2prig_chunk *chunk;
	const struct p2prig_method_ops *method;
	struct p2prig_attachment *attachment;
	struct p2prig_initiator *init;
	u64 offset;
	size_t length;
	dma_addr_t dma_addr;
	enum dma_data_direction dir;
	struct sg_table sgt;
#ifdef P2PRIG_HAVE_DMA_IOVA_LINK
	struct dma_iova_state iova;
#endif
	u32 map_type;
	u32 route;
	bool revoked;
};

/**
 * struct p2prig_provider_ops - lends peer memory
 * @name: for messages
 * @peer: lends PCI peer memory from @chunk->pdev; false for system RAM,
 *	which has no PCI device (@chunk->pdev is NULL, bus_addr and bar 0)
 * @register_driver: optional; register the provider's own PCI driver, at
 *	module load
 * @unregister_driver: undo @register_driver, at module unload
 * @alloc: take @chunk->size bytes from @chunk->pdev and fill in @chunk's
 *	vaddr, phys, bus_addr and bar. Called with p2prig_lock and the
 *	device lock of @chunk->pdev held, so the provider's driver binding
 *	cannot change meanwhile. Returns 0, -EOPNOTSUPP if the device is not
 *	this kind of provider, -ENOMEM if its pool is exhausted, or -EIO if
 *	the memory it handed out lies in none of its BARs.
 * @free: give the memory back. Called with p2prig_lock held, once for
 *	each successful @alloc, while the provider's driver is still bound
 *	and after every mapping of the chunk, and every importer's mapping
 *	of its dma-bufs, has been unmapped.
 */
struct p2prig_provider_ops {
	const char *name;
	bool peer;
	int (*register_driver)(void);
	void (*unregister_driver)(void);
	int (*alloc)(struct p2prig_chunk *chunk);
	void (*free)(struct p2prig_chunk *chunk);
};

/**
 * struct p2prig_method_ops - maps a chunk for an initiator
 * @name: for messages
 * @peer: maps peer memory (true) or system RAM (false); MAP refuses a
 *	chunk of the other kind with -EINVAL
 * @policy: how the route is chosen (enum p2prig_route_policy). With
 *	P2PRIG_POLICY_P2PDMA, route.c hands out the bus address of a BUS_ADDR
 *	pair itself and @map is only called for the host-bridge route.
 * @direct: which dma-direct path @map takes untranslated, for the address
 *	it hands out (enum p2prig_direct_kind)
 * @map: map @map->length bytes at @map->offset of @map->chunk for @dev,
 *	in @map->dir, and store the DMA address in @map->dma_addr. Returns 0,
 *	-EIO, or -EREMOTEIO when the kernel finds no p2p path. NULL when the
 *	running kernel lacks the method: it is then left out of method_mask
 *	and MAP answers -EOPNOTSUPP. Callers check the range against @dev's
 *	DMA mask (p2prig_dma_reach_direct()) before, outside the timed call.
 * @unmap: undo one successful @map for the same @dev.
 * @sync_for_device: optional; make @len bytes at @offset within the
 *	mapping visible to the device before it reads them
 * @sync_for_cpu: optional; the same for the CPU after the device wrote
 *
 * All are called while @dev's driver is bound and @map->chunk is live:
 * for MAP with p2prig_lock held, for an export's importer (mmio and
 * resource only) with the dma-buf's reservation lock held instead.
 */
struct p2prig_method_ops {
	const char *name;
	bool peer;
	enum p2prig_route_policy policy;
	enum p2prig_direct_kind direct;
	int (*map)(struct p2prig_mapping *map, struct device *dev);
	void (*unmap)(struct p2prig_mapping *map, struct device *dev);
	void (*sync_for_device)(struct p2prig_mapping *map, struct device *dev,
				u64 offset, size_t len);
	void (*sync_for_cpu)(struct p2prig_mapping *map, struct device *dev,
			     u64 offset, size_t len);
};

/*
 * The ops of a method that maps peer memory as MMIO (mmio, resource,
 * iova-link): P2PRIG_POLICY_P2PDMA follows the kernel's rule for the pair,
 * P2PRIG_POLICY_HOST always maps through the host bridge.
 */
#define P2PRIG_PEER_METHOD_OPS(label, route_policy, map_fn, unmap_fn)	\
	{								\
		.name = label,						\
		.peer = true,						\
		.policy = route_policy,					\
		.direct = P2PRIG_DIRECT_MMIO,				\
		.map = map_fn,						\
		.unmap = unmap_fn,					\
	}

/*
 * Such a method and its "-host" twin: the same calls, once by the kernel's
 * rule and once through the host bridge whatever p2pdma decided, which is
 * what the twin measures. Defines p2prig_method_<name> and
 * p2prig_method_<name>_host, mapping with p2prig_<name>_map() and
 * p2prig_<name>_unmap(); where the running kernel lacks the calls, the
 * method's file defines those two names as NULL.
 */
#define P2PRIG_DEFINE_PEER_METHODS(name, label, host_label)		\
	const struct p2prig_method_ops p2prig_method_##name =		\
		P2PRIG_PEER_METHOD_OPS(label, P2PRIG_POLICY_P2PDMA,	\
				       p2prig_##name##_map,		\
				       p2prig_##name##_unmap);		\
	const struct p2prig_method_ops p2prig_method_##name##_host =	\
		P2PRIG_PEER_METHOD_OPS(host_label, P2PRIG_POLICY_HOST,	\
				       p2prig_##name##_map,		\
				       p2prig_##name##_unmap)

/**
 * struct p2prig_initiator - a bound device that can move bytes
 * @ops: its kind
 * @dev: the device methods map for
 *
 * Embedded in the initiator's own per-device state. It may be handed out
 * by @find from the end of probe until remove, and remove must unlist it
 * and call p2prig_revoke_initiator() under p2prig_lock.
 */
struct p2prig_initiator {
	const struct p2prig_initiator_ops *ops;
	struct device *dev;
};

/**
 * struct p2prig_initiator_ops - a kind of device that moves bytes by DMA
 * @name: for messages
 * @register_driver: bind to this kind's devices, at module load
 * @unregister_driver: unbind from them, at module unload
 * @find: the device of this kind bound at @addr, or NULL. Called with
 *	p2prig_lock held; the result is good while the lock is held and,
 *	through a mapping, until p2prig_revoke_initiator() clears it.
 * @xfer: move @len bytes (1..P2PRIG_MAX_XFER_SIZE) between the kernel
 *	buffer @buf and bus address @peer, which lies in a live mapping made
 *	for this device, in direction @dir. Store in @xfer_ns the time spent
 *	in DMA to or from @peer only. Called with p2prig_lock held, and for
 *	an import with the dma-buf's reservation lock too. Returns 0,
 *	-ETIMEDOUT when the device did not finish in time and was reset (the
 *	next call may succeed), or -EIO once the engine is unusable.
 */
struct p2prig_initiator_ops {
	const char *name;
	int (*register_driver)(void);
	void (*unregister_driver)(void);
	struct p2prig_initiator *(*find)(const struct p2prig_pci_addr *addr);
	int (*xfer)(struct p2prig_initiator *init, dma_addr_t peer, size_t len,
		    enum p2prig_xfer_dir dir, void *buf, u64 *xfer_ns);
};

/* CPU physical address of the first byte @map covers. */
static inline phys_addr_t p2prig_mapping_phys(const struct p2prig_mapping *map)
{
	return map->chunk->phys + map->offset;
}

/* Whether @size bytes at @phys lie within the @len bytes at @start. */
static inline bool p2prig_range_within(phys_addr_t phys, size_t size,
				       resource_size_t start,
				       resource_size_t len)
{
	return phys >= start && size <= len && phys - start <= len - size;
}

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

/**
 * struct p2prig_ucmd - one ioctl call, as its handler sees it
 * @pf: the file it was made on
 * @arg: the kernel copy of its argument, copied back out after a handler
 *	that returns 0 (for calls with an answer)
 * @uarg: the user's argument, for what a handler writes itself
 * @made: what the handler made, for the op's undo when the answer cannot
 *	be copied out
 * @handle: the handle @made was given
 */
struct p2prig_ucmd {
	struct p2prig_file *pf;
	void *arg;
	void __user *uarg;
	void *made;
	u32 handle;
};

/* main.c: the tables indexed by the uapi enums, and the open files. */
extern const struct p2prig_provider_ops *const p2prig_providers[P2PRIG_PROVIDER_MAX];
extern const struct p2prig_method_ops *const p2prig_methods[P2PRIG_METHOD_MAX];
extern const struct p2prig_initiator_ops *const p2prig_initiators[P2PRIG_INITIATOR_MAX];
extern struct mutex p2prig_lock;
extern struct list_head p2prig_files;

/* ioctl.c: the table and its dispatcher. */
long p2prig_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* chunk.c: chunks by handle, and every chunk alive. */
extern struct list_head p2prig_chunks;
extern spinlock_t p2prig_chunks_lock;
struct p2prig_chunk *p2prig_chunk_lookup(struct p2prig_file *pf, u32 handle,
					 u64 end);
void p2prig_chunk_put(struct p2prig_chunk *chunk);
int p2prig_p2pmem_alloc(struct p2prig_chunk *chunk,
			int (*bar_of)(const struct p2prig_chunk *chunk));
void p2prig_p2pmem_free(struct p2prig_chunk *chunk);
int p2prig_with_chunk(struct p2prig_ucmd *ucmd, u32 handle, u64 end,
		      int (*fn)(struct p2prig_ucmd *ucmd,
				struct p2prig_chunk *chunk));
int p2prig_ioctl_chunk_alloc(struct p2prig_ucmd *ucmd);
void p2prig_chunk_alloc_undo(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_chunk_free(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_chunk_io(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_export(struct p2prig_ucmd *ucmd);

/* mapping.c: mappings by handle. */
bool p2prig_mapping_unmap(struct p2prig_mapping *map, u64 *unmap_ns);
void p2prig_mapping_free(struct p2prig_mapping *map);
void p2prig_mapping_undo(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_map(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_unmap(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_import(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_probe(struct p2prig_ucmd *ucmd);
int p2prig_ioctl_map_bench(struct p2prig_ucmd *ucmd);

/* xfer.c */
int p2prig_ioctl_xfer(struct p2prig_ucmd *ucmd);

/* revoke.c: take back what a device's driver binding lent or served. */
int p2prig_revoke_register(void);
void p2prig_revoke_unregister(void);
void p2prig_revoke_initiator(struct p2prig_initiator *init);

/* method_p2p_page.c */
int p2prig_p2p_page_probe(struct p2prig_chunk *chunk, u64 offset,
			  struct device *dev, u64 *dma);
/* dma_reach.c */
bool p2prig_dma_is_direct(struct device *dev);
int p2prig_dma_reach(struct device *dev, u64 addr, u64 len);
int p2prig_dma_reach_direct(struct device *dev, phys_addr_t phys, u64 len,
			    enum p2prig_direct_kind kind);
dma_addr_t p2prig_direct_addr(struct device *dev, phys_addr_t phys,
			      enum p2prig_direct_kind kind);
int p2prig_dma_reach_ram(struct device *dev, phys_addr_t phys, u64 len);

/* route.c: the route a mapping takes, by the map type p2pdma decided. */
u32 p2prig_p2pdma_map_type(struct pci_dev *provider, struct device *dev);
int p2prig_route_decide(struct p2prig_mapping *map, struct device *dev);
int p2prig_route_reach_direct(const struct p2prig_mapping *map,
			      struct device *dev);
int p2prig_route_map(struct p2prig_mapping *map, struct device *dev);
void p2prig_route_unmap(struct p2prig_mapping *map, struct device *dev);
u32 p2prig_route_map_flags(const struct p2prig_mapping *map,
			   struct device *dev);

/* bench.c: map and unmap timing, under p2prig_lock. */
int p2prig_bench_check(struct p2prig_map_bench *arg);
int p2prig_bench_run(const struct p2prig_mapping *proto,
		     struct p2prig_map_bench *arg);

/* exporter.c: peer memory as a dma-buf. */
u32 p2prig_export_method_mask(void);
unsigned int p2prig_nr_exports(void);
int p2prig_export_create(struct p2prig_chunk *chunk, u32 method, u64 offset,
			 size_t length, __s32 __user *fd);
void p2prig_export_revoke(struct p2prig_chunk *chunk);
int p2prig_export_stats(struct p2prig_export_stats *stats);
bool p2prig_export_is_ours(struct dma_buf *dmabuf);
bool p2prig_export_bus_addr(struct dma_buf *dmabuf, dma_addr_t addr);

/* importer.c: an initiator attached to and mapping a dma-buf. */
unsigned int p2prig_nr_imports(void);
int p2prig_import_create(struct p2prig_mapping *map, struct p2prig_import *arg);
bool p2prig_import_release(struct p2prig_attachment *att);
int p2prig_import_xfer(struct p2prig_mapping *map, u64 offset, size_t len,
		       enum p2prig_xfer_dir dir, void *buf, u64 *xfer_ns);
int p2prig_attach_check(struct p2prig_attach_check *arg);

/* import_check.c: the exporter's table describes the whole dma-buf. */
int p2prig_import_check(struct device *dev, struct dma_buf *dmabuf,
			struct sg_table *sgt);

extern const struct p2prig_provider_ops p2prig_provider_nvme_cmb;
extern const struct p2prig_provider_ops p2prig_provider_ram;
extern const struct p2prig_provider_ops p2prig_provider_bar;
extern const struct p2prig_method_ops p2prig_method_mmio;
extern const struct p2prig_method_ops p2prig_method_resource;
extern const struct p2prig_method_ops p2prig_method_p2p_page;
extern const struct p2prig_method_ops p2prig_method_page;
extern const struct p2prig_method_ops p2prig_method_iova_link;
extern const struct p2prig_method_ops p2prig_method_mmio_host;
extern const struct p2prig_method_ops p2prig_method_resource_host;
extern const struct p2prig_method_ops p2prig_method_iova_link_host;
extern const struct p2prig_initiator_ops p2prig_initiator_edu;

#endif /* P2PRIG_H */
