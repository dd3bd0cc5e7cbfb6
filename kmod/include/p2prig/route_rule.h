/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decisions behind a mapping's route and its reported address, as
 * pure functions: the module (route.c) and the runner (its doctor's
 * route prediction) and a host unit test
 * (tests/unit/test_route_rule.c) compile the same code, so the paths the
 * virtual lab cannot reach (a DMA offset, memory encryption, a pair
 * p2pdma refuses on real hardware) are tested too.
 */
#ifndef P2PRIG_ROUTE_RULE_H
#define P2PRIG_ROUTE_RULE_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <linux/types.h>
#endif

#include <uapi/p2prig.h>

/**
 * enum p2prig_route_policy - how a method picks its route
 * @P2PRIG_POLICY_P2PDMA: the kernel's rule, as dma-buf's phys-vec helper,
 *	the block layer and vfio-pci apply it: a BUS_ADDR pair gets the
 *	provider's bus address with no DMA-layer call, a THRU_HOST_BRIDGE
 *	pair the method's DMA-layer mapping, any other pair -EREMOTEIO
 * @P2PRIG_POLICY_HOST: deliberate: the DMA layer maps through the host
 *	bridge whatever p2pdma decided (the "-host" methods, which measure
 *	the DMA layer itself on a BUS_ADDR pair); a pair p2pdma trusts no
 *	path for is still refused
 * @P2PRIG_POLICY_DMA_LAYER: the method's DMA-layer call applies the
 *	kernel's rule itself (p2p-page: dma_map_sgtable() on p2pmem pages)
 */
enum p2prig_route_policy {
	P2PRIG_POLICY_P2PDMA,
	P2PRIG_POLICY_HOST,
	P2PRIG_POLICY_DMA_LAYER,
};

/**
 * p2prig_route_rule - the route a peer-memory mapping takes
 * @map_type: enum p2prig_map_type, what p2pdma decided for the pair
 * @policy: the method's enum p2prig_route_policy
 * @route: set to enum p2prig_route on success
 *
 * Returns 0, or -EREMOTEIO for a pair with no path the kernel trusts.
 */
static inline int p2prig_route_rule(__u32 map_type,
				    enum p2prig_route_policy policy,
				    __u32 *route)
{
	switch (map_type) {
	case P2PRIG_MAP_TYPE_BUS_ADDR:
		*route = policy == P2PRIG_POLICY_HOST ?
			 P2PRIG_ROUTE_HOST_BRIDGE : P2PRIG_ROUTE_BUS_ADDR;
		return 0;
	case P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE:
		*route = P2PRIG_ROUTE_HOST_BRIDGE;
		return 0;
	default:
		return -EREMOTEIO;
	}
}

/* Whether the module itself hands out the bus address (no DMA-layer call). */
static inline bool p2prig_route_is_ours(enum p2prig_route_policy policy,
					__u32 route)
{
	return route == P2PRIG_ROUTE_BUS_ADDR && policy == P2PRIG_POLICY_P2PDMA;
}

/**
 * struct p2prig_direct_addrs - what dma-direct could hand out for @phys
 * @phys: the CPU physical address itself
 * @dma: phys_to_dma(): the DMA offset applied, and the encryption bit
 *	where memory is encrypted (SME)
 * @dma_unencrypted: phys_to_dma_unencrypted(): the offset, no such bit
 */
struct p2prig_direct_addrs {
	__u64 phys;
	__u64 dma;
	__u64 dma_unencrypted;
};

/**
 * enum p2prig_direct_kind - which dma-direct path mapped the memory
 * @P2PRIG_DIRECT_PAGES: RAM by page (dma_map_page, dma_map_sgtable of RAM)
 * @P2PRIG_DIRECT_MMIO_PHYS: MMIO where dma-direct hands out the physical
 *	address unchanged: dma_map_resource() before DMA_ATTR_MMIO (6.12),
 *	dma_map_phys(DMA_ATTR_MMIO) before DMA_ATTR_CC_SHARED (6.18)
 * @P2PRIG_DIRECT_MMIO_SHARED: MMIO where dma-direct applies the DMA offset
 *	and treats MMIO as shared (unencrypted) memory under host memory
 *	encryption (7.3: DMA_ATTR_CC_SHARED exists; dma_map_resource() is
 *	dma_map_phys(DMA_ATTR_MMIO) there)
 */
enum p2prig_direct_kind {
	P2PRIG_DIRECT_PAGES,
	P2PRIG_DIRECT_MMIO_PHYS,
	P2PRIG_DIRECT_MMIO_SHARED,
};

/**
 * p2prig_direct_expected - the address dma-direct hands out, unbounced
 * @kind: the path that mapped
 * @a: the candidates for the mapped memory
 * @host_mem_encrypt: cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT)
 *
 * phys_to_dma() alone is right for pages only: it would call an MMIO
 * mapping "bounced" (and a bus-address check fail) wherever a DMA offset
 * or SME makes it differ from what dma-direct gives MMIO.
 */
static inline __u64 p2prig_direct_expected(enum p2prig_direct_kind kind,
					   const struct p2prig_direct_addrs *a,
					   bool host_mem_encrypt)
{
	switch (kind) {
	case P2PRIG_DIRECT_MMIO_PHYS:
		return a->phys;
	case P2PRIG_DIRECT_MMIO_SHARED:
		return host_mem_encrypt ? a->dma_unencrypted : a->dma;
	default:
		return a->dma;
	}
}

/**
 * p2prig_route_flags - P2PRIG_MAP_F_* for a fresh mapping
 * @route: enum p2prig_route the mapping took
 * @direct: no translating IOMMU for the initiator
 * @dma_addr: what the initiator was given
 * @bus_addr: the provider's bus address of the same byte (peer memory)
 * @expected: p2prig_direct_expected() for the method's path (direct only)
 *
 * BUS_ADDR says the address is the provider's bus address by route (the
 * kernel's rule, whoever computed it), or where an untranslated DMA-layer
 * mapping happens to equal it. BOUNCED says an untranslated mapping is
 * neither that nor what dma-direct hands out for the memory: swiotlb.
 */
static inline __u32 p2prig_route_flags(__u32 route, bool direct,
				       __u64 dma_addr, __u64 bus_addr,
				       __u64 expected)
{
	__u32 flags = 0;

	if (route == P2PRIG_ROUTE_BUS_ADDR ||
	    (route == P2PRIG_ROUTE_HOST_BRIDGE && direct &&
	     dma_addr == bus_addr))
		flags |= P2PRIG_MAP_F_BUS_ADDR;
	if (direct) {
		flags |= P2PRIG_MAP_F_DIRECT;
		if (route != P2PRIG_ROUTE_BUS_ADDR && dma_addr != expected &&
		    !(flags & P2PRIG_MAP_F_BUS_ADDR))
			flags |= P2PRIG_MAP_F_BOUNCED;
	}
	return flags;
}

#endif /* P2PRIG_ROUTE_RULE_H */
