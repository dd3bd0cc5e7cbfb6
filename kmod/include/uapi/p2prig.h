/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p2prig user API: ioctls on the root-only misc device /dev/p2prig.
 *
 * One header for the module and the runner. Every struct has fixed-width
 * fields and reserved space that must be zero on input; the module answers
 * -EINVAL for any reserved field that is not, so the layout can grow
 * without a new ioctl number. P2PRIG_UAPI_VERSION changes when a meaning
 * changes; the runner refuses a module whose version differs.
 *
 * Objects are named by handles that belong to the open file: a chunk of
 * peer memory from a provider, and a mapping of (part of) a chunk for an
 * initiator by a method. Closing the file unmaps and frees everything it
 * holds. A handle whose provider or initiator went away answers -ENODEV;
 * UNMAP and CHUNK_FREE still release such a handle (and answer -ENODEV).
 *
 * dma-bufs (version 3): EXPORT wraps part of a peer-memory chunk as a
 * dma-buf fd whose map callback uses an export method. The dma-buf holds
 * the chunk: closing the file that exported it does not give the memory
 * back while the dma-buf lives (CHUNK_FREE answers -EBUSY meanwhile). Only
 * importers that handle peer memory (allow_peer2peer) and can be revoked
 * (invalidate_mappings) may attach, and only devices the kernel's p2pdma
 * finds a path to. When the provider's driver unbinds, every importer is
 * told to drop its mappings, the memory goes back, and later maps fail
 * with -ENODEV. IMPORT does what an RDMA driver does with a dma-buf, on
 * behalf of an initiator: attach (dynamic, peer-to-peer, revocable), map,
 * and hand back a mapping handle that XFER and UNMAP take like any other.
 * An import the exporter revoked answers -ENODEV.
 *
 * Provider "bar" (version 4): a device's memory BAR as p2pmem, the way a
 * GPU driver lends its VRAM. The module's PCI driver p2prig_bar has no ID
 * table and binds only to a function handed to it with driver_override;
 * its probe registers one BAR and publishes it: module parameter bar=, or
 * by default the largest prefetchable memory BAR p2pdma can take, else the
 * largest such memory BAR (bar_offset= and bar_size= for a window of it).
 * p2pdma takes whole memory subsections: start and size must be multiples
 * of 2 MiB on x86-64, else probe refuses the function. CHUNK_ALLOC with
 * P2PRIG_PROVIDER_BAR names that function and answers -ENODEV when it is
 * not bound to p2prig_bar. Everything else works as for nvme-cmb; unbinding
 * the function from p2prig_bar revokes its chunks, mappings and dma-bufs.
 *
 * Map cost (version 5): MAP_BENCH times a method's map and unmap calls
 * inside the kernel, in kthreads, on a chunk's memory for an initiator,
 * and answers n, min, max, mean, stddev, p50 and p99 for each. Method
 * IOVA_LINK maps through the two-step IOVA API with DMA_ATTR_MMIO; it
 * needs a translating IOMMU domain (not passthrough, no forced swiotlb),
 * else its map answers -EOPNOTSUPP (MAP's errno, MAP_BENCH's first_error).
 * Like every method a kernel lacks, it is missing from method_mask there.
 *
 * Faults (version 6): an XFER whose initiator does not finish in time
 * answers -ETIMEDOUT once the initiator's function has been reset, with
 * bus mastering held off until its engine went idle: the next XFER can
 * succeed. When the function cannot be reset the XFER answers -EIO, as
 * does every later one until the function is reset from user space (its
 * sysfs reset file) or rebound. Each of edu's DMAs is given edu_timeout_ms,
 * 1..10000 ms (other values are refused with -EINVAL), and an XFER runs at
 * most four. MAP refuses with -EIO a range whose DMA
 * address lies beyond the initiator's DMA mask (module parameter
 * edu_dma_bits narrows edu's) and says so in the kernel log, where the DMA
 * layer would have warned (dma-direct) or handed the address out unchecked
 * (p2pdma's bus addresses); under a translating IOMMU the IOVA is
 * allocated within the mask. RAM (method page) beyond the mask of an
 * untranslated initiator is mapped only where swiotlb can bounce it below
 * the mask (P2PRIG_MAP_F_BOUNCED), else refused with -EIO; MAP_BENCH's
 * first_error says the same. Where the initiator is untranslated, PROBE
 * answers -EIO for such a page and MAP_BENCH has first_error -EIO; PROBE
 * under an IOMMU reports what p2pdma answers, bus address and all. Our
 * dma-bufs' maps (mmio, resource and phys-vec) refuse such an importer
 * with -EIO where it is untranslated, and IMPORT refuses with -EIO a
 * dma-buf of any exporter mapped beyond the initiator's mask. An XFER
 * never hands the initiator an address beyond its mask: a mapping made
 * before the mask narrowed answers -EIO. The module cannot be unloaded
 * while a file of /dev/p2prig or one of its dma-bufs is open; once all
 * are closed, every chunk has gone back to its provider.
 *
 * Pinned imports (version 7): IMPORT with P2PRIG_ATTACH_F_PINNED in
 * attach_flags imports the way RDMA registers a dma-buf it cannot revoke
 * (ib_umem_dmabuf_get_pinned): a dynamic attachment that takes peer memory
 * but has no invalidate_mappings, then dma_buf_pin() and a map that lasts
 * until UNMAP. Exporters that revoke refuse such an importer at attach:
 * ours, and vfio-pci since its fix 61ceaf236115 (now its attach callback
 * checks dma_buf_attach_revocable()), both with -EOPNOTSUPP.
 *
 * Routes (version 8): a method maps peer memory by the kernel's own rule
 * for the pair, the one dma-buf's phys-vec helper, the block layer and
 * vfio-pci apply: where p2pdma says BUS_ADDR (a switch routes the traffic
 * without the root complex) the initiator gets the provider's PCI bus
 * address and the DMA layer is not called; where it says THRU_HOST_BRIDGE
 * the method maps through the DMA layer (an IOVA, or the CPU address
 * untranslated); any other answer is -EREMOTEIO. mmio, resource, iova-link
 * and the mmio and resource exports follow it (p2p-page always did: the DMA
 * layer applies it itself). The methods named "-host" (MMIO_HOST,
 * RESOURCE_HOST, IOVA_LINK_HOST, and the exports MMIO_HOST, RESOURCE_HOST)
 * map deliberately through the host bridge by the same DMA-layer call
 * whatever p2pdma decided, to measure that call on a BUS_ADDR pair; a pair
 * with no trusted path is refused all the same. On real hardware such a
 * mapping sends switch-local traffic up through the root complex, which
 * must support it (the host-bridge whitelist) or the transfer faults. MAP
 * reports map_type, what p2pdma decided, and route, the route the mapping
 * took (enum p2prig_route); MAP_BENCH both, for the whole run. IOVA_LINK
 * on a BUS_ADDR pair is the bus address, with or without an IOMMU; only
 * its route through the host bridge (and IOVA_LINK_HOST) needs a
 * translating domain, else -EOPNOTSUPP as in version 5. In the
 * virtual lab QEMU sends every device DMA through the IOMMU, so a bus
 * address under a translating IOMMU faults there: on such rigs a BUS_ADDR
 * pair moves bytes only through the "-host" methods.
 *
 * Errors: -EINVAL for any malformed argument (reserved field set, value out
 * of range, zero or misaligned length, unknown handle), -ENODEV for a PCI
 * function that is absent or not bound where it must be, -EOPNOTSUPP for a
 * device or method this kernel or module cannot serve, -ENOMEM when the
 * provider's pool is exhausted, -EBUSY for CHUNK_FREE of a chunk that still
 * has mappings, -EFAULT for a bad user buffer, -ETIMEDOUT when the initiator
 * did not finish, -EIO when mapping failed or the initiator is unusable,
 * -ENOTTY for an unknown ioctl, -EINTR when a fatal signal came while the
 * call waited for another one to finish (every call but close waits
 * killably for the module's lock), and -EREMOTEIO from MAP when the kernel's
 * p2pdma finds no peer-to-peer path between the provider and the initiator
 * (the mapping is refused rather than handed out to fail or fault). A
 * method that does not fit the chunk (mmio, resource or p2p-page on RAM,
 * page on peer memory) is -EINVAL; a map call the DMA layer refuses, such as
 * MMIO under swiotlb=force, is -EIO.
 *
 * EXPORT: -EINVAL for a malformed argument or a RAM chunk, -ENODEV for a
 * revoked chunk, -EOPNOTSUPP for an export method this kernel or module
 * lacks (not in export_method_mask; all of them on a kernel without
 * revocable importers, dma_buf_attach_revocable(), such as 6.12) or
 * phys-vec for a provider without a p2pdma provider for its BAR, and the
 * errno of fd allocation (-EMFILE). IMPORT, ATTACH_CHECK and EXPORT_STATS: -EBADF when fd is not
 * open, -EINVAL when it is not a dma-buf (EXPORT_STATS: not one of ours).
 * IMPORT: -ENODEV when the initiator is not bound or the dma-buf was
 * revoked, -EOPNOTSUPP when the exporter refuses the importer (no p2p or
 * revocable importers: see ATTACH_CHECK), -EREMOTEIO when the exporter
 * finds no peer-to-peer path to the initiator (ours, and any exporter that
 * answers so), else what the exporter's map answered (-EIO from ours).
 * IMPORT also answers -EIO when the exporter's table does not describe
 * the dma-buf, with the fault in the kernel log: DMA lengths short of its
 * size, an entry that wraps, or for our dma-bufs (one contiguous range)
 * entries that do not follow each other or add up to more than its size.
 */
#ifndef _UAPI_P2PRIG_H
#define _UAPI_P2PRIG_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define P2PRIG_UAPI_VERSION	8
#define P2PRIG_DEVICE_PATH	"/dev/p2prig"

/* Largest chunk one allocation may ask for, and the edu engine's window. */
#define P2PRIG_MAX_CHUNK_SIZE	(256ULL << 20)
/*
 * ...except from a bar provider, which lends a BAR as large as a GPU's
 * VRAM (INFO: max_bar_chunk_size): a dma-buf of 8 GiB and more is where
 * dma_buf_phys_vec_to_sgt() splits a range into several DMA entries.
 */
#define P2PRIG_MAX_BAR_CHUNK_SIZE	_BITULL(40)
#define P2PRIG_MAX_XFER_SIZE	4096U
/* System RAM chunks are physically contiguous pages: at most this much. */
#define P2PRIG_MAX_RAM_CHUNK_SIZE	(4ULL << 20)

/* Who lends peer memory. */
enum p2prig_provider_kind {
	P2PRIG_PROVIDER_NVME_CMB = 0,	/* p2pmem published by the nvme driver */
	P2PRIG_PROVIDER_RAM = 1,	/* system RAM: the reference point */
	P2PRIG_PROVIDER_BAR = 2,	/* a memory BAR registered by p2prig_bar */
	P2PRIG_PROVIDER_MAX
};

/* How a chunk is mapped for an initiator. */
enum p2prig_method {
	P2PRIG_METHOD_MMIO = 0,		/* dma_map_phys(..., DMA_ATTR_MMIO), >= 6.18 */
	P2PRIG_METHOD_RESOURCE = 1,	/* dma_map_resource() */
	P2PRIG_METHOD_P2P_PAGE = 2,	/* dma_map_sgtable() on the p2pmem pages */
	P2PRIG_METHOD_PAGE = 3,		/* dma_map_page(), RAM chunks only */
	P2PRIG_METHOD_IOVA_LINK = 4,	/* dma_iova_try_alloc() + dma_iova_link(),
					 * DMA_ATTR_MMIO: IOMMU-translated only
					 */
	/* The same DMA-layer calls through the host bridge whatever p2pdma decided: */
	P2PRIG_METHOD_MMIO_HOST = 5,
	P2PRIG_METHOD_RESOURCE_HOST = 6,
	P2PRIG_METHOD_IOVA_LINK_HOST = 7,
	P2PRIG_METHOD_MAX
};

/* How an exported dma-buf is mapped for each importing device. */
enum p2prig_export_method {
	P2PRIG_EXPORT_MMIO = 0,		/* dma_map_phys(..., DMA_ATTR_MMIO), >= 6.18 */
	P2PRIG_EXPORT_RESOURCE = 1,	/* dma_map_resource() */
	P2PRIG_EXPORT_PHYS_VEC = 2,	/* dma_buf_phys_vec_to_sgt(), >= 6.19:
					 * bus address (BUS_ADDR) or IOVA
					 */
	P2PRIG_EXPORT_MMIO_HOST = 3,	/* mmio through the host bridge, always */
	P2PRIG_EXPORT_RESOURCE_HOST = 4,	/* resource through the host bridge, always */
	P2PRIG_EXPORT_MAX
};

/* Who moves the bytes. */
enum p2prig_initiator_kind {
	P2PRIG_INITIATOR_EDU = 0,	/* QEMU's edu DMA engine (1234:11e8) */
	P2PRIG_INITIATOR_MAX
};

/* Mapping direction, with the meaning of enum dma_data_direction. */
enum p2prig_dir {
	P2PRIG_DIR_BIDIRECTIONAL = 0,
	P2PRIG_DIR_TO_DEVICE = 1,	/* the initiator reads peer memory */
	P2PRIG_DIR_FROM_DEVICE = 2,	/* the initiator writes peer memory */
	P2PRIG_DIR_MAX
};

/* Transfer direction, seen from peer memory. */
enum p2prig_xfer_dir {
	P2PRIG_XFER_TO_PEER = 0,	/* user buffer -> initiator -> peer memory */
	P2PRIG_XFER_FROM_PEER = 1,	/* peer memory -> initiator -> user buffer */
	P2PRIG_XFER_MAX
};

/* What the kernel's p2pdma decided for a provider and a client (its enum). */
enum p2prig_map_type {
	P2PRIG_MAP_TYPE_UNKNOWN = 0,
	P2PRIG_MAP_TYPE_NOT_SUPPORTED = 1,	/* no p2p path the kernel trusts */
	P2PRIG_MAP_TYPE_BUS_ADDR = 2,		/* PCI bus address, switch-local */
	P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE = 3,	/* through the root complex */
	P2PRIG_MAP_TYPE_MAX
};

/* MAP (version 8): the route a peer-memory mapping took. */
enum p2prig_route {
	P2PRIG_ROUTE_NONE = 0,		/* system RAM: no peer-to-peer route */
	P2PRIG_ROUTE_BUS_ADDR = 1,	/* the provider's PCI bus address, switch-local */
	P2PRIG_ROUTE_HOST_BRIDGE = 2,	/* the DMA layer's mapping, through the root complex */
	P2PRIG_ROUTE_MAX
};

/* MAP: what the mapping turned out to be. */
#define P2PRIG_MAP_F_DIRECT	_BITUL(0)	/* no translating IOMMU for the device */
#define P2PRIG_MAP_F_BOUNCED	_BITUL(1)	/* direct, not the memory's address: swiotlb */
#define P2PRIG_MAP_F_BUS_ADDR	_BITUL(2)	/* the provider's PCI bus address */

enum p2prig_io_op {
	P2PRIG_IO_READ = 0,		/* CPU copies chunk bytes to the user buffer */
	P2PRIG_IO_WRITE = 1,		/* CPU copies the user buffer into the chunk */
	P2PRIG_IO_MAX
};

/* A PCI function: domain, bus and devfn as in PCI_DEVFN(slot, func). */
struct p2prig_pci_addr {
	__u32 domain;
	__u8 bus;
	__u8 devfn;
	__u16 reserved;
};

/* P2PRIG_IOC_INFO: what this module and kernel can do. All out. */
struct p2prig_info {
	__u32 uapi_version;
	__u32 provider_mask;		/* bit per enum p2prig_provider_kind */
	__u32 method_mask;		/* bit per enum p2prig_method */
	__u32 initiator_mask;		/* bit per kind compiled in, bound or not */
	__u64 max_chunk_size;
	__u32 max_xfer_size;
	__u32 export_method_mask;	/* bit per enum p2prig_export_method */
	char kernel_release[65];	/* utsname()->release, NUL-terminated */
	__u8 reserved1[7];
	__u32 nr_exports;		/* our dma-bufs alive, module-wide */
	__u32 nr_imports;		/* IMPORT attachments alive, module-wide */
	__u64 max_bar_chunk_size;	/* CHUNK_ALLOC's limit for a bar provider */
	__u64 reserved[2];
};

/*
 * P2PRIG_IOC_CHUNK_ALLOC: take peer memory from a provider. When the answer
 * cannot be written back (-EFAULT) the chunk is given back, unless a call
 * on the same file mapped or exported it meanwhile.
 */
struct p2prig_chunk_alloc {
	__u32 provider;			/* in: enum p2prig_provider_kind */
	__u32 reserved0;		/* in: zero */
	struct p2prig_pci_addr pci;	/* in: the provider's PCI function; zero for RAM */
	__u64 size;			/* in: bytes, page multiple, <= max (RAM: 4 MiB,
					 * bar: max_bar_chunk_size)
					 */
	__u32 handle;			/* out */
	__u32 bar;			/* out: BAR that backs the chunk */
	__u64 phys_addr;		/* out: CPU physical address */
	__u64 bus_addr;			/* out: PCI bus address; 0 for RAM */
	__u64 bar_phys;			/* out: CPU physical start of that BAR */
	__u64 bar_size;			/* out: length of that BAR; 0 for RAM */
	__u64 reserved[4];		/* in: zero */
};

/* P2PRIG_IOC_CHUNK_FREE and other calls that only name a handle. */
struct p2prig_handle {
	__u32 handle;			/* in */
	__u32 reserved;			/* in: zero */
};

/* P2PRIG_IOC_CHUNK_IO: CPU access to a chunk, for seeding and checking. */
struct p2prig_chunk_io {
	__u32 handle;			/* in: chunk */
	__u32 op;			/* in: enum p2prig_io_op */
	__u64 offset;			/* in: within the chunk */
	__u64 length;			/* in: bytes, > 0, offset + length <= size */
	__u64 user_ptr;			/* in: user buffer of length bytes */
	__u64 reserved[2];		/* in: zero */
};

/* P2PRIG_IOC_MAP: map part of a chunk for an initiator by a method. */
struct p2prig_map {
	__u32 chunk;			/* in: chunk handle */
	__u32 method;			/* in: enum p2prig_method */
	__u32 initiator;		/* in: enum p2prig_initiator_kind */
	__u32 dir;			/* in: enum p2prig_dir */
	struct p2prig_pci_addr pci;	/* in: the initiator's PCI function */
	__u64 offset;			/* in: page aligned, within the chunk */
	__u64 length;			/* in: bytes, > 0, within the chunk */
	__u32 handle;			/* out: mapping handle */
	__s32 p2p_distance;		/* out: pci_p2pdma_distance(), -1: none */
	__u64 dma_addr;			/* out: what the initiator is given */
	__u64 map_ns;			/* out: time inside the method's map call
					 * (route BUS_ADDR: of the bus address)
					 */
	__u32 flags;			/* out: P2PRIG_MAP_F_* */
	__u32 map_type;			/* out: enum p2prig_map_type p2pdma decided;
					 * UNKNOWN for RAM
					 */
	__u32 route;			/* out: enum p2prig_route the mapping took */
	__u32 reserved0;		/* in: zero */
	__u64 reserved[2];		/* in: zero */
};

/*
 * P2PRIG_IOC_PROBE: ask the kernel's p2pdma how it would map one page of a
 * peer-memory chunk for an initiator, by mapping it with dma_map_sgtable()
 * and unmapping it at once. NOT_SUPPORTED is an answer, not an error.
 */
struct p2prig_probe {
	__u32 chunk;			/* in: chunk handle (peer memory) */
	__u32 initiator;		/* in: enum p2prig_initiator_kind */
	struct p2prig_pci_addr pci;	/* in: the initiator's PCI function */
	__u64 offset;			/* in: page aligned, within the chunk */
	__u32 map_type;			/* out: enum p2prig_map_type */
	__s32 p2p_distance;		/* out: pci_p2pdma_distance(), -1: none */
	__u64 dma_addr;			/* out: the page's DMA address, 0 if none */
	__u64 reserved[4];		/* in: zero */
};

/* P2PRIG_IOC_UNMAP: undo one mapping. */
struct p2prig_unmap {
	__u32 handle;			/* in: mapping handle */
	__u32 reserved0;		/* in: zero */
	__u64 unmap_ns;			/* out: time inside the method's unmap call */
	__u64 reserved[2];		/* in: zero */
};

/* P2PRIG_IOC_XFER: the mapping's initiator moves bytes to or from peer memory. */
struct p2prig_xfer {
	__u32 mapping;			/* in: mapping handle */
	__u32 dir;			/* in: enum p2prig_xfer_dir */
	__u64 offset;			/* in: within the mapping */
	__u64 length;			/* in: 1..max_xfer_size */
	__u64 user_ptr;			/* in: source or destination buffer */
	__u64 xfer_ns;			/* out: time of the peer leg only */
	__u64 reserved[3];		/* in: zero */
};

/*
 * P2PRIG_IOC_EXPORT: part of a peer-memory chunk as a dma-buf (O_RDWR,
 * O_CLOEXEC). Its size is length; each importer gets one DMA range.
 */
struct p2prig_export {
	__u32 chunk;			/* in: chunk handle (peer memory) */
	__u32 method;			/* in: enum p2prig_export_method */
	__u64 offset;			/* in: page aligned, within the chunk */
	__u64 length;			/* in: page multiple, > 0, within the chunk */
	__s32 fd;			/* out: the dma-buf */
	__u32 reserved0;		/* in: zero */
	__u64 reserved[4];		/* in: zero */
};

/*
 * P2PRIG_IOC_EXPORT_STATS: what importers did with one of our dma-bufs,
 * counted since EXPORT. Once every importer is gone, attaches == detaches
 * and maps == unmaps.
 */
struct p2prig_export_stats {
	__s32 fd;			/* in: a dma-buf from P2PRIG_IOC_EXPORT */
	__u32 method;			/* out: enum p2prig_export_method */
	__u64 attaches;			/* out: attachments accepted */
	__u64 detaches;			/* out: attachments gone */
	__u64 attach_refused;		/* out: importers refused at attach */
	__u64 maps;			/* out: successful map calls */
	__u64 unmaps;			/* out: unmap calls */
	__u64 map_failed;		/* out: map calls that failed */
	__u64 revocations;		/* out: attachments told to drop their
					 * mappings when the provider went away
					 */
	__u32 revoked;			/* out: 1 once the memory went back */
	__u32 live_maps;		/* out: maps - unmaps, now */
	__u64 reserved[4];		/* in: zero */
};

/*
 * P2PRIG_IOC_IMPORT: an initiator imports a whole dma-buf (ours or another
 * exporter's) the way an RDMA driver does: dma_buf_dynamic_attach() with
 * allow_peer2peer and an invalidate_mappings callback, then
 * dma_buf_map_attachment() under the reservation lock. The handle is a
 * mapping handle: XFER moves bytes through it (offset within the dma-buf),
 * UNMAP unmaps, detaches and releases it, as does closing the file.
 * attach_flags P2PRIG_ATTACH_F_PINNED (version 7) imports pinned instead:
 * no invalidate_mappings, dma_buf_pin() before the map, dma_buf_unpin()
 * at release; the exporter can never revoke such an import. Any other
 * attach_flags bit is -EINVAL.
 */
struct p2prig_import {
	__s32 fd;			/* in: a dma-buf */
	__u32 initiator;		/* in: enum p2prig_initiator_kind */
	struct p2prig_pci_addr pci;	/* in: the initiator's PCI function */
	__u32 dir;			/* in: enum p2prig_dir */
	__u32 attach_flags;		/* in: 0 or P2PRIG_ATTACH_F_PINNED */
	__u32 handle;			/* out: mapping handle */
	__u32 nr_segments;		/* out: DMA ranges the exporter gave */
	__u64 length;			/* out: the dma-buf's size */
	__u64 dma_addr;			/* out: DMA address of the first range */
	__u64 map_ns;			/* out: time in dma_buf_map_attachment() */
	__u32 flags;			/* out: P2PRIG_IMPORT_F_OURS,
					 * P2PRIG_MAP_F_DIRECT and, for
					 * our dma-bufs, P2PRIG_MAP_F_BUS_ADDR
					 */
	__u32 reserved1;		/* in: zero */
	__u64 reserved[4];		/* in: zero */
};

/* IMPORT: the dma-buf is one of ours (then P2PRIG_MAP_F_BUS_ADDR is known). */
#define P2PRIG_IMPORT_F_OURS	_BITUL(8)

/*
 * P2PRIG_IOC_ATTACH_CHECK: attach any PCI function to a dma-buf as an
 * importer of the given kind and detach at once, without mapping, to learn
 * whether the exporter accepts it. A refusal is an answer (result), not an
 * error of the ioctl.
 */
struct p2prig_attach_check {
	__s32 fd;			/* in: a dma-buf */
	__u32 flags;			/* in: P2PRIG_ATTACH_F_* */
	struct p2prig_pci_addr pci;	/* in: the importing PCI function */
	__s32 result;			/* out: 0 accepted, else the -errno */
	__u32 reserved0;		/* in: zero */
	__u64 reserved[2];		/* in: zero */
};

/* ATTACH_CHECK: an importer that cannot take peer memory (no allow_peer2peer). */
#define P2PRIG_ATTACH_F_NO_P2P		_BITUL(0)
/* ATTACH_CHECK: an importer that cannot be revoked (no invalidate_mappings). */
#define P2PRIG_ATTACH_F_PINNED		_BITUL(1)

/*
 * P2PRIG_IOC_MAP_BENCH (version 5): time map and unmap of a chunk's memory
 * by one method for one initiator, inside the kernel, the way the kernel's
 * dma_map_benchmark does for RAM: threads kthreads each map granule bytes
 * at successive offsets of the chunk and unmap them at once, iterations
 * times each, or until duration_ms has passed. Each call is timed apart
 * (ktime_get_ns around the method's map, then its unmap). The loop is
 * bounded (P2PRIG_BENCH_MAX_MS, P2PRIG_BENCH_MAX_ITERATIONS) and stops
 * early on a fatal signal (interrupted set). Methods: any that fits the
 * chunk, IOVA_LINK included (dma_iova_try_alloc + dma_iova_link with
 * DMA_ATTR_MMIO + dma_iova_sync; unmap: dma_iova_destroy). A map the
 * kernel refuses stops the loop: its errno is first_error (-EOPNOTSUPP
 * for IOVA_LINK without a translating IOMMU) and the ioctl still succeeds
 * with what was timed, n possibly 0. A pair p2pdma finds no path for is
 * refused before any call, as MAP refuses it: first_error -EREMOTEIO.
 * The run holds the module's lock: other calls, CHUNK_FREE and unbinding
 * either end wait for it (killably: -EINTR); unbinding a device that lent
 * the module no memory does not. Errors: -EINVAL for a malformed field (reserved
 * set, granule, threads, iterations and duration_ms both or neither set,
 * a limit passed, a method that does not fit the chunk, unknown handle),
 * -EOPNOTSUPP for a method not in method_mask, -ENODEV as for MAP.
 */
#define P2PRIG_BENCH_MAX_THREADS	16
#define P2PRIG_BENCH_MAX_MS		60000U
#define P2PRIG_BENCH_MAX_ITERATIONS	_BITULL(24)

/* Nanosecond figures of one timed call, over every call of every thread. */
struct p2prig_bench_stats {
	__u64 n;			/* calls timed */
	__u64 min_ns, max_ns;
	__u64 mean_ns;			/* rounded down */
	__u64 stddev_ns;		/* population standard deviation, rounded */
	__u64 p50_ns, p99_ns;		/* from a histogram: within 1/64 of the value */
	__u64 reserved[2];		/* out: zero */
};

struct p2prig_map_bench {
	__u32 chunk;			/* in: chunk handle: the memory mapped */
	__u32 method;			/* in: enum p2prig_method, fitting the chunk */
	__u32 initiator;		/* in: enum p2prig_initiator_kind */
	__u32 dir;			/* in: enum p2prig_dir */
	struct p2prig_pci_addr pci;	/* in: the initiator's PCI function */
	__u64 granule;			/* in: bytes per mapping: 4K..2M, page multiple, <= chunk */
	__u64 iterations;		/* in: per thread, <= MAX_ITERATIONS; 0: timed run */
	__u32 duration_ms;		/* in: with iterations 0: 1..MAX_MS; else zero */
	__u32 threads;			/* in: 1..P2PRIG_BENCH_MAX_THREADS */
	struct p2prig_bench_stats map;	/* out */
	struct p2prig_bench_stats unmap;	/* out */
	__u64 elapsed_ns;		/* out: wall time of the whole run */
	__s32 first_error;		/* out: 0, or the first map's errno (negative) */
	__u32 interrupted;		/* out: 1 when a signal stopped it early */
	__u32 map_type;			/* out: enum p2prig_map_type (version 8) */
	__u32 route;			/* out: enum p2prig_route the run's maps took */
	__u64 reserved[3];		/* in: zero */
};

#define P2PRIG_IOC_MAGIC	0xB7

#define P2PRIG_IOC_INFO		_IOR(P2PRIG_IOC_MAGIC, 0x00, struct p2prig_info)
#define P2PRIG_IOC_CHUNK_ALLOC	_IOWR(P2PRIG_IOC_MAGIC, 0x01, struct p2prig_chunk_alloc)
#define P2PRIG_IOC_CHUNK_FREE	_IOW(P2PRIG_IOC_MAGIC, 0x02, struct p2prig_handle)
#define P2PRIG_IOC_CHUNK_IO	_IOW(P2PRIG_IOC_MAGIC, 0x03, struct p2prig_chunk_io)
#define P2PRIG_IOC_MAP		_IOWR(P2PRIG_IOC_MAGIC, 0x04, struct p2prig_map)
#define P2PRIG_IOC_UNMAP	_IOWR(P2PRIG_IOC_MAGIC, 0x05, struct p2prig_unmap)
#define P2PRIG_IOC_XFER		_IOWR(P2PRIG_IOC_MAGIC, 0x06, struct p2prig_xfer)
#define P2PRIG_IOC_PROBE	_IOWR(P2PRIG_IOC_MAGIC, 0x07, struct p2prig_probe)
#define P2PRIG_IOC_EXPORT	_IOWR(P2PRIG_IOC_MAGIC, 0x08, struct p2prig_export)
#define P2PRIG_IOC_EXPORT_STATS	_IOWR(P2PRIG_IOC_MAGIC, 0x09, struct p2prig_export_stats)
#define P2PRIG_IOC_IMPORT	_IOWR(P2PRIG_IOC_MAGIC, 0x0a, struct p2prig_import)
#define P2PRIG_IOC_ATTACH_CHECK	_IOWR(P2PRIG_IOC_MAGIC, 0x0b, struct p2prig_attach_check)
#define P2PRIG_IOC_MAP_BENCH	_IOWR(P2PRIG_IOC_MAGIC, 0x0c, struct p2prig_map_bench)

#endif /* _UAPI_P2PRIG_H */
