// SPDX-License-Identifier: GPL-2.0
/*
 * The module's route rule and its address checks (kmod/include/p2prig/
 * route_rule.h), compiled here as the module compiles them: every map type
 * for every method policy, and the addresses dma-direct hands out where
 * the platform has a DMA offset or encrypts memory (SME), which the
 * virtual lab has not (issue 20, items 1 and 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "p2prig/route_rule.h"

#include "unit_helpers.h"

#define NO_ROUTE 0xdeadu

/* The kernel's rule, and the deliberate host-bridge route, per map type. */
static void test_route_rule(void **state)
{
	static const struct {
		uint32_t map_type;
		enum p2prig_route_policy policy;
		int ret;
		uint32_t route;
	} rows[] = {
		{ P2PRIG_MAP_TYPE_BUS_ADDR, P2PRIG_POLICY_P2PDMA, 0, P2PRIG_ROUTE_BUS_ADDR },
		{ P2PRIG_MAP_TYPE_BUS_ADDR, P2PRIG_POLICY_DMA_LAYER, 0, P2PRIG_ROUTE_BUS_ADDR },
		{ P2PRIG_MAP_TYPE_BUS_ADDR, P2PRIG_POLICY_HOST, 0, P2PRIG_ROUTE_HOST_BRIDGE },
		{ P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE, P2PRIG_POLICY_P2PDMA, 0,
		  P2PRIG_ROUTE_HOST_BRIDGE },
		{ P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE, P2PRIG_POLICY_DMA_LAYER, 0,
		  P2PRIG_ROUTE_HOST_BRIDGE },
		{ P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE, P2PRIG_POLICY_HOST, 0,
		  P2PRIG_ROUTE_HOST_BRIDGE },
		/* No path the kernel trusts: refused, the deliberate route too. */
		{ P2PRIG_MAP_TYPE_NOT_SUPPORTED, P2PRIG_POLICY_P2PDMA, -EREMOTEIO, NO_ROUTE },
		{ P2PRIG_MAP_TYPE_NOT_SUPPORTED, P2PRIG_POLICY_HOST, -EREMOTEIO, NO_ROUTE },
		{ P2PRIG_MAP_TYPE_NOT_SUPPORTED, P2PRIG_POLICY_DMA_LAYER, -EREMOTEIO, NO_ROUTE },
		/* Anything else p2pdma could answer is no path either. */
		{ P2PRIG_MAP_TYPE_UNKNOWN, P2PRIG_POLICY_P2PDMA, -EREMOTEIO, NO_ROUTE },
		{ P2PRIG_MAP_TYPE_MAX, P2PRIG_POLICY_HOST, -EREMOTEIO, NO_ROUTE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		__u32 route = NO_ROUTE;

		print_message("map type %u, policy %d\n", rows[i].map_type, rows[i].policy);
		assert_int_equal(p2prig_route_rule(rows[i].map_type, rows[i].policy, &route),
				 rows[i].ret);
		assert_int_equal(route, rows[i].route);
	}
}

/* Only the module computes the bus address itself: p2p-page's DMA layer does it there. */
static void test_route_is_ours(void **state)
{
	(void)state;
	assert_true(p2prig_route_is_ours(P2PRIG_POLICY_P2PDMA, P2PRIG_ROUTE_BUS_ADDR));
	assert_false(p2prig_route_is_ours(P2PRIG_POLICY_P2PDMA, P2PRIG_ROUTE_HOST_BRIDGE));
	assert_false(p2prig_route_is_ours(P2PRIG_POLICY_DMA_LAYER, P2PRIG_ROUTE_BUS_ADDR));
	assert_false(p2prig_route_is_ours(P2PRIG_POLICY_HOST, P2PRIG_ROUTE_HOST_BRIDGE));
	assert_false(p2prig_route_is_ours(P2PRIG_POLICY_P2PDMA, P2PRIG_ROUTE_NONE));
}

#define PHYS		0xf4010000ull
#define OFFSET		0x80000000ull		/* a DMA offset (dma_range_map) */
#define SME_BIT		(1ull << 47)		/* the encryption bit, AMD SME */

/* What dma-direct hands out, per path and platform. */
static void test_direct_expected(void **state)
{
	const struct p2prig_direct_addrs plain = { PHYS, PHYS, PHYS };
	const struct p2prig_direct_addrs offset = { PHYS, PHYS + OFFSET, PHYS + OFFSET };
	const struct p2prig_direct_addrs sme = { PHYS, PHYS | SME_BIT, PHYS };

	(void)state;
	/* No offset, no encryption (the virtual lab): all the same. */
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_PAGES, &plain, false), PHYS);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_PHYS, &plain, false), PHYS);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_SHARED, &plain, false), PHYS);
	/* A DMA offset: pages get it; MMIO before 7.3 did not, in 7.3 it does. */
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_PAGES, &offset, false),
			 PHYS + OFFSET);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_PHYS, &offset, false), PHYS);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_SHARED, &offset, false),
			 PHYS + OFFSET);
	/* SME: pages carry the bit, MMIO is shared memory without it. */
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_PAGES, &sme, true),
			 PHYS | SME_BIT);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_PHYS, &sme, true), PHYS);
	assert_int_equal(p2prig_direct_expected(P2PRIG_DIRECT_MMIO_SHARED, &sme, true), PHYS);
}

/*
 * The flags MAP reports. With an offset or SME, comparing an MMIO mapping
 * with phys_to_dma() (the old check) called it bounced; the expected
 * address of its own path does not.
 */
static void test_flags(void **state)
{
	const struct p2prig_direct_addrs sme = { PHYS, PHYS | SME_BIT, PHYS };
	const struct p2prig_direct_addrs offset = { PHYS, PHYS + OFFSET, PHYS + OFFSET };
	const __u64 bus = 0xe0010000ull;
	__u64 mmio;

	(void)state;
	/* The kernel's rule on a BUS_ADDR pair: the bus address, whatever the IOMMU. */
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_BUS_ADDR, false, bus, bus, 0),
			 P2PRIG_MAP_F_BUS_ADDR);
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_BUS_ADDR, true, bus, bus, PHYS),
			 P2PRIG_MAP_F_BUS_ADDR | P2PRIG_MAP_F_DIRECT);
	/* Translated: an IOVA, nothing else to say. */
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_HOST_BRIDGE, false, 0xfffe0000ull, bus, 0),
			 0);
	/* Direct MMIO under SME: what dma-direct gives is no bounce. */
	mmio = p2prig_direct_expected(P2PRIG_DIRECT_MMIO_SHARED, &sme, true);
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_HOST_BRIDGE, true, PHYS, bus, mmio),
			 P2PRIG_MAP_F_DIRECT);
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_HOST_BRIDGE, true, PHYS, bus,
					    sme.dma), P2PRIG_MAP_F_DIRECT | P2PRIG_MAP_F_BOUNCED);
	/* Direct MMIO of 6.12's dma_map_resource with an offset: phys itself. */
	mmio = p2prig_direct_expected(P2PRIG_DIRECT_MMIO_PHYS, &offset, false);
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_HOST_BRIDGE, true, PHYS, bus, mmio),
			 P2PRIG_MAP_F_DIRECT);
	/* A swiotlb slot is neither: bounced. */
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_NONE, true, 0x7f000000ull, 0, PHYS),
			 P2PRIG_MAP_F_DIRECT | P2PRIG_MAP_F_BOUNCED);
	/* RAM mapped where it lies: direct only, never the bus address. */
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_NONE, true, PHYS, 0, PHYS),
			 P2PRIG_MAP_F_DIRECT);
	/* The host route untranslated where the bus address is the CPU's (x86). */
	assert_int_equal(p2prig_route_flags(P2PRIG_ROUTE_HOST_BRIDGE, true, PHYS, PHYS, PHYS),
			 P2PRIG_MAP_F_BUS_ADDR | P2PRIG_MAP_F_DIRECT);
}

UNIT_TEST_MAIN("route_rule",
	cmocka_unit_test(test_route_rule),
	cmocka_unit_test(test_route_is_ours),
	cmocka_unit_test(test_direct_expected),
	cmocka_unit_test(test_flags));
