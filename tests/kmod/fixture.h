/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture set-up the kselftest programs share; include it after
 * kselftest_harness.h (whose SKIP and ASSERT it uses, so it cannot be a .c
 * of its own). A device the lab lacks SKIPs the test: the helper returns
 * false and the caller returns. Anything else that fails ASSERTs.
 */
#ifndef P2PRIG_TESTS_KMOD_FIXTURE_H
#define P2PRIG_TESTS_KMOD_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rig.h"

#define RIG_NVME_VENDOR		0x1b36
#define RIG_NVME_DEVICE		0x0010
#define RIG_EDU_VENDOR		0x1234
#define RIG_EDU_DEVICE		0x11e8

/* The QEMU nvme with a p2pmem CMB (the provider) and edu (the initiator). */
static inline bool rig_fixture_find(struct __test_metadata *_metadata,
				    struct rig_dev *nvme, struct rig_dev *edu)
{
	if (rig_find(RIG_NVME_VENDOR, RIG_NVME_DEVICE, 1, nvme))
		SKIP(return false, "no QEMU nvme with a p2pmem CMB");
	if (rig_find(RIG_EDU_VENDOR, RIG_EDU_DEVICE, 0, edu))
		SKIP(return false, "no QEMU edu device");
	return true;
}

/* /dev/p2prig open in @dev; @info, unless NULL, read at this uAPI version. */
static inline void rig_fixture_open(struct __test_metadata *_metadata,
				    struct rigdev *dev, struct p2prig_info *info)
{
	int rc = rigdev_open(dev, P2PRIG_DEVICE_PATH);

	ASSERT_EQ(0, rc) TH_LOG("open %s: %s", P2PRIG_DEVICE_PATH,
				strerror(-rc));
	if (!info)
		return;
	ASSERT_EQ(0, rigdev_info(dev, info));
	ASSERT_EQ((__u32)P2PRIG_UAPI_VERSION, info->uapi_version);
}

/* A second file, @dev2, holding a chunk of @size from @nvme in *chunk. */
static inline void rig_fixture_second_file(struct __test_metadata *_metadata,
					   const struct rig_dev *nvme,
					   uint64_t size, struct rigdev *dev2,
					   uint32_t *chunk)
{
	ASSERT_EQ(0, rigdev_open(dev2, P2PRIG_DEVICE_PATH));
	ASSERT_EQ(0, rigdev_chunk_new(dev2, P2PRIG_PROVIDER_NVME_CMB,
				      &nvme->addr, size, chunk));
}

/* A chunk of @size from @provider as kind @kind; its handle in *chunk. */
static inline void rig_fixture_chunk(struct __test_metadata *_metadata,
				     const struct rigdev *dev, uint32_t kind,
				     const struct rig_dev *provider,
				     uint64_t size, uint32_t *chunk)
{
	int rc = rigdev_chunk_new(dev, kind, &provider->addr, size, chunk);

	ASSERT_EQ(0, rc) TH_LOG("%llu KiB from %s: %s",
				(unsigned long long)(size >> 10), provider->bdf,
				strerror(-rc));
}

/* Both of the above: the set-up of most fixtures. */
static inline bool rig_fixture_setup(struct __test_metadata *_metadata,
				     struct rigdev *dev, struct rig_dev *nvme,
				     struct rig_dev *edu,
				     struct p2prig_info *info)
{
	dev->fd = -1;
	if (!rig_fixture_find(_metadata, nvme, edu))
		return false;
	rig_fixture_open(_metadata, dev, info);
	return true;
}

/* What an IMPORT for edu of an export came to. */
enum rig_import_verdict {
	RIG_IMPORTED,		/* made: *imp holds it */
	RIG_IMPORT_REFUSED,	/* no p2pdma path: -EREMOTEIO, as checked */
	RIG_IMPORT_SKIPPED,	/* MMIO under swiotlb=force: the test SKIPs */
};

/*
 * IMPORT @dbuf, an export of @length bytes by @method, for edu both ways,
 * judged by what PROBE found (@map_type): a made import is one range of our
 * own of @length, else it ASSERTs. @dbuf stays open whatever the verdict.
 */
static inline enum rig_import_verdict
rig_fixture_import(struct __test_metadata *_metadata, const struct rigdev *dev,
		   const struct rig_dev *edu, int dbuf, uint32_t method,
		   uint32_t map_type, uint64_t length,
		   struct p2prig_import *imp)
{
	int rc = rig_import_edu(dev, dbuf, edu, imp);

	TH_LOG("method %u, map type %u: import %s, dma %#llx, %u range(s), flags %#x, map %llu ns",
	       method, map_type, strerror(-rc),
	       (unsigned long long)imp->dma_addr, imp->nr_segments, imp->flags,
	       (unsigned long long)imp->map_ns);
	if (map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED) {
		/* The exporter refuses a device p2pdma finds no path to. */
		EXPECT_EQ(-EREMOTEIO, rc);
		return RIG_IMPORT_REFUSED;
	}
	/* dma-direct never bounces MMIO: the map itself fails. */
	if (rc == -EIO && method != P2PRIG_EXPORT_PHYS_VEC &&
	    rig_swiotlb_forced())
		SKIP(return RIG_IMPORT_SKIPPED,
		     "export method %u: the DMA layer refuses MMIO under swiotlb=force",
		     method);
	ASSERT_EQ(0, rc);
	EXPECT_EQ(length, imp->length);
	EXPECT_EQ(1u, imp->nr_segments);
	EXPECT_NE(0u, imp->flags & P2PRIG_IMPORT_F_OURS);
	return RIG_IMPORTED;
}

/*
 * Move bytes both ways between edu and @chunk through @imp, the import of
 * its export at @eoff of @elen, each checked by the CPU at the chunk; or
 * log why QEMU's edu cannot. @out and @in hold P2PRIG_MAX_XFER_SIZE bytes.
 */
static inline void rig_fixture_move_import(struct __test_metadata *_metadata,
					   const struct rigdev *dev,
					   const struct p2prig_import *imp,
					   uint32_t chunk, uint64_t eoff,
					   uint64_t elen, uint32_t method,
					   unsigned char *out,
					   unsigned char *in)
{
	const uint64_t piece = P2PRIG_MAX_XFER_SIZE;
	const char *why = rig_no_data_reason(imp->flags);

	if (why) {
		TH_LOG("export method %u: no data movement: %s", method, why);
		TH_LOG("bytes move with --config vlab-switch-iommu-pt");
		return;
	}
	/* edu -> dma-buf, checked through the CPU at the export. */
	rig_fill(out, piece, 100 + method);
	ASSERT_EQ(0, rigdev_xfer(dev, imp->handle, P2PRIG_XFER_TO_PEER,
				 elen - piece, out, piece, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(dev, chunk, P2PRIG_IO_READ,
				     eoff + elen - piece, in, piece));
	EXPECT_EQ(0, memcmp(out, in, piece));

	/* dma-buf -> edu, seeded by the CPU; odd offset and length. */
	rig_fill(out, 3001, 200 + method);
	ASSERT_EQ(0, rigdev_chunk_io(dev, chunk, P2PRIG_IO_WRITE, eoff + 5000,
				     out, 3001));
	memset(in, 0, piece);
	ASSERT_EQ(0, rigdev_xfer(dev, imp->handle, P2PRIG_XFER_FROM_PEER, 5000,
				 in, 3001, NULL));
	EXPECT_EQ(0, memcmp(out, in, 3001));
}

#endif
