/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p2prig user API: ioctls on the root-only misc device /dev/p2prig.
 * Reserved fields must be zero (-EINVAL otherwise). Prose, errors and the
 * version history: kmod/Documentation/uapi.rst.
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
/* ...from a bar provider: a dma-buf this large splits into DMA entries. */
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
	P2PRIG_METHOD_IOVA_LINK = 4,	/* two-step IOVA API; IOMMU-translated only */
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
	P2PRIG_EXPORT_PHYS_VEC = 2,	/* dma_buf_phys_vec_to_sgt(), >= 6.19 */
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

/* MAP: the route a peer-memory mapping took. */
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

/* P2PRIG_IOC_CHUNK_ALLOC: take peer memory from a provider. */
struct p2prig_chunk_alloc {
	__u32 provider;			/* in: enum p2prig_provider_kind */
	__u32 reserved0;		/* in: zero */
	struct p2prig_pci_addr pci;	/* in: the provider's PCI function; zero for RAM */
	__u64 size;			/* in: bytes, page multiple, <= max for the provider */
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
	__u64 map_ns;			/* out: time inside the method's map call */
	__u32 flags;			/* out: P2PRIG_MAP_F_* */
	__u32 map_type;			/* out: enum p2prig_map_type; UNKNOWN for RAM */
	__u32 route;			/* out: enum p2prig_route the mapping took */
	__u32 reserved0;		/* in: zero */
	__u64 reserved[2];		/* in: zero */
};

/* P2PRIG_IOC_PROBE: how p2pdma would map one page of a chunk for an initiator. */
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

/* P2PRIG_IOC_EXPORT: part of a peer-memory chunk as a dma-buf. */
struct p2prig_export {
	__u32 chunk;			/* in: chunk handle (peer memory) */
	__u32 method;			/* in: enum p2prig_export_method */
	__u64 offset;			/* in: page aligned, within the chunk */
	__u64 length;			/* in: page multiple, > 0, within the chunk */
	__s32 fd;			/* out: the dma-buf */
	__u32 reserved0;		/* in: zero */
	__u64 reserved[4];		/* in: zero */
};

/* P2PRIG_IOC_EXPORT_STATS: what importers did with one of our dma-bufs. */
struct p2prig_export_stats {
	__s32 fd;			/* in: a dma-buf from P2PRIG_IOC_EXPORT */
	__u32 method;			/* out: enum p2prig_export_method */
	__u64 attaches;			/* out: attachments accepted */
	__u64 detaches;			/* out: attachments gone */
	__u64 attach_refused;		/* out: importers refused at attach */
	__u64 maps;			/* out: successful map calls */
	__u64 unmaps;			/* out: unmap calls */
	__u64 map_failed;		/* out: map calls that failed */
	__u64 revocations;		/* out: attachments revoked by the provider */
	__u32 revoked;			/* out: 1 once the memory went back */
	__u32 live_maps;		/* out: maps - unmaps, now */
	__u64 reserved[4];		/* in: zero */
};

/* P2PRIG_IOC_IMPORT: an initiator imports a whole dma-buf, as RDMA does. */
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
	__u32 flags;			/* out: P2PRIG_IMPORT_F_OURS, P2PRIG_MAP_F_* */
	__u32 reserved1;		/* in: zero */
	__u64 reserved[4];		/* in: zero */
};

/* IMPORT: the dma-buf is one of ours (then P2PRIG_MAP_F_BUS_ADDR is known). */
#define P2PRIG_IMPORT_F_OURS	_BITUL(8)

/* P2PRIG_IOC_ATTACH_CHECK: whether an exporter accepts an importer. */
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

/* P2PRIG_IOC_MAP_BENCH: time a method's map and unmap inside the kernel. */
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
	__u32 map_type;			/* out: enum p2prig_map_type */
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
