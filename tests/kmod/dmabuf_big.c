// SPDX-License-Identifier: GPL-2.0
/*
 * A dma-buf of 8 GiB, exported by phys-vec (and by the module's own mmio
 * method, which must split it the same way) and imported by edu, on the
 * kernel's kselftest harness, in the virtual lab with an ivshmem BAR of
 * 8 GiB (--config vlab-switch-iommu-pt-bigbar; elsewhere it skips).
 *
 * dma_buf_phys_vec_to_sgt() gives a switch-local pair (BUS_ADDR) the
 * range's PCI bus address, split into DMA entries of at most
 * ALIGN_DOWN(UINT_MAX, PAGE_SIZE) bytes: three entries for 8 GiB. Before
 * upstream 590d745680 ("dma-buf: fix integer overflow in fill_sg_entry()
 * for buffers >= 8GiB") the address of each entry was computed in 32 bits,
 * and every entry from the third on lay 4 GiB too low: the lengths still
 * added up, the addresses aliased another part of the BAR. The module's
 * importer refuses such a table (kmod/import_check.c: our dma-bufs are one
 * contiguous range, so each entry must start where the previous one
 * ended) with -EIO and a kernel log line naming the entry. Here the import
 * must succeed, describe the whole dma-buf from the chunk's bus address,
 * and edu must move bytes both ways at the start, across each entry's
 * boundary, above 4 GiB and in the last page, every byte checked through
 * the CPU.
 *
 * The p2pmem of an 8 GiB BAR costs the guest 128 MiB of struct pages;
 * the BAR's backing file on the host is sparse and only the pieces
 * written here take memory. ivshmem is left bound to p2prig_bar: the
 * rmmod after the test unbinds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define GIB		(1024ull * 1024 * 1024)
#define BIG		(8 * GIB)
#define PIECE		P2PRIG_MAX_XFER_SIZE
#define IVSHMEM_BAR	2
/* dma-buf-mapping.c's MAX_SG_ENT_SZ on 4 KiB pages. */
#define SG_ENT_MAX	0xfffff000ull
/* The rig with an 8 GiB BAR behind the switch, edu untranslated. */
#define BIG_CONFIG	"vlab-switch-iommu-pt-bigbar"

FIXTURE(big) {
	struct rigdev dev;
	int dbuf;
	struct rig_dev ivshmem, edu;
	uint64_t bar_start, bar_len;
	struct p2prig_chunk_alloc chunk;
	struct p2prig_info info;
	unsigned char out[PIECE], in[PIECE];
};

FIXTURE_SETUP(big)
{
	int rc;

	self->dev.fd = -1;
	self->dbuf = -1;
	if (rig_find(0x1af4, 0x1110, 0, &self->ivshmem))
		SKIP(return, "no QEMU ivshmem-plain device");
	if (rig_find(RIG_EDU_VENDOR, RIG_EDU_DEVICE, 0, &self->edu))
		SKIP(return, "no QEMU edu device");
	ASSERT_EQ(0, rig_bar_extent(&self->ivshmem, IVSHMEM_BAR, &self->bar_start,
				    &self->bar_len));
	if (self->bar_len < BIG)
		SKIP(return, "ivshmem's BAR2 is %llu MiB, not 8 GiB: --config " BIG_CONFIG,
		     (unsigned long long)(self->bar_len >> 20));

	rig_fixture_open(_metadata, &self->dev, &self->info);
	ASSERT_LE(BIG, self->info.max_bar_chunk_size);

	if (!rig_bound_to(&self->ivshmem, "p2prig_bar"))
		ASSERT_EQ(0, rig_hand_over(&self->ivshmem, "p2prig_bar"))
			TH_LOG("%s not bound to p2prig_bar", self->ivshmem.bdf);
	memset(&self->chunk, 0, sizeof(self->chunk));
	self->chunk.provider = P2PRIG_PROVIDER_BAR;
	self->chunk.pci = self->ivshmem.addr;
	self->chunk.size = BIG;
	rc = rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC, &self->chunk);
	ASSERT_EQ(0, rc) TH_LOG("8 GiB from %s: %s", self->ivshmem.bdf,
				strerror(-rc));
}

FIXTURE_TEARDOWN(big)
{
	if (self->dbuf >= 0)
		close(self->dbuf);
	rigdev_close(&self->dev);
	if (self->edu.bdf[0] && !rig_bound_to(&self->edu, "p2prig_edu"))
		rig_hand_over(&self->edu, NULL);
}

/* The CPU writes, edu reads; edu writes, the CPU reads: at @offset. */
static void move_both_ways(struct __test_metadata *_metadata,
			   FIXTURE_DATA(big) * self, uint32_t import,
			   uint64_t offset, unsigned int seed)
{
	uint32_t chunk = self->chunk.handle;

	rig_fill(self->out, PIECE, seed);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_WRITE, offset,
				     self->out, PIECE));
	memset(self->in, 0, PIECE);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, import, P2PRIG_XFER_FROM_PEER,
				 offset, self->in, PIECE, NULL))
		TH_LOG("edu reading offset %#llx", (unsigned long long)offset);
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE))
		TH_LOG("edu read other bytes than the CPU wrote at offset %#llx",
		       (unsigned long long)offset);

	rig_fill(self->out, PIECE, seed + 1000);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, import, P2PRIG_XFER_TO_PEER,
				 offset, self->out, PIECE, NULL))
		TH_LOG("edu writing offset %#llx", (unsigned long long)offset);
	memset(self->in, 0, PIECE);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_READ, offset,
				     self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE))
		TH_LOG("the CPU read other bytes than edu wrote at offset %#llx",
		       (unsigned long long)offset);
}

/*
 * The whole 8 GiB chunk exported by @method, imported by edu, bytes both
 * ways at the entries' edges. phys-vec hands out the bus address (the pair
 * is behind one switch), mmio the CPU's physical address (no translating
 * IOMMU on this rig); both in entries of at most SG_ENT_MAX bytes.
 */
static void export_import_8g(struct __test_metadata *_metadata,
			     FIXTURE_DATA(big) * self, __u32 method)
{
	const uint64_t offsets[] = {
		0,				/* the first entry */
		SG_ENT_MAX - PIECE / 2,		/* across the first boundary */
		4 * GIB + PIECE,		/* above 4 GiB */
		2 * SG_ENT_MAX - PIECE / 2,	/* across the second boundary */
		BIG - PIECE,			/* the last page, the third entry */
	};
	struct p2prig_export_stats st;
	struct p2prig_import imp;
	unsigned int i;
	int rc;

	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk.handle, method, 0,
				   BIG, &self->dbuf));
	rc = rigdev_import(&self->dev, self->dbuf, P2PRIG_INITIATOR_EDU,
			   &self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL, &imp);
	ASSERT_EQ(0, rc)
		TH_LOG("IMPORT of 8 GiB exported by method %u: %s (the kernel log says why)",
		       method, strerror(-rc));
	TH_LOG("chunk phys %#llx bus %#llx; import: %u DMA entries from %#llx, flags %#x",
	       (unsigned long long)self->chunk.phys_addr,
	       (unsigned long long)self->chunk.bus_addr, imp.nr_segments,
	       (unsigned long long)imp.dma_addr, imp.flags);
	EXPECT_EQ(BIG, imp.length);
	EXPECT_EQ((BIG + SG_ENT_MAX - 1) / SG_ENT_MAX, imp.nr_segments);
	EXPECT_NE(0u, imp.flags & P2PRIG_IMPORT_F_OURS);
	if (method == P2PRIG_EXPORT_PHYS_VEC) {
		/* Behind one switch: the bus address, not an IOVA. */
		EXPECT_NE(0u, imp.flags & P2PRIG_MAP_F_BUS_ADDR);
		EXPECT_EQ(self->chunk.bus_addr, imp.dma_addr);
	} else if (imp.flags & P2PRIG_MAP_F_DIRECT) {
		EXPECT_EQ(self->chunk.phys_addr, imp.dma_addr);
	}

	if (!(imp.flags & P2PRIG_MAP_F_DIRECT)) {
		/* QEMU sends every DMA through its IOMMU: a bus address faults. */
		TH_LOG("no bytes moved: a bus address behind a translating IOMMU faults in QEMU");
	} else {
		for (i = 0; i < ARRAY_SIZE(offsets); i++)
			move_both_ways(_metadata, self, imp.handle, offsets[i],
				       i + 1);
	}

	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, self->dbuf, &st));
	EXPECT_EQ(1ull, st.maps);
	EXPECT_EQ(1ull, st.unmaps);
	EXPECT_EQ(0ull, st.map_failed);
}

TEST_F(big, phys_vec_8g)
{
	if (!(self->info.export_method_mask & (1u << P2PRIG_EXPORT_PHYS_VEC)))
		SKIP(return, "no phys-vec export on %s (dma_buf_phys_vec_to_sgt, 6.19)",
		     self->info.kernel_release);
	export_import_8g(_metadata, self, P2PRIG_EXPORT_PHYS_VEC);
}

/* The module's own export: an entry's length is 32 bits, so it splits. */
TEST_F(big, mmio_8g)
{
	if (!(self->info.export_method_mask & (1u << P2PRIG_EXPORT_MMIO)))
		SKIP(return, "no mmio export on %s (dma_map_phys, 6.18)",
		     self->info.kernel_release);
	export_import_8g(_metadata, self, P2PRIG_EXPORT_MMIO);
}

TEST_HARNESS_MAIN
