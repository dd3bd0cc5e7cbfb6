// SPDX-License-Identifier: GPL-2.0
/*
 * Routes: the one place that decides how peer memory reaches an initiator,
 * for MAP, MAP_BENCH and the mmio and resource exports alike.
 *
 * The kernel's own users of p2pdma (dma-buf's phys-vec helper, the block
 * layer, vfio-pci) switch on the map type p2pdma decides for the pair: the
 * PCI bus address for BUS_ADDR, a DMA-layer mapping for THRU_HOST_BRIDGE,
 * -EREMOTEIO otherwise. route_rule.h holds that rule as a pure function;
 * the methods only say whether they follow it or map through the host
 * bridge deliberately (the "-host" methods).
 *
 * pci_p2pdma_map_type() is not exported, so the map type is found as
 * p2pdma finds it: pci_p2pdma_distance() for whether a path is trusted at
 * all, then the PCI tree for whether the pair shares an upstream bridge
 * with no ACS redirection on the way (BUS_ADDR), else the host bridge.
 * PROBE reports the DMA layer's own answer for a page, and the module's
 * tests check that both agree on every rig.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/dma-direct.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#include "p2prig.h"

/* Whether ACS sends peer requests at @pdev upstream, as p2pdma reads it. */
static bool p2prig_acs_redirects(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

/**
 * p2prig_p2pdma_map_type - the map type p2pdma decides for a pair
 * @provider: the function whose memory is mapped
 * @dev: the initiator
 *
 * Returns enum p2prig_map_type: NOT_SUPPORTED where pci_p2pdma_distance()
 * trusts no path; BUS_ADDR where a bridge upstream of both is reached
 * without ACS redirection on either side (the provider's side up to and
 * including that bridge, the initiator's side below it, as p2pdma walks
 * them); else THRU_HOST_BRIDGE.
 */
u32 p2prig_p2pdma_map_type(struct pci_dev *provider, struct device *dev)
{
	struct pci_dev *client, *a, *b;
	bool redirect = false;

	if (!dev_is_pci(dev) || pci_p2pdma_distance(provider, dev, false) < 0)
		return P2PRIG_MAP_TYPE_NOT_SUPPORTED;
	client = to_pci_dev(dev);

	for (a = provider; a; a = pci_upstream_bridge(a)) {
		if (p2prig_acs_redirects(a))
			redirect = true;
		for (b = client; b && b != a; b = pci_upstream_bridge(b))
			;
		if (!b)
			continue;
		for (b = client; b != a; b = pci_upstream_bridge(b))
			if (p2prig_acs_redirects(b))
				redirect = true;
		return redirect ? P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE :
				  P2PRIG_MAP_TYPE_BUS_ADDR;
	}
	return P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE;
}

/**
 * p2prig_route_decide - set @map's map type and route for @dev
 * @map: chunk, method, offset and length set
 * @dev: the initiator
 *
 * System RAM has no peer route (UNKNOWN, NONE). Returns 0, or -EREMOTEIO
 * for a pair the kernel trusts no path for, whatever the method.
 */
int p2prig_route_decide(struct p2prig_mapping *map, struct device *dev)
{
	map->map_type = P2PRIG_MAP_TYPE_UNKNOWN;
	map->route = P2PRIG_ROUTE_NONE;
	if (!map->chunk->pdev)
		return 0;

	map->map_type = p2prig_p2pdma_map_type(map->chunk->pdev, dev);
	return p2prig_route_rule(map->map_type, map->method->policy,
				 &map->route);
}

static bool p2prig_route_ours(const struct p2prig_mapping *map)
{
	return p2prig_route_is_ours(map->method->policy, map->route);
}

/*
 * Untranslated, dma-direct WARNs on an address beyond the mask before it
 * fails: refuse such peer memory first, and RAM that swiotlb cannot bounce
 * (p2prig_dma_reach_ram()). The bus address the module hands
 * out itself is checked here too, so that MAP_BENCH and the exports refuse
 * it as MAP does.
 */
int p2prig_route_reach_direct(const struct p2prig_mapping *map,
			      struct device *dev)
{
	if (!map->chunk->pdev)
		return p2prig_dma_reach_ram(dev, p2prig_mapping_phys(map),
					    map->length);
	if (p2prig_route_ours(map))
		return p2prig_dma_reach(dev, map->chunk->bus_addr + map->offset,
					map->length);
	return p2prig_dma_reach_direct(dev, p2prig_mapping_phys(map),
				       map->length, map->method->direct);
}

/*
 * Map by the decided route: the provider's bus address of the range
 * (pci_p2pdma_bus_addr_map(): the CPU address plus the BAR's bus offset),
 * or the method's DMA-layer call.
 */
int p2prig_route_map(struct p2prig_mapping *map, struct device *dev)
{
	if (p2prig_route_ours(map)) {
		map->dma_addr = map->chunk->bus_addr + map->offset;
		return 0;
	}
	return map->method->map(map, dev);
}

void p2prig_route_unmap(struct p2prig_mapping *map, struct device *dev)
{
	if (!p2prig_route_ours(map))
		map->method->unmap(map, dev);
}

/**
 * p2prig_direct_addr - the address dma-direct hands out for @phys
 * @dev: the initiator, untranslated
 * @phys: CPU physical address
 * @kind: the dma-direct path of the method
 *
 * What the DMA layer itself does for each kind (route_rule.h), not
 * phys_to_dma() for all: they differ for MMIO where the platform has a DMA
 * offset or encrypts memory (SME). The virtual lab has neither, so the
 * choice is covered by tests/unit/test_route_rule.c.
 */
dma_addr_t p2prig_direct_addr(struct device *dev, phys_addr_t phys,
			      enum p2prig_direct_kind kind)
{
	struct p2prig_direct_addrs a = {
		.phys = phys,
		.dma = phys_to_dma(dev, phys),
		.dma_unencrypted = phys_to_dma_unencrypted(dev, phys),
	};

	return p2prig_direct_expected(kind, &a,
				      cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT));
}

/* What a fresh mapping turned out to be, as P2PRIG_MAP_F_* flags. */
u32 p2prig_route_map_flags(const struct p2prig_mapping *map,
			   struct device *dev)
{
	bool direct = p2prig_dma_is_direct(dev);
	u64 bus = 0, expected = 0;

	if (map->chunk->pdev)
		bus = map->chunk->bus_addr + map->offset;
	if (direct)
		expected = p2prig_direct_addr(dev, p2prig_mapping_phys(map),
					      map->method->direct);
	return p2prig_route_flags(map->route, direct, map->dma_addr, bus,
				  expected);
}
