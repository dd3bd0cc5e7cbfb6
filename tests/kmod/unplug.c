// SPDX-License-Identifier: GPL-2.0
/*
 * Provider hot-unplug: the device whose memory the module lent out is
 * removed from the QEMU monitor (device_del, asked of the host on the
 * console; the guest's pciehp takes it out) while a chunk of it is mapped
 * for edu, exported as a dma-buf and imported for edu. Two providers, in
 * one boot: the NVMe controller with the CMB, then ivshmem handed to
 * p2prig_bar (a GPU's BAR falling off the bus). Afterwards every user of
 * the memory has been stopped: the mapping and the import answer -ENODEV,
 * the exporter says it revoked, nothing new can be made of the chunk, and
 * everything can still be released. The kernel log is judged by the rig
 * after the test (no WARN, no fault).
 *
 * Each variant runs once per boot: the device does not come back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define CHUNK		(256u << 10)
#define PIECE		P2PRIG_MAX_XFER_SIZE

static int present(const struct rig_dev *dev)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", dev->bdf);
	return stat(path, &st) == 0;
}

/* Ask the host's agent (harness/vlab/boot.sh) on the serial console. */
static int ask_host_device_del(const char *id)
{
	char line[64];
	int fd, len, ok;

	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(line, sizeof(line), "\np2prig-host: device_del %s\n", id);
	ok = write(fd, line, len) == len;
	close(fd);
	return ok ? 0 : -EIO;
}

/* Until @dev is gone from sysfs, or @seconds have passed; 0 when gone. */
static int wait_gone(const struct rig_dev *dev, int seconds)
{
	struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (!present(dev))
			return 0;
		nanosleep(&tick, NULL);
	}
	return -ETIMEDOUT;
}

FIXTURE(unplug) {
	struct rigdev dev;
	struct rig_dev provider, edu;
	struct p2prig_info info;
	uint32_t chunk;
	unsigned char out[PIECE], in[PIECE];
};

/* A provider: how to find it, whose it must be, and its QEMU -device id. */
FIXTURE_VARIANT(unplug) {
	uint16_t vendor, device;
	uint32_t provider;
	const char *driver;	/* NULL: its own, with p2pmem published */
	const char *qemu_id;	/* as harness/vlab/boot.sh names it */
};

FIXTURE_VARIANT_ADD(unplug, cmb) {
	.vendor = 0x1b36, .device = 0x0010,
	.provider = P2PRIG_PROVIDER_NVME_CMB, .qemu_id = "nvme-cmb",
};

FIXTURE_VARIANT_ADD(unplug, bar) {
	.vendor = 0x1af4, .device = 0x1110,
	.provider = P2PRIG_PROVIDER_BAR, .driver = "p2prig_bar",
	.qemu_id = "ivshmem0",
};

FIXTURE_SETUP(unplug)
{
	self->dev.fd = -1;
	if (rig_find(variant->vendor, variant->device, !variant->driver,
		     &self->provider))
		SKIP(return, "no %04x:%04x%s here", variant->vendor,
		     variant->device, variant->driver ? "" : " with p2pmem");
	if (rig_find(RIG_EDU_VENDOR, RIG_EDU_DEVICE, 0, &self->edu))
		SKIP(return, "no QEMU edu device");
	rig_fixture_open(_metadata, &self->dev, &self->info);
	if (!(self->info.method_mask & (1u << P2PRIG_METHOD_MMIO)))
		SKIP(return, "no DMA_ATTR_MMIO in this kernel");
	if (!(self->info.export_method_mask & (1u << P2PRIG_EXPORT_MMIO)))
		SKIP(return, "no dma-buf export by mmio in this kernel");
	if (variant->driver && !rig_bound_to(&self->provider, variant->driver))
		ASSERT_EQ(0, rig_hand_over(&self->provider, variant->driver))
			TH_LOG("%s not bound to %s", self->provider.bdf,
			       variant->driver);
	rig_fixture_chunk(_metadata, &self->dev, variant->provider,
			  &self->provider, CHUNK, &self->chunk);
}

FIXTURE_TEARDOWN(unplug)
{
	rigdev_close(&self->dev);
}

TEST_F_TIMEOUT(unplug, while_mapped_exported_imported, 240)
{
	struct p2prig_export_stats st;
	struct p2prig_import imp, again;
	struct p2prig_map map, map2;
	uint32_t another;
	int dbuf, result, rc;

	/* In use three ways at once, and working. */
	ASSERT_EQ(0, rigdev_map(&self->dev, self->chunk,
				P2PRIG_METHOD_MMIO_HOST, P2PRIG_INITIATOR_EDU,
				&self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL, 0,
				CHUNK / 2, &map));
	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk,
				   P2PRIG_EXPORT_MMIO_HOST, CHUNK / 2,
				   CHUNK / 2, &dbuf));
	ASSERT_EQ(0, rig_import_edu(&self->dev, dbuf, &self->edu, &imp));
	rig_fill(self->out, PIECE, 0x0b0e);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, map.handle, P2PRIG_XFER_TO_PEER, 0,
				 self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_TO_PEER, 0,
				 self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_READ, 0,
				     self->in, PIECE));
	ASSERT_EQ(0, memcmp(self->out, self->in, PIECE));
	TH_LOG("mapped at %#llx, imported at %#llx; asking the host to remove %s (%s)",
	       (unsigned long long)map.dma_addr, (unsigned long long)imp.dma_addr,
	       variant->qemu_id, self->provider.bdf);

	ASSERT_EQ(0, ask_host_device_del(variant->qemu_id));
	rc = wait_gone(&self->provider, 180);
	ASSERT_EQ(0, rc) TH_LOG("%s still present 180 s after device_del",
				self->provider.bdf);

	/* Every user stopped, and says why. */
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, map.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in,
				       PIECE, NULL));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in,
				       PIECE, NULL));
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
	TH_LOG("exporter: revoked %u, revocations %llu, live maps %u, maps %llu unmaps %llu",
	       st.revoked, (unsigned long long)st.revocations, st.live_maps,
	       (unsigned long long)st.maps, (unsigned long long)st.unmaps);
	EXPECT_EQ(1u, st.revoked);
	EXPECT_EQ(1ull, st.revocations);
	EXPECT_EQ(0u, st.live_maps);
	EXPECT_EQ(st.maps, st.unmaps);

	/* Nothing new from the memory that went. */
	EXPECT_EQ(-ENODEV, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, 0, self->in, PIECE));
	EXPECT_EQ(-ENODEV, rigdev_map(&self->dev, self->chunk,
				      P2PRIG_METHOD_MMIO, P2PRIG_INITIATOR_EDU,
				      &self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL,
				      0, PIECE, &map2));
	EXPECT_EQ(-ENODEV, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_MMIO, 0, PIECE,
					 &result));
	EXPECT_EQ(-ENODEV, rig_import_edu(&self->dev, dbuf, &self->edu, &again));
	/* A provider that is gone is no provider: allocating names it absent. */
	EXPECT_NE(0, rigdev_chunk_new(&self->dev, variant->provider,
				      &self->provider.addr, CHUNK, &another));

	/* Everything can still be let go, and says it was revoked. */
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, map.handle, NULL));
	EXPECT_EQ(0, close(dbuf));
	EXPECT_EQ(-ENODEV, rigdev_chunk_free(&self->dev, self->chunk));
}

TEST_HARNESS_MAIN
