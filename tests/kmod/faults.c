// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko under faults, on the kernel's kselftest harness, in the
 * virtual lab (nvme with a CMB, edu) with the module loaded.
 *
 * An initiator that stops answering: edu_inject_lost_irq starts DMAs
 * without their interrupt, and a timeout shorter than edu's 100 ms finds
 * a DMA still in flight. Each XFER answers -ETIMEDOUT, the function is
 * reset and the next XFER moves every byte right. Where the function
 * cannot be reset (reset_method emptied) the engine is retired, -EIO,
 * until a reset from user space brings it back.
 *
 * A DMA mask too narrow for the memory: edu_dma_bits below the CMB's bus
 * address. Where the DMA address is the memory's own (no IOMMU or
 * passthrough) MAP refuses with -EIO by every method, as do PROBE,
 * MAP_BENCH and imports of our dma-bufs (mmio, phys-vec); under a
 * translating IOMMU the IOVA lands below the mask and bytes move through
 * it, but p2pdma's bus address (p2p-page, BUS_ADDR) is still refused.
 * Either way a mapping made before the mask narrowed is never handed to
 * the engine again: its XFERs answer -EIO. A RAM chunk beyond a 16 MiB
 * mask is refused with -EIO (or bounced by swiotlb below it) where
 * untranslated, never reaching the DMA layer's overflow WARN. A mask no
 * bounce buffer fits under (one page) is refused and the old one kept.
 *
 * rmmod while the module's objects live: refused while /dev/p2prig or a
 * dma-buf is open, accepted once both are closed, with the CMB's p2pmem
 * all back; the same .ko is loaded again so the run ends as it began.
 * That test comes last.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define PARAMS		"/sys/module/p2prig/parameters/"
#define TIMEOUT_PARAM	PARAMS "edu_timeout_ms"
#define INJECT_PARAM	PARAMS "edu_inject_lost_irq"
#define BITS_PARAM	PARAMS "edu_dma_bits"
/* Where harness/vlab/guest-run.sh loads the module from; P2PRIG_KO overrides. */
#define MODULE_KO	"/rig/kmod/p2prig.ko"

#define CHUNK		(64u << 10)
#define PIECE		P2PRIG_MAX_XFER_SIZE
/* Short, yet longer than the 100 ms edu takes per DMA. */
#define SHORT_MS	200
/* Shorter than edu's 100 ms: the DMA is still running at the timeout. */
#define TOO_SHORT_MS	20

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int write_u64(const char *path, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return rig_write(path, text);
}

FIXTURE(faults) {
	struct rigdev dev;
	struct rig_dev nvme, edu;
	struct p2prig_info info;
	struct p2prig_chunk_alloc chunk;
	uint64_t timeout_ms, dma_bits;
	char reset_path[96], reset_method_path[96], reset_method[64];
	int reset_method_changed;
	unsigned char out[PIECE], in[PIECE];
};

FIXTURE_SETUP(faults)
{
	int rc;

	self->dev.fd = -1;
	if (!rig_fixture_find(_metadata, &self->nvme, &self->edu))
		return;
	ASSERT_EQ(0, rig_read_u64(TIMEOUT_PARAM, &self->timeout_ms));
	ASSERT_EQ(0, rig_read_u64(BITS_PARAM, &self->dma_bits))
		TH_LOG("%s: a module without edu_dma_bits", BITS_PARAM);
	snprintf(self->reset_path, sizeof(self->reset_path),
		 "/sys/bus/pci/devices/%s/reset", self->edu.bdf);
	snprintf(self->reset_method_path, sizeof(self->reset_method_path),
		 "/sys/bus/pci/devices/%s/reset_method", self->edu.bdf);
	rig_read_line(self->reset_method_path, self->reset_method,
		      sizeof(self->reset_method));

	rig_fixture_open(_metadata, &self->dev, &self->info);

	memset(&self->chunk, 0, sizeof(self->chunk));
	self->chunk.provider = P2PRIG_PROVIDER_NVME_CMB;
	self->chunk.pci = self->nvme.addr;
	self->chunk.size = CHUNK;
	rc = rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC, &self->chunk);
	ASSERT_EQ(0, rc) TH_LOG("CMB chunk: %s", strerror(-rc));
}

FIXTURE_TEARDOWN(faults)
{
	write_u64(INJECT_PARAM, 0);
	if (self->timeout_ms)
		write_u64(TIMEOUT_PARAM, self->timeout_ms);
	if (self->dma_bits)
		write_u64(BITS_PARAM, self->dma_bits);
	if (self->reset_method_changed)
		rig_write(self->reset_method_path, "default");
	rigdev_close(&self->dev);
}

/* PIECE bytes at the chunk's start, both ways, for edu by @method. */
static int map_piece(FIXTURE_DATA(faults) * self, uint32_t method,
		     struct p2prig_map *m)
{
	return rigdev_map(&self->dev, self->chunk.handle, method,
			  P2PRIG_INITIATOR_EDU, &self->edu.addr,
			  P2PRIG_DIR_BIDIRECTIONAL, 0, PIECE, m);
}

/* Bytes moved both ways through @mapping and read back by the CPU too. */
static void check_moves(struct __test_metadata *_metadata,
			FIXTURE_DATA(faults) * self, uint32_t mapping,
			unsigned int seed, const char *what)
{
	int rc;

	rig_fill(self->out, PIECE, seed);
	rc = rigdev_xfer(&self->dev, mapping, P2PRIG_XFER_TO_PEER, 0, self->out,
			 PIECE, NULL);
	ASSERT_EQ(0, rc) TH_LOG("%s: XFER to peer: %s", what, strerror(-rc));
	memset(self->in, 0, PIECE);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk.handle,
				     P2PRIG_IO_READ, 0, self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE))
		TH_LOG("%s: the CPU reads other bytes than edu wrote", what);
	memset(self->in, 0, PIECE);
	rc = rigdev_xfer(&self->dev, mapping, P2PRIG_XFER_FROM_PEER, 0,
			 self->in, PIECE, NULL);
	ASSERT_EQ(0, rc) TH_LOG("%s: XFER from peer: %s", what, strerror(-rc));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE))
		TH_LOG("%s: edu read back other bytes", what);
}

/* Ten MAP_BENCH calls of @method on @chunk for edu; the ioctl's answer. */
static int short_bench(FIXTURE_DATA(faults) * self, uint32_t chunk,
		       uint32_t method, struct p2prig_map_bench *bench)
{
	memset(bench, 0, sizeof(*bench));
	bench->chunk = chunk;
	bench->method = method;
	bench->initiator = P2PRIG_INITIATOR_EDU;
	bench->pci = self->edu.addr;
	bench->granule = PIECE;
	bench->iterations = 10;
	bench->threads = 1;
	return rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, bench);
}

/* One XFER to the peer that must fail with @want; its time in ms. */
static uint64_t xfer_fails(struct __test_metadata *_metadata,
			   FIXTURE_DATA(faults) * self, uint32_t mapping,
			   uint32_t dir, int want)
{
	uint64_t start = now_ms();
	int rc;

	rig_fill(self->out, PIECE, 99);
	rc = rigdev_xfer(&self->dev, mapping, dir, 0, self->out, PIECE, NULL);
	EXPECT_EQ(want, rc) TH_LOG("XFER: %s, wanted %s", strerror(-rc),
				   strerror(-want));
	return now_ms() - start;
}

/*
 * The DMA to the peer ends but its interrupt never comes: -ETIMEDOUT, the
 * function is reset, and the next XFERs move every byte.
 */
TEST_F(faults, lost_irq_resets_and_recovers)
{
	struct p2prig_map m;
	uint64_t left, ms;

	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	check_moves(_metadata, self, m.handle, 1, "before the fault");

	ASSERT_EQ(0, write_u64(TIMEOUT_PARAM, SHORT_MS));
	ASSERT_EQ(0, write_u64(INJECT_PARAM, 1));
	ms = xfer_fails(_metadata, self, m.handle, P2PRIG_XFER_TO_PEER,
			-ETIMEDOUT);
	ASSERT_EQ(0, rig_read_u64(INJECT_PARAM, &left));
	EXPECT_EQ(0ull, left) TH_LOG("the injected fault was not taken");
	TH_LOG("lost interrupt: -ETIMEDOUT after %llu ms (timeout %u ms), reset methods '%s'",
	       (unsigned long long)ms, SHORT_MS, self->reset_method);

	check_moves(_metadata, self, m.handle, 2, "after the reset");
	check_moves(_metadata, self, m.handle, 3, "again");
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

/*
 * A timeout shorter than edu's DMA: the DMA is still running when the
 * driver gives up, in each direction, and edu keeps it running across the
 * reset. The reset waits for it with bus mastering off. Were the engine
 * handed back before that, edu would ignore the next transfer's first DMA
 * and the late one would stand in for it: after the read from the peer,
 * the peer's old bytes would go back where the new ones belong.
 */
TEST_F(faults, dma_in_flight_at_timeout)
{
	static const uint32_t dirs[] = { P2PRIG_XFER_FROM_PEER,
					 P2PRIG_XFER_TO_PEER };
	struct p2prig_map m;
	unsigned int i;
	uint64_t ms;

	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		rig_fill(self->out, PIECE, 40 + i);
		ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk.handle,
					     P2PRIG_IO_WRITE, 0, self->out,
					     PIECE));
		ASSERT_EQ(0, write_u64(TIMEOUT_PARAM, TOO_SHORT_MS));
		ms = xfer_fails(_metadata, self, m.handle, dirs[i], -ETIMEDOUT);
		TH_LOG("%s, in flight at %u ms: -ETIMEDOUT after %llu ms",
		       dirs[i] == P2PRIG_XFER_TO_PEER ? "to peer" : "from peer",
		       TOO_SHORT_MS, (unsigned long long)ms);
		ASSERT_EQ(0, write_u64(TIMEOUT_PARAM, self->timeout_ms));
		check_moves(_metadata, self, m.handle, 50 + i, "after the reset");
	}
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

/*
 * No reset method left: the engine is retired (-EIO, then -EIO without a
 * fault) until user space resets the function through sysfs.
 */
TEST_F(faults, no_reset_retires_until_reset)
{
	struct p2prig_map m;
	uint64_t start;
	int rc;

	if (!self->reset_method[0])
		SKIP(return, "%s: no reset method", self->edu.bdf);
	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	self->reset_method_changed = 1;
	ASSERT_EQ(0, rig_write(self->reset_method_path, "\n"));
	ASSERT_EQ(0, write_u64(TIMEOUT_PARAM, SHORT_MS));
	ASSERT_EQ(0, write_u64(INJECT_PARAM, 1));
	xfer_fails(_metadata, self, m.handle, P2PRIG_XFER_TO_PEER, -EIO);
	xfer_fails(_metadata, self, m.handle, P2PRIG_XFER_FROM_PEER, -EIO);

	ASSERT_EQ(0, rig_write(self->reset_method_path, "default"));
	self->reset_method_changed = 0;
	start = now_ms();
	rc = rig_write(self->reset_path, "1");
	ASSERT_EQ(0, rc) TH_LOG("%s: %s", self->reset_path, strerror(-rc));
	TH_LOG("retired engine back after a sysfs reset of %llu ms",
	       (unsigned long long)(now_ms() - start));
	check_moves(_metadata, self, m.handle, 5, "after the sysfs reset");
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

/* edu_dma_bits takes 12..64 and nothing else. */
TEST_F(faults, dma_bits_bad_input)
{
	static const char bad[][4] = { "11", "65", "0", "-1", "x" };
	uint64_t bits;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, rig_write(BITS_PARAM, bad[i]))
			TH_LOG("edu_dma_bits '%s'", bad[i]);
	ASSERT_EQ(0, rig_read_u64(BITS_PARAM, &bits));
	EXPECT_EQ(self->dma_bits, bits);
	EXPECT_EQ(0, rig_write(BITS_PARAM, "28"));
	EXPECT_EQ(0, rig_write(BITS_PARAM, "64"));
}

/* The mask's width that leaves @addr just out of reach. */
static unsigned int bits_below(uint64_t addr)
{
	return 63 - (unsigned int)__builtin_clzll(addr);
}

/* Untranslated: every method's address would be the CMB's own; -EIO. */
static void narrow_direct(struct __test_metadata *_metadata,
			  FIXTURE_DATA(faults) * self, uint64_t mask)
{
	static const uint32_t methods[] = { P2PRIG_METHOD_MMIO,
					    P2PRIG_METHOD_RESOURCE,
					    P2PRIG_METHOD_P2P_PAGE };
	struct p2prig_map_bench bench;
	struct p2prig_import imp;
	struct p2prig_probe probe;
	struct p2prig_map m;
	unsigned int i;
	int rc, dbuf;

	for (i = 0; i < ARRAY_SIZE(methods); i++) {
		if (!(self->info.method_mask & (1u << methods[i])))
			continue;
		rc = map_piece(self, methods[i], &m);
		EXPECT_EQ(-EIO, rc) TH_LOG("%s: MAP %s, dma_addr %#llx, mask %#llx",
					   rig_method_name(methods[i]),
					   strerror(-rc),
					   (unsigned long long)m.dma_addr,
					   (unsigned long long)mask);
	}
	EXPECT_EQ(-EIO, rigdev_probe(&self->dev, self->chunk.handle,
				     P2PRIG_INITIATOR_EDU, &self->edu.addr, 0,
				     &probe));

	/* Our dma-buf refuses the importer as MAP does. */
	if (self->info.export_method_mask & (1u << P2PRIG_EXPORT_MMIO)) {
		ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk.handle,
					   P2PRIG_EXPORT_MMIO, 0, CHUNK,
					   &dbuf));
		EXPECT_EQ(-EIO, rigdev_import(&self->dev, dbuf,
					      P2PRIG_INITIATOR_EDU,
					      &self->edu.addr,
					      P2PRIG_DIR_BIDIRECTIONAL, &imp));
		close(dbuf);
	}
	if (self->info.export_method_mask & (1u << P2PRIG_EXPORT_PHYS_VEC)) {
		ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk.handle,
					   P2PRIG_EXPORT_PHYS_VEC, 0, CHUNK,
					   &dbuf));
		rc = rigdev_import(&self->dev, dbuf, P2PRIG_INITIATOR_EDU,
				   &self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL,
				   &imp);
		EXPECT_EQ(-EIO, rc) TH_LOG("phys-vec: import %s at %#llx",
					   strerror(-rc),
					   (unsigned long long)imp.dma_addr);
		close(dbuf);
	}

	ASSERT_EQ(0, short_bench(self, self->chunk.handle, P2PRIG_METHOD_MMIO,
				 &bench));
	EXPECT_EQ(-EIO, bench.first_error);
	EXPECT_EQ(0ull, bench.map.n);
}

/*
 * Translated: IOVAs below the mask that move bytes (the -host methods map
 * through the IOMMU whatever p2pdma decided); bus addresses refused (the
 * kernel's rule for a BUS_ADDR pair: p2p-page, mmio, resource, iova-link).
 */
static void narrow_translated(struct __test_metadata *_metadata,
			      FIXTURE_DATA(faults) * self, uint64_t mask,
			      const struct p2prig_probe *probe)
{
	static const uint32_t methods[] = { P2PRIG_METHOD_MMIO_HOST,
					    P2PRIG_METHOD_RESOURCE_HOST,
					    P2PRIG_METHOD_IOVA_LINK_HOST };
	static const uint32_t by_rule[] = { P2PRIG_METHOD_P2P_PAGE,
					    P2PRIG_METHOD_MMIO,
					    P2PRIG_METHOD_RESOURCE,
					    P2PRIG_METHOD_IOVA_LINK };
	struct p2prig_probe narrow;
	struct p2prig_map m;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(methods); i++) {
		if (!(self->info.method_mask & (1u << methods[i])))
			continue;
		rc = map_piece(self, methods[i], &m);
		ASSERT_EQ(0, rc) TH_LOG("%s: MAP %s", rig_method_name(methods[i]),
					strerror(-rc));
		EXPECT_LE(m.dma_addr + PIECE - 1, mask)
			TH_LOG("%s: IOVA %#llx beyond the mask",
			       rig_method_name(methods[i]),
			       (unsigned long long)m.dma_addr);
		TH_LOG("%s under mask %#llx: IOVA %#llx",
		       rig_method_name(methods[i]), (unsigned long long)mask,
		       (unsigned long long)m.dma_addr);
		check_moves(_metadata, self, m.handle, 10 + i,
			    rig_method_name(methods[i]));
		EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	}

	/* What the kernel itself hands out: reported, not judged. */
	rc = rigdev_probe(&self->dev, self->chunk.handle, P2PRIG_INITIATOR_EDU,
			  &self->edu.addr, 0, &narrow);
	TH_LOG("PROBE under mask %#llx: %s, type %u at %#llx",
	       (unsigned long long)mask, rc ? strerror(-rc) : "ok",
	       narrow.map_type, (unsigned long long)narrow.dma_addr);

	for (i = 0; i < ARRAY_SIZE(by_rule); i++) {
		if (!(self->info.method_mask & (1u << by_rule[i])))
			continue;
		rc = map_piece(self, by_rule[i], &m);
		if (probe->map_type == P2PRIG_MAP_TYPE_BUS_ADDR &&
		    probe->dma_addr > mask) {
			EXPECT_EQ(-EIO, rc)
				TH_LOG("%s: bus address %#llx handed out",
				       rig_method_name(by_rule[i]),
				       (unsigned long long)m.dma_addr);
		} else if (probe->map_type ==
			   P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE) {
			ASSERT_EQ(0, rc);
			EXPECT_LE(m.dma_addr + PIECE - 1, mask);
		}
		if (!rc)
			EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	}
}

/*
 * A mask just below the CMB's bus address: refused where that address is
 * the DMA address, mapped below the mask where an IOMMU translates.
 */
TEST_F(faults, narrow_dma_mask)
{
	struct p2prig_probe probe;
	struct p2prig_map m;
	unsigned int bits = bits_below(self->chunk.bus_addr);
	uint64_t mask = (1ull << bits) - 1;
	int translated = rig_iommu_translates(&self->edu);

	if (bits < 28)
		SKIP(return, "the CMB at %#llx lies below any mask edu takes",
		     (unsigned long long)self->chunk.bus_addr);
	ASSERT_EQ(0, rigdev_probe(&self->dev, self->chunk.handle,
				  P2PRIG_INITIATOR_EDU, &self->edu.addr, 0,
				  &probe));
	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	TH_LOG("%s; CMB at bus address %#llx; mask now %u bits",
	       translated ? "IOMMU translating" : "untranslated",
	       (unsigned long long)self->chunk.bus_addr, bits);
	TH_LOG("with 64 bits: mmio maps at %#llx, p2p-page probes type %u at %#llx",
	       (unsigned long long)m.dma_addr, probe.map_type,
	       (unsigned long long)probe.dma_addr);
	ASSERT_EQ(0, write_u64(BITS_PARAM, bits));
	if (translated) {
		/* Else an IOVA below the mask would prove nothing. */
		EXPECT_LT(mask, m.dma_addr)
			TH_LOG("with 64 bits the IOVA is below the narrow mask already");
		narrow_translated(_metadata, self, mask, &probe);
	} else {
		narrow_direct(_metadata, self, mask);
	}
	/*
	 * Made under 64 bits, a mapping keeps its address, which edu could
	 * no longer reach: never handed to the engine, in either direction.
	 */
	EXPECT_EQ(-EIO, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER,
				    0, self->out, PIECE, NULL));
	EXPECT_EQ(-EIO, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_FROM_PEER,
				    0, self->in, PIECE, NULL));
	ASSERT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));

	ASSERT_EQ(0, write_u64(BITS_PARAM, 64));
	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	check_moves(_metadata, self, m.handle, 20, "mask back at 64 bits");
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

/*
 * The two below come after narrow_dma_mask: their narrow masks leave low
 * IOVAs in the IOMMU's caches, which a mapping made under 64 bits may get
 * back, and narrow_dma_mask needs one above its mask. ram_beyond_mask
 * comes first: the IOVA allocator remembers the size of an allocation it
 * could not fit below 4 GiB and refuses any as large there at once until
 * an IOVA below 4 GiB is freed (iova.c's max32_alloc_size), so after the
 * one-page mask's failed bounce buffer a 16 MiB mask could get nothing.
 */
/*
 * A 16 MiB mask (ZONE_DMA's, the narrowest dma-direct takes): edu's bounce
 * buffer moves under it, and a RAM chunk lands above it.
 */
#define RAM_BITS	24

/*
 * A RAM chunk beyond the mask. Untranslated, dma-direct would bounce it
 * through swiotlb where it has a pool within the mask, and otherwise WARN
 * (its overflow check, or swiotlb's) and fail: MAP answers -EIO before
 * that, or maps it bounced (P2PRIG_MAP_F_BOUNCED) below the mask, and
 * MAP_BENCH's first_error is MAP's errno. Under a translating IOMMU the
 * IOVA lands below the mask and bytes move through it. The kernel log
 * stays clean either way (the guest test fails on a WARN).
 */
TEST_F(faults, ram_beyond_mask)
{
	uint64_t mask = (1ull << RAM_BITS) - 1;
	int translated = rig_iommu_translates(&self->edu);
	struct p2prig_chunk_alloc ram;
	struct p2prig_map_bench bench;
	struct p2prig_map m;
	int rc;

	memset(&ram, 0, sizeof(ram));
	ram.provider = P2PRIG_PROVIDER_RAM;
	ram.size = CHUNK;
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC, &ram));
	if (ram.phys_addr + CHUNK - 1 <= mask)
		SKIP(return, "the RAM chunk at %#llx lies under a %u-bit mask",
		     (unsigned long long)ram.phys_addr, RAM_BITS);
	rc = write_u64(BITS_PARAM, RAM_BITS);
	ASSERT_EQ(0, rc) TH_LOG("edu_dma_bits=%u: %s", RAM_BITS, strerror(-rc));

	rc = rigdev_map(&self->dev, ram.handle, P2PRIG_METHOD_PAGE,
			P2PRIG_INITIATOR_EDU, &self->edu.addr,
			P2PRIG_DIR_BIDIRECTIONAL, 0, PIECE, &m);
	TH_LOG("%s: RAM at %#llx, mask %#llx: MAP %s, dma_addr %#llx, flags %#x",
	       translated ? "translated" : "direct",
	       (unsigned long long)ram.phys_addr, (unsigned long long)mask,
	       rc ? strerror(-rc) : "ok", (unsigned long long)m.dma_addr,
	       m.flags);
	if (translated || !rc) {
		ASSERT_EQ(0, rc);
		EXPECT_LE(m.dma_addr + PIECE - 1, mask);
		if (!translated)
			EXPECT_NE(0u, m.flags & P2PRIG_MAP_F_BOUNCED);
		rig_fill(self->out, PIECE, 60);
		ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle,
					 P2PRIG_XFER_TO_PEER, 0, self->out,
					 PIECE, NULL));
		memset(self->in, 0, PIECE);
		ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle,
					 P2PRIG_XFER_FROM_PEER, 0, self->in,
					 PIECE, NULL));
		EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
		EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	} else {
		EXPECT_EQ(-EIO, rc);
	}

	ASSERT_EQ(0, short_bench(self, ram.handle, P2PRIG_METHOD_PAGE, &bench));
	EXPECT_EQ(rc, bench.first_error);
	EXPECT_EQ(rc ? 0ull : 10ull, bench.map.n);
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, ram.handle));
}

/*
 * A mask of one page, below anything a coherent bounce buffer can get:
 * the DMA layer refuses the mask (dma-direct: below ZONE_DMA, -EIO), or
 * takes it and the allocation finds nothing (an IOMMU: no IOVA below 4 KiB,
 * -ENOMEM). Either way the write is refused, edu keeps the mask it had,
 * and bytes move as before.
 */
TEST_F(faults, dma_bits_no_bounce_fits)
{
	int translated = rig_iommu_translates(&self->edu);
	struct p2prig_map m;
	uint64_t bits;
	int rc;

	ASSERT_EQ(0, write_u64(BITS_PARAM, 64));
	rc = write_u64(BITS_PARAM, 12);
	TH_LOG("%s: edu_dma_bits=12: %s", translated ? "translated" : "direct",
	       strerror(-rc));
	/* An IOMMU takes the mask: only the allocation can fail. */
	EXPECT_TRUE(rc == -ENOMEM || (!translated && rc == -EIO));
	ASSERT_EQ(0, rig_read_u64(BITS_PARAM, &bits));
	EXPECT_EQ(64ull, bits);
	/* An IOVA where the IOMMU translates: QEMU faults a bus address. */
	ASSERT_EQ(0, map_piece(self, P2PRIG_METHOD_MMIO_HOST, &m));
	check_moves(_metadata, self, m.handle, 30, "after the refused mask");
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

static int module_loaded(void)
{
	return access("/sys/module/p2prig", F_OK) == 0;
}

static int module_refcnt(uint64_t *count)
{
	return rig_read_u64("/sys/module/p2prig/refcnt", count);
}

static const char *module_ko(void)
{
	const char *ko = getenv("P2PRIG_KO");

	return ko && *ko ? ko : MODULE_KO;
}

/* delete_module(2) as rmmod calls it: 0 or -errno. */
static int unload(void)
{
	return syscall(SYS_delete_module, "p2prig", O_NONBLOCK) ? -errno : 0;
}

static int load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return rc;
}

/*
 * Whether @ko is the module that is loaded: its build ID note, as the
 * kernel shows it, occurs in the file. 1 yes, 0 no, -1 cannot tell.
 */
static int same_module(const char *ko)
{
	unsigned char note[128], *file = NULL;
	ssize_t n_note, n_file = 0;
	struct stat st;
	int fd, same = -1;

	fd = open("/sys/module/p2prig/notes/.note.gnu.build-id", O_RDONLY);
	if (fd < 0)
		return -1;
	n_note = read(fd, note, sizeof(note));
	close(fd);
	fd = open(ko, O_RDONLY);
	if (n_note <= 0 || fd < 0 || fstat(fd, &st))
		goto out;
	file = malloc(st.st_size);
	if (file)
		n_file = read(fd, file, st.st_size);
	if (n_file == st.st_size)
		same = !!memmem(file, n_file, note, n_note);
out:
	free(file);
	if (fd >= 0)
		close(fd);
	return same;
}

static int wait_path(const char *path, int present)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if ((access(path, F_OK) == 0) == present)
			return 0;
		usleep(50 * 1000);
	}
	return -ETIMEDOUT;
}

FIXTURE(unload) {
	struct rigdev dev;
	int dbuf;
	struct rig_dev nvme, edu;
	const char *ko;
};

FIXTURE_SETUP(unload)
{
	self->dev.fd = -1;
	self->dbuf = -1;
	self->ko = module_ko();
	if (!rig_fixture_find(_metadata, &self->nvme, &self->edu))
		return;
	if (access(self->ko, R_OK))
		SKIP(return, "%s: %s; it could not be loaded again",
		     self->ko, strerror(errno));
	if (same_module(self->ko) == 0)
		SKIP(return, "%s is not the module loaded (its build ID differs)",
		     self->ko);
}

/* Whatever happened, the run ends with the module loaded, as it began. */
FIXTURE_TEARDOWN(unload)
{
	rigdev_close(&self->dev);
	if (self->dbuf >= 0)
		close(self->dbuf);
	if (!module_loaded())
		load(self->ko);
}

/* The device open, a CMB chunk, and PIECE of it mapped for edu. */
static void open_and_map(struct __test_metadata *_metadata,
			 FIXTURE_DATA(unload) * self, uint32_t *chunk,
			 struct p2prig_map *m)
{
	rig_fixture_open(_metadata, &self->dev, NULL);
	rig_fixture_chunk(_metadata, &self->dev, P2PRIG_PROVIDER_NVME_CMB,
			  &self->nvme, CHUNK, chunk);
	ASSERT_EQ(0, rigdev_map(&self->dev, *chunk, P2PRIG_METHOD_MMIO_HOST,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_BIDIRECTIONAL, 0, PIECE, m));
}

TEST_F_TIMEOUT(unload, refused_while_held_then_clean, 120)
{
	unsigned char out[PIECE], in[PIECE];
	uint64_t before, available, refs, size;
	struct p2prig_import imp;
	struct p2prig_map m;
	uint32_t chunk;
	char driver[128];
	ssize_t n;
	int rc;

	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &before));
	snprintf((char *)in, sizeof(in), "/sys/bus/pci/devices/%s/p2pmem/size",
		 self->nvme.bdf);
	ASSERT_EQ(0, rig_read_u64((char *)in, &size));
	/* nvme keeps its I/O submission queue in the CMB: not ours to free. */
	TH_LOG("p2pmem size %llu, available %llu before the test",
	       (unsigned long long)size, (unsigned long long)before);
	open_and_map(_metadata, self, &chunk, &m);
	ASSERT_EQ(0, rigdev_export(&self->dev, chunk, P2PRIG_EXPORT_MMIO_HOST,
				   0, CHUNK, &self->dbuf));
	ASSERT_EQ(0, rigdev_import(&self->dev, self->dbuf, P2PRIG_INITIATOR_EDU,
				   &self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL,
				   &imp));
	ASSERT_EQ(0, module_refcnt(&refs));
	TH_LOG("file, mapping, dma-buf and import live: refcnt %llu",
	       (unsigned long long)refs);
	EXPECT_LE(2ull, refs);

	rc = unload();
	EXPECT_TRUE(rc == -EWOULDBLOCK || rc == -EBUSY)
		TH_LOG("rmmod with the file open: %s", strerror(-rc));
	ASSERT_TRUE(module_loaded());
	TH_LOG("rmmod with the file open: %s", strerror(-rc));
	/* Refused, and nothing of it broken. */
	rig_fill(out, PIECE, 7);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_TO_PEER, 0,
				 out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_READ, 0, in,
				     PIECE));
	EXPECT_EQ(0, memcmp(out, in, PIECE));

	/* The dma-buf holds the chunk, and the module. */
	close(self->dev.fd);
	self->dev.fd = -1;
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &available));
	EXPECT_EQ(before - CHUNK, available);
	ASSERT_EQ(0, module_refcnt(&refs));
	EXPECT_EQ(1ull, refs);
	rc = unload();
	EXPECT_TRUE(rc == -EWOULDBLOCK || rc == -EBUSY)
		TH_LOG("rmmod with the dma-buf open: %s", strerror(-rc));
	ASSERT_TRUE(module_loaded());

	close(self->dbuf);
	self->dbuf = -1;
	ASSERT_EQ(0, module_refcnt(&refs));
	EXPECT_EQ(0ull, refs);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &available));
	EXPECT_EQ(before, available);
	rc = unload();
	ASSERT_EQ(0, rc) TH_LOG("rmmod with nothing open: %s", strerror(-rc));
	EXPECT_EQ(0, wait_path("/sys/module/p2prig", 0));
	EXPECT_EQ(0, wait_path(P2PRIG_DEVICE_PATH, 0));
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &available));
	EXPECT_EQ(before, available) TH_LOG("p2pmem not all back after rmmod");

	rc = load(self->ko);
	ASSERT_EQ(0, rc) TH_LOG("loading %s again: %s", self->ko,
				strerror(-rc));
	ASSERT_EQ(0, wait_path(P2PRIG_DEVICE_PATH, 1));
	snprintf((char *)in, sizeof(in), "/sys/bus/pci/devices/%s/driver",
		 self->edu.bdf);
	n = readlink((char *)in, driver, sizeof(driver) - 1);
	ASSERT_LT(0, n);
	driver[n] = '\0';
	EXPECT_STREQ("p2prig_edu", strrchr(driver, '/') + 1);

	/* The module loaded again works as before. */
	open_and_map(_metadata, self, &chunk, &m);
	rig_fill(out, PIECE, 8);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER, 0,
				 out, PIECE, NULL));
	memset(in, 0, PIECE);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_FROM_PEER, 0,
				 in, PIECE, NULL));
	EXPECT_EQ(0, memcmp(out, in, PIECE));
}

TEST_HARNESS_MAIN
