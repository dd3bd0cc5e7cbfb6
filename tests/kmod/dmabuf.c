// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko's dma-buf exporter and in-kernel importer, on the kernel's
 * kselftest harness, in the virtual lab (nvme with a CMB, edu, ivshmem).
 *
 * A chunk of the CMB is exported by each method, imported by edu (the way
 * an RDMA driver imports a dma-buf), and bytes move both ways through the
 * import, checked through the CPU. The exporter's counters balance, the
 * importers it must refuse are refused, the memory stays with a dma-buf
 * whatever is closed first, and a provider unbind revokes every importer
 * before the memory goes back. Another exporter's dma-buf (udmabuf, and
 * vfio-pci's where the machine allows it) is imported the same way.
 *
 * Data only moves where QEMU can deliver it: a PCI bus address (what
 * p2pdma's BUS_ADDR hands out) faults behind a translating IOMMU, because
 * QEMU sends every device DMA through its IOMMU. The tests read the map
 * type from PROBE and the import's flags and say so when they skip.
 * The tests that unbind devices come last and put them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

/* vfio-pci's dma-buf export (Linux 6.19), for older uAPI headers. */
#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF	11
struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

#define CHUNK		(256u << 10)
#define EXP_OFF		(64u << 10)
#define EXP_LEN		(128u << 10)
#define PIECE		P2PRIG_MAX_XFER_SIZE
#define EDU_BITS_PARAM	"/sys/module/p2prig/parameters/edu_dma_bits"

/* Whether the kernel trusts the host bridge for p2p (AMD family >= 0x17). */
static int host_bridge_trusted(void)
{
	char line[256];
	int amd = 0, family = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "vendor_id", 9))
			amd = !!strstr(line, "AuthenticAMD");
		if (!strncmp(line, "cpu family", 10)) {
			if (sscanf(strchr(line, ':') + 1, "%d", &family) != 1)
				family = 0;
			break;
		}
	}
	fclose(f);
	return amd && family >= 0x17;
}

/* nvme publishes the CMB from its asynchronous reset work. */
static int wait_published(const struct rig_dev *nvme, uint64_t *available)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!rig_p2pmem_available(nvme, available) && *available)
			return 0;
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

FIXTURE(dmabuf) {
	struct rigdev dev;
	struct rig_dev nvme, edu, absent, host_bridge;
	uint32_t chunk;
	struct p2prig_info info;
	struct p2prig_probe probe;
	unsigned char out[PIECE], in[PIECE];
};

FIXTURE_SETUP(dmabuf)
{
	if (!rig_fixture_setup(_metadata, &self->dev, &self->nvme, &self->edu,
			       &self->info))
		return;
	rig_absent(&self->absent);
	rig_at(0, 0, 0, 0, &self->host_bridge);
	if (!self->info.export_method_mask)
		SKIP(return, "no dma-buf export in this kernel (no revocable importers)");
	rig_fixture_chunk(_metadata, &self->dev, P2PRIG_PROVIDER_NVME_CMB,
			  &self->nvme, CHUNK, &self->chunk);
	ASSERT_EQ(0, rigdev_probe(&self->dev, self->chunk, P2PRIG_INITIATOR_EDU,
				  &self->edu.addr, 0, &self->probe));
}

/* Put back what an aborted test may have unbound. */
FIXTURE_TEARDOWN(dmabuf)
{
	rigdev_close(&self->dev);
	if (self->edu.bdf[0] && !rig_bound_to(&self->edu, "p2prig_edu"))
		rig_driver(&self->edu, "p2prig_edu", 1);
	if (self->nvme.bdf[0] && !rig_bound_to(&self->nvme, "nvme"))
		rig_driver(&self->nvme, "nvme", 1);
	/* A test stopped with edu's mask narrowed must not narrow the next. */
	rig_write(EDU_BITS_PARAM, "64");
}

/* Exporter counters, all at once. */
static void expect_stats(struct __test_metadata *_metadata,
			 const struct rigdev *dev, int dbuf, uint64_t attaches,
			 uint64_t detaches, uint64_t maps, uint64_t unmaps)
{
	struct p2prig_export_stats st;

	ASSERT_EQ(0, rigdev_export_stats(dev, dbuf, &st));
	TH_LOG("attaches %llu detaches %llu refused %llu maps %llu unmaps %llu",
	       (unsigned long long)st.attaches,
	       (unsigned long long)st.detaches,
	       (unsigned long long)st.attach_refused,
	       (unsigned long long)st.maps, (unsigned long long)st.unmaps);
	TH_LOG("map failed %llu revocations %llu revoked %u live %u",
	       (unsigned long long)st.map_failed,
	       (unsigned long long)st.revocations, st.revoked, st.live_maps);
	EXPECT_EQ(attaches, st.attaches);
	EXPECT_EQ(detaches, st.detaches);
	EXPECT_EQ(maps, st.maps);
	EXPECT_EQ(unmaps, st.unmaps);
	EXPECT_EQ(maps - unmaps, (uint64_t)st.live_maps);
}

static void expect_alive(struct __test_metadata *_metadata,
			 const struct rigdev *dev, unsigned int exports,
			 unsigned int imports)
{
	struct p2prig_info info;

	ASSERT_EQ(0, rigdev_info(dev, &info));
	EXPECT_EQ(exports, info.nr_exports);
	EXPECT_EQ(imports, info.nr_imports);
}

/*
 * IMPORT as a pinned importer (P2PRIG_ATTACH_F_PINNED): what RDMA makes of
 * a dma-buf it cannot revoke, attached without invalidate_mappings, pinned
 * and mapped until UNMAP.
 */
static int import_pinned(const struct rigdev *dev, int dbuf,
			 const struct rig_dev *initiator,
			 struct p2prig_import *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = dbuf;
	out->initiator = P2PRIG_INITIATOR_EDU;
	out->pci = initiator->addr;
	out->dir = P2PRIG_DIR_BIDIRECTIONAL;
	out->attach_flags = P2PRIG_ATTACH_F_PINNED;
	return rigdev_ioctl(dev, P2PRIG_IOC_IMPORT, out);
}

static const char *rc_text(int rc)
{
	return rc ? strerror(-rc) : "accepted";
}

/*
 * Export @length bytes at @offset of @chunk (file @exp_dev) and import them
 * for edu on file @imp_dev, by the first export method that gives edu an
 * address it can move bytes through here. SKIPs, with every method's
 * reason, when none does.
 */
static void export_import_any(struct __test_metadata *_metadata,
			      FIXTURE_DATA(dmabuf) * self,
			      const struct rigdev *exp_dev, uint32_t chunk,
			      uint64_t offset, uint64_t length,
			      const struct rigdev *imp_dev, int *dbuf,
			      struct p2prig_import *imp, uint32_t *method)
{
	static const uint32_t order[] = {
		P2PRIG_EXPORT_RESOURCE, P2PRIG_EXPORT_MMIO,
		P2PRIG_EXPORT_PHYS_VEC,
	};
	char why[1024] = "";
	const char *reason;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (!(self->info.export_method_mask & (1u << order[i])))
			continue;
		ASSERT_EQ(0, rigdev_export(exp_dev, chunk, order[i], offset,
					   length, dbuf));
		rc = rig_import_edu(imp_dev, *dbuf, &self->edu, imp);
		reason = rc ? strerror(-rc) : rig_no_data_reason(imp->flags);
		if (!reason) {
			TH_LOG("export method %u, dma %#llx", order[i],
			       (unsigned long long)imp->dma_addr);
			*method = order[i];
			return;
		}
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 "%smethod %u: %s", i ? "; " : "", order[i], reason);
		if (!rc)
			ASSERT_EQ(0, rigdev_unmap(imp_dev, imp->handle, NULL));
		close(*dbuf);
	}
	*dbuf = -1;
	SKIP(return, "no export method edu can move bytes through (map type %u): %s",
	     self->probe.map_type, why);
}

/*
 * Export part of the chunk by one method, import it for edu, move bytes
 * both ways through the import and check them through the CPU, then
 * release everything and check the counters.
 */
/* The exports that map through the host bridge whatever p2pdma decided. */
static int export_is_host(uint32_t method)
{
	return method == P2PRIG_EXPORT_MMIO_HOST ||
	       method == P2PRIG_EXPORT_RESOURCE_HOST;
}

static void export_import_move(struct __test_metadata *_metadata,
			       FIXTURE_DATA(dmabuf) * self, uint32_t method)
{
	enum rig_import_verdict verdict;
	struct p2prig_import imp;
	int dbuf;

	if (!(self->info.export_method_mask & (1u << method)))
		SKIP(return, "export method %u: not in this kernel or module",
		     method);

	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk, method, EXP_OFF,
				   EXP_LEN, &dbuf));
	ASSERT_LE(0, dbuf);
	EXPECT_EQ(FD_CLOEXEC, fcntl(dbuf, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, self->chunk));
	expect_alive(_metadata, &self->dev, 1, 0);

	verdict = rig_fixture_import(_metadata, &self->dev, &self->edu, dbuf,
				     method, self->probe.map_type, EXP_LEN,
				     &imp);
	if (verdict == RIG_IMPORT_REFUSED)
		expect_stats(_metadata, &self->dev, dbuf, 0, 0, 0, 0);
	if (verdict != RIG_IMPORTED) {
		close(dbuf);
		return;
	}
	EXPECT_NE(0ull, imp.dma_addr);
	expect_alive(_metadata, &self->dev, 1, 1);
	expect_stats(_metadata, &self->dev, dbuf, 1, 0, 1, 0);

	/*
	 * What address each method hands out, by what p2pdma decided: the
	 * kernel's rule (mmio, resource, phys-vec) or, for the -host exports,
	 * through the host bridge whatever it decided.
	 */
	if (!export_is_host(method) &&
	    self->probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR)
		EXPECT_NE(0u, imp.flags & P2PRIG_MAP_F_BUS_ADDR)
			TH_LOG("a BUS_ADDR pair gets the bus address");
	if (!(imp.flags & P2PRIG_MAP_F_DIRECT) &&
	    (export_is_host(method) ||
	     self->probe.map_type == P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE))
		EXPECT_EQ(0u, imp.flags & P2PRIG_MAP_F_BUS_ADDR)
			TH_LOG("behind a translating IOMMU this is an IOVA");

	rig_fixture_move_import(_metadata, &self->dev, &imp, self->chunk,
				EXP_OFF, EXP_LEN, method, self->out, self->in);
	/* The import is the dma-buf, not the chunk. */
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, imp.handle,
				       P2PRIG_XFER_TO_PEER, EXP_LEN - 8,
				       self->out, 16, NULL));

	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_stats(_metadata, &self->dev, dbuf, 1, 1, 1, 1);
	expect_alive(_metadata, &self->dev, 1, 0);
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, self->chunk));
	close(dbuf);
	expect_alive(_metadata, &self->dev, 0, 0);
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, self->chunk));
}

TEST_F(dmabuf, info)
{
	TH_LOG("export methods %#x (map methods %#x), map type nvme -> edu %u, distance %d",
	       self->info.export_method_mask, self->info.method_mask,
	       self->probe.map_type, self->probe.p2p_distance);
	EXPECT_NE(0u, self->info.export_method_mask &
			      (1u << P2PRIG_EXPORT_RESOURCE));
	EXPECT_EQ(!!(self->info.method_mask & (1u << P2PRIG_METHOD_MMIO)),
		  !!(self->info.export_method_mask &
		     (1u << P2PRIG_EXPORT_MMIO)));
	EXPECT_EQ(0u, self->info.export_method_mask &
			      ~((1u << P2PRIG_EXPORT_MAX) - 1));
	EXPECT_EQ(0u, self->info.nr_exports);
	EXPECT_EQ(0u, self->info.nr_imports);
}

/*
 * Bytes each way through an import, by each export method: dmabuf's
 * fixture under another name, so that its variants leave dmabuf's other
 * tests run once.
 */
FIXTURE(dmabuf_export) {
	FIXTURE_DATA(dmabuf) dmabuf;
};

FIXTURE_SETUP(dmabuf_export)
{
	dmabuf_setup(_metadata, &self->dmabuf, NULL);
}

FIXTURE_TEARDOWN(dmabuf_export)
{
	dmabuf_teardown(_metadata, &self->dmabuf, NULL);
}

FIXTURE_VARIANT(dmabuf_export) {
	uint32_t method;	/* enum p2prig_export_method */
};

FIXTURE_VARIANT_ADD(dmabuf_export, mmio) {
	.method = P2PRIG_EXPORT_MMIO,
};

FIXTURE_VARIANT_ADD(dmabuf_export, resource) {
	.method = P2PRIG_EXPORT_RESOURCE,
};

FIXTURE_VARIANT_ADD(dmabuf_export, mmio_host) {
	.method = P2PRIG_EXPORT_MMIO_HOST,
};

FIXTURE_VARIANT_ADD(dmabuf_export, resource_host) {
	.method = P2PRIG_EXPORT_RESOURCE_HOST,
};

FIXTURE_VARIANT_ADD(dmabuf_export, phys_vec) {
	.method = P2PRIG_EXPORT_PHYS_VEC,
};

TEST_F(dmabuf_export, move)
{
	export_import_move(_metadata, &self->dmabuf, variant->method);
}

TEST_F(dmabuf, export_bad_input)
{
	struct p2prig_export arg;
	uint32_t ram;
	int dbuf;

	memset(&arg, 0, sizeof(arg));
	arg.chunk = self->chunk;
	arg.method = P2PRIG_EXPORT_RESOURCE;
	arg.length = 4096;
	arg.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_EXPORT, &arg));
	arg.reserved[3] = 0;
	arg.reserved0 = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_EXPORT, &arg));
	EXPECT_EQ(-EFAULT, rigdev_ioctl(&self->dev, P2PRIG_IOC_EXPORT,
					(void *)8));

	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_MAX, 0, 4096, &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE, 100, 4096,
					 &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE, 0, 4095,
					 &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE, 0, 0, &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE, CHUNK - 4096,
					 8192, &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE,
					 ~0ull & ~4095ull, 8192, &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, self->chunk + 1000,
					 P2PRIG_EXPORT_RESOURCE, 0, 4096,
					 &dbuf));
	/* System RAM is not peer memory. */
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      65536, &ram));
	EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, ram,
					 P2PRIG_EXPORT_RESOURCE, 0, 4096,
					 &dbuf));
	expect_alive(_metadata, &self->dev, 0, 0);
}

TEST_F(dmabuf, import_stats_check_bad_input)
{
	struct p2prig_export_stats st;
	struct p2prig_attach_check check;
	struct p2prig_import imp;
	int dbuf, pipefd[2], result;

	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk,
				   P2PRIG_EXPORT_RESOURCE, 0, 65536, &dbuf));
	ASSERT_EQ(0, pipe(pipefd));

	/* An fd that is not open, and one that is not a dma-buf. */
	EXPECT_EQ(-EBADF, rigdev_import(&self->dev, 9999, P2PRIG_INITIATOR_EDU,
					&self->edu.addr, 0, &imp));
	EXPECT_EQ(-EBADF, rigdev_import(&self->dev, -1, P2PRIG_INITIATOR_EDU,
					&self->edu.addr, 0, &imp));
	EXPECT_EQ(-EINVAL, rigdev_import(&self->dev, pipefd[0],
					 P2PRIG_INITIATOR_EDU, &self->edu.addr,
					 0, &imp));
	EXPECT_EQ(-EINVAL, rigdev_import(&self->dev, self->dev.fd,
					 P2PRIG_INITIATOR_EDU, &self->edu.addr,
					 0, &imp));
	EXPECT_EQ(-EBADF, rigdev_export_stats(&self->dev, 9999, &st));
	EXPECT_EQ(-EINVAL, rigdev_export_stats(&self->dev, pipefd[0], &st));
	EXPECT_EQ(-EBADF, rigdev_attach_check(&self->dev, 9999, &self->edu.addr,
					      0, &result));
	EXPECT_EQ(-EINVAL, rigdev_attach_check(&self->dev, pipefd[1],
					       &self->edu.addr, 0, &result));

	/* No initiator there, or not one. */
	EXPECT_EQ(-ENODEV, rigdev_import(&self->dev, dbuf, P2PRIG_INITIATOR_EDU,
					 &self->absent.addr, 0, &imp));
	EXPECT_EQ(-ENODEV, rigdev_import(&self->dev, dbuf, P2PRIG_INITIATOR_EDU,
					 &self->nvme.addr, 0, &imp));
	EXPECT_EQ(-ENODEV, rigdev_attach_check(&self->dev, dbuf,
					       &self->absent.addr, 0, &result));

	/* Reserved fields and values out of range. */
	EXPECT_EQ(-EINVAL, rigdev_import(&self->dev, dbuf, P2PRIG_INITIATOR_EDU,
					 &self->edu.addr, P2PRIG_DIR_MAX,
					 &imp));
	memset(&imp, 0, sizeof(imp));
	imp.fd = dbuf;
	imp.pci = self->edu.addr;
	imp.initiator = P2PRIG_INITIATOR_MAX;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	imp.initiator = P2PRIG_INITIATOR_EDU;
	/* IMPORT takes P2PRIG_ATTACH_F_PINNED alone: NO_P2P, unknown bits. */
	imp.attach_flags = P2PRIG_ATTACH_F_NO_P2P;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	imp.attach_flags = P2PRIG_ATTACH_F_PINNED | (1u << 31);
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	imp.attach_flags = 0;
	imp.reserved1 = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	imp.reserved1 = 0;
	imp.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	imp.reserved[3] = 0;
	imp.pci.reserved = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT, &imp));
	EXPECT_EQ(-EFAULT, rigdev_ioctl(&self->dev, P2PRIG_IOC_IMPORT,
					(void *)8));

	memset(&st, 0, sizeof(st));
	st.fd = dbuf;
	st.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_EXPORT_STATS,
					&st));

	memset(&check, 0, sizeof(check));
	check.fd = dbuf;
	check.pci = self->edu.addr;
	check.flags = 4;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_ATTACH_CHECK,
					&check));
	check.flags = 0;
	check.reserved0 = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_ATTACH_CHECK,
					&check));
	check.reserved0 = 0;
	check.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_ATTACH_CHECK,
					&check));

	/* None of it reached the exporter. */
	expect_stats(_metadata, &self->dev, dbuf, 0, 0, 0, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	close(dbuf);
}

/*
 * A pinned importer cannot be told to drop its mapping: ours refuses it at
 * attach, as its memory goes back when the provider unbinds.
 */
TEST_F(dmabuf, import_pinned_refused)
{
	struct p2prig_export_stats st;
	struct p2prig_import imp;
	int dbuf;

	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk,
				   P2PRIG_EXPORT_RESOURCE, 0, 65536, &dbuf));
	EXPECT_EQ(-EOPNOTSUPP, import_pinned(&self->dev, dbuf, &self->edu, &imp));
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
	EXPECT_EQ(1ull, st.attach_refused);
	EXPECT_EQ(0ull, st.attaches);
	EXPECT_EQ(0ull, st.maps);
	expect_alive(_metadata, &self->dev, 1, 0);
	close(dbuf);
}

/*
 * A 64 KiB udmabuf (system RAM, a sealed memfd) and the CPU's mapping of
 * it in @map: the dma-buf's fd, or -ENODEV without /dev/udmabuf.
 */
static int udmabuf_64k(struct __test_metadata *_metadata, unsigned char **map)
{
	struct udmabuf_create create = { .size = 65536 };
	int dev, memfd, dbuf;

	dev = open("/dev/udmabuf", O_RDWR);
	if (dev < 0)
		return -ENODEV;
	memfd = memfd_create("p2prig", MFD_ALLOW_SEALING);
	EXPECT_LE(0, memfd);
	EXPECT_EQ(0, ftruncate(memfd, 65536));
	EXPECT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	*map = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	EXPECT_NE(MAP_FAILED, *map);
	create.memfd = memfd;
	dbuf = ioctl(dev, UDMABUF_CREATE, &create);
	EXPECT_LE(0, dbuf) TH_LOG("UDMABUF_CREATE: %s", strerror(errno));
	/* The udmabuf and the mapping hold the memfd's file now. */
	close(memfd);
	close(dev);
	return dbuf < 0 || *map == MAP_FAILED ? -EIO : dbuf;
}

/*
 * An exporter that never revokes (udmabuf, system RAM) takes a pinned
 * importer, and bytes move through it as through any import.
 */
TEST_F(dmabuf, import_pinned_udmabuf)
{
	struct p2prig_import imp;
	int dbuf;
	unsigned char *map;

	dbuf = udmabuf_64k(_metadata, &map);
	if (dbuf == -ENODEV)
		SKIP(return, "no /dev/udmabuf (CONFIG_UDMABUF)");
	ASSERT_LE(0, dbuf);

	rig_fill(map + 4096 - 500, 1000, 402);
	ASSERT_EQ(0, import_pinned(&self->dev, dbuf, &self->edu, &imp));
	EXPECT_EQ(65536ull, imp.length);
	expect_alive(_metadata, &self->dev, 0, 1);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_FROM_PEER,
				 4096 - 500, self->in, 1000, NULL));
	EXPECT_EQ(0, memcmp(map + 4096 - 500, self->in, 1000));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_alive(_metadata, &self->dev, 0, 0);
	close(dbuf);
	munmap(map, 65536);
}

/* The importers the exporter must refuse, and the one it takes. */
TEST_F(dmabuf, attach_rules)
{
	struct p2prig_export_stats st;
	unsigned int accepted = 0, refused = 0;
	int dbuf, result, expect;

	ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk,
				   P2PRIG_EXPORT_RESOURCE, 0, 65536, &dbuf));

	/* An importer that cannot take peer memory. */
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_NO_P2P, &result));
	EXPECT_EQ(-EOPNOTSUPP, result);
	refused++;
	/* One that cannot be revoked. */
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_PINNED, &result));
	EXPECT_EQ(-EOPNOTSUPP, result);
	refused++;
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_NO_P2P | P2PRIG_ATTACH_F_PINNED,
					 &result));
	EXPECT_EQ(-EOPNOTSUPP, result);
	refused++;

	/* edu, as p2pdma sees the pair. */
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr, 0,
					 &result));
	expect = self->probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED ?
		 -EREMOTEIO : 0;
	EXPECT_EQ(expect, result);
	if (result)
		refused++;
	else
		accepted++;

	/*
	 * The host bridge 00:00.0 sits on the root bus: the path to it crosses
	 * the host bridge, which p2pdma trusts only on AMD Zen (q35's is not
	 * on its list).
	 */
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf,
					 &self->host_bridge.addr, 0, &result));
	expect = host_bridge_trusted() ? 0 : -EREMOTEIO;
	TH_LOG("attach for %s: %s (host bridge trusted: %d)",
	       self->host_bridge.bdf, strerror(-result), host_bridge_trusted());
	EXPECT_EQ(expect, result);
	if (result)
		refused++;
	else
		accepted++;

	ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
	EXPECT_EQ(accepted, st.attaches);
	EXPECT_EQ(accepted, st.detaches);
	EXPECT_EQ(refused, st.attach_refused);
	EXPECT_EQ(0ull, st.maps);
	close(dbuf);
}

/*
 * Two imports on a second file, in one direction each; closing that file
 * detaches both and the counters balance.
 */
TEST_F(dmabuf, close_importer_balances)
{
	struct p2prig_import to_dev, from_dev;
	uint32_t method;
	struct rigdev dev2;
	int dbuf, rc = -EOPNOTSUPP;

	ASSERT_EQ(0, rigdev_open(&dev2, P2PRIG_DEVICE_PATH));
	/* Any method the DMA layer maps here (swiotlb=force refuses MMIO). */
	for (method = 0; rc && method < P2PRIG_EXPORT_MAX; method++) {
		if (!(self->info.export_method_mask & (1u << method)))
			continue;
		ASSERT_EQ(0, rigdev_export(&self->dev, self->chunk, method, 0,
					   65536, &dbuf));
		rc = rigdev_import(&dev2, dbuf, P2PRIG_INITIATOR_EDU,
				   &self->edu.addr, P2PRIG_DIR_TO_DEVICE,
				   &to_dev);
		if (rc)
			close(dbuf);
	}
	if (rc == -EREMOTEIO || rc == -EIO) {
		rigdev_close(&dev2);
		SKIP(return, "edu cannot import the CMB here (map type %u): %s",
		     self->probe.map_type, strerror(-rc));
	}
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, rigdev_import(&dev2, dbuf, P2PRIG_INITIATOR_EDU,
				   &self->edu.addr, P2PRIG_DIR_FROM_DEVICE,
				   &from_dev));
	expect_alive(_metadata, &self->dev, 1, 2);
	expect_stats(_metadata, &self->dev, dbuf, 2, 0, 2, 0);

	/* A TO_DEVICE import only lets edu read the dma-buf, and back. */
	EXPECT_EQ(-EINVAL, rigdev_xfer(&dev2, to_dev.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&dev2, from_dev.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in, 16,
				       NULL));
	/* Handles belong to their file. */
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, to_dev.handle, NULL));

	rigdev_close(&dev2);
	expect_alive(_metadata, &self->dev, 1, 0);
	expect_stats(_metadata, &self->dev, dbuf, 2, 2, 2, 2);
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, self->chunk));
	close(dbuf);
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, self->chunk));
}

/*
 * The exporting file is closed first: the dma-buf keeps the chunk, the
 * import keeps working, and the memory only goes back with the last of
 * dma-buf fd and import.
 */
TEST_F(dmabuf, close_exporter_first)
{
	uint64_t before, now;
	struct p2prig_import imp;
	uint32_t chunk, method;
	struct rigdev dev2;
	int dbuf;

	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &before));
	rig_fixture_second_file(_metadata, &self->nvme, 1u << 20, &dev2,
				&chunk);
	export_import_any(_metadata, self, &dev2, chunk, 0, 1u << 20, &self->dev,
			  &dbuf, &imp, &method);
	if (dbuf < 0) {
		rigdev_close(&dev2);
		return;
	}

	rigdev_close(&dev2);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &now));
	EXPECT_EQ(before - (1u << 20), now) TH_LOG("the dma-buf holds the memory");
	expect_alive(_metadata, &self->dev, 1, 1);

	/* Round trip through edu alone: no handle names the chunk now. */
	rig_fill(self->out, PIECE, 300);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_TO_PEER,
				 (1u << 20) - PIECE, self->out, PIECE, NULL));
	memset(self->in, 0, PIECE);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_FROM_PEER,
				 (1u << 20) - PIECE, self->in, PIECE, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));

	/* The import holds the dma-buf: closing its fd frees nothing yet. */
	close(dbuf);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &now));
	EXPECT_EQ(before - (1u << 20), now);
	expect_alive(_metadata, &self->dev, 1, 1);
	memset(self->in, 0, PIECE);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_FROM_PEER,
				 (1u << 20) - PIECE, self->in, PIECE, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));

	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_alive(_metadata, &self->dev, 0, 0);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &now));
	EXPECT_EQ(before, now);
}

/*
 * Another exporter: udmabuf (system RAM), imported by edu the same way.
 * As with any dma-buf, the bytes are only in step at map and unmap (the
 * DMA layer may bounce RAM: swiotlb=force), so the memory is seeded before
 * the import and read back after the unmap.
 */
TEST_F(dmabuf, import_udmabuf)
{
	struct p2prig_export_stats st;
	struct p2prig_import imp;
	int dbuf, result;
	unsigned char *map;

	dbuf = udmabuf_64k(_metadata, &map);
	if (dbuf == -ENODEV)
		SKIP(return, "no /dev/udmabuf (CONFIG_UDMABUF)");
	ASSERT_LE(0, dbuf);

	EXPECT_EQ(-EINVAL, rigdev_export_stats(&self->dev, dbuf, &st));
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr, 0,
					 &result));
	EXPECT_EQ(0, result);

	rig_fill(map + 8192 - 1000, 2000, 401);
	ASSERT_EQ(0, rig_import_edu(&self->dev, dbuf, &self->edu, &imp));
	TH_LOG("udmabuf: dma %#llx, %u range(s), flags %#x",
	       (unsigned long long)imp.dma_addr, imp.nr_segments, imp.flags);
	EXPECT_EQ(0u, imp.flags & P2PRIG_IMPORT_F_OURS);
	EXPECT_EQ(65536ull, imp.length);
	expect_alive(_metadata, &self->dev, 0, 1);

	/* Across a page boundary: two ranges wherever pages are not merged. */
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_FROM_PEER,
				 8192 - 1000, self->in, 2000, NULL));
	EXPECT_EQ(0, memcmp(map + 8192 - 1000, self->in, 2000));
	rig_fill(self->out, PIECE, 400);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_TO_PEER,
				 40960 + 100, self->out, PIECE - 100, NULL));

	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	/*
	 * udmabuf maps and unmaps with DMA_ATTR_SKIP_CPU_SYNC: what a device
	 * writes into a swiotlb bounce buffer never reaches the pages.
	 */
	if (rig_swiotlb_forced())
		TH_LOG("edu's write not checked: %s",
		       "udmabuf skips the swiotlb copy back (DMA_ATTR_SKIP_CPU_SYNC)");
	else
		EXPECT_EQ(0, memcmp(self->out, map + 40960 + 100,
				    PIECE - 100));
	expect_alive(_metadata, &self->dev, 0, 0);
	close(dbuf);
	munmap(map, 65536);
}

/* ivshmem's BAR 2, exported by vfio-pci through the legacy group API. */
struct vfio_export {
	struct rig_dev ivshmem;
	int container, group, device, dbuf;
	uint64_t bar_offset;	/* of BAR 2 in the device fd */
	uint64_t bar_start;	/* CPU (and, in QEMU, bus) address of BAR 2 */
	char skip[256];
};

#define VFIO_LEN	(64u << 10)

static int read_bar2(const struct rig_dev *dev, uint64_t *start)
{
	unsigned long long s, e, f;
	char path[128], line[128];
	FILE *file;
	int i, rc = -ENOENT;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 dev->bdf);
	file = fopen(path, "r");
	if (!file)
		return -errno;
	for (i = 0; fgets(line, sizeof(line), file); i++) {
		if (i == 2 && sscanf(line, "%llx %llx %llx", &s, &e, &f) == 3) {
			*start = s;
			rc = 0;
		}
	}
	fclose(file);
	return rc;
}

/* Bind @dev to vfio-pci; 0, or -errno with the reason in @why. */
static int vfio_bind(const struct rig_dev *dev, char *why, size_t len)
{
	char path[128], group[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 dev->bdf);
	n = readlink(path, group, sizeof(group) - 1);
	if (n < 0) {
		snprintf(why, len, "%s has no IOMMU group: %s", dev->bdf,
			 "vfio-pci needs an IOMMU (no VFIO_NOIOMMU here)");
		return -ENODEV;
	}
	if (system("modprobe vfio-pci && modprobe vfio_iommu_type1")) {
		snprintf(why, len, "modprobe vfio-pci failed");
		return -ENOENT;
	}
	if (rig_bound_to(dev, "vfio-pci"))
		return 0;
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", dev->bdf);
	if (rig_write(path, "vfio-pci") ||
	    rig_write("/sys/bus/pci/drivers/vfio-pci/bind", dev->bdf)) {
		snprintf(why, len, "cannot bind %s to vfio-pci", dev->bdf);
		return -EIO;
	}
	return 0;
}

static void vfio_unbind(const struct rig_dev *dev)
{
	char path[128];

	if (rig_bound_to(dev, "vfio-pci"))
		rig_driver(dev, "vfio-pci", 0);
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", dev->bdf);
	rig_write(path, "\n");
}

/* Open ivshmem through vfio, turn on memory decoding and export BAR 2. */
static int vfio_export_bar2(const struct rig_dev *dev, struct vfio_export *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_region_info region = { .argsz = sizeof(region) };
	struct {
		struct vfio_device_feature feature;
		struct vfio_device_feature_dma_buf dma_buf;
		struct vfio_region_dma_range range;
	} get = { 0 };
	char path[128], link[128];
	uint16_t cmd;
	ssize_t n;

	v->container = -1;
	v->group = -1;
	v->device = -1;
	v->dbuf = -1;
	if (read_bar2(dev, &v->bar_start))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 dev->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->container < 0 || v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container) ||
	    ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (v->device < 0)
		return -errno;

	region.index = VFIO_PCI_BAR2_REGION_INDEX;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -errno;
	v->bar_offset = region.offset;
	region.argsz = sizeof(region);
	region.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -errno;
	/* vfio starts the device with memory decoding off: a revoked export. */
	if (pread(v->device, &cmd, 2, region.offset + 4) != 2)
		return -EIO;
	cmd |= 0x2;	/* PCI_COMMAND_MEMORY */
	if (pwrite(v->device, &cmd, 2, region.offset + 4) != 2)
		return -EIO;

	get.feature.argsz = sizeof(get);
	get.feature.flags = VFIO_DEVICE_FEATURE_GET |
			    VFIO_DEVICE_FEATURE_DMA_BUF;
	get.dma_buf.region_index = VFIO_PCI_BAR2_REGION_INDEX;
	get.dma_buf.open_flags = O_RDWR | O_CLOEXEC;
	get.dma_buf.nr_ranges = 1;
	get.range.offset = 0;
	get.range.length = VFIO_LEN;
	v->dbuf = ioctl(v->device, VFIO_DEVICE_FEATURE, &get);
	return v->dbuf < 0 ? -errno : 0;
}

/* Every fd of @v closed and ivshmem given back to its driver. */
static void vfio_release(struct vfio_export *v)
{
	if (v->dbuf >= 0)
		close(v->dbuf);
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->container = -1;
	v->group = -1;
	v->device = -1;
	v->dbuf = -1;
	vfio_unbind(&v->ivshmem);
}

/*
 * ivshmem bound to vfio-pci and 64 KiB of its BAR 2 exported in @v. 0, or
 * -1 once the test was skipped (no ivshmem, no IOMMU group); an export that
 * fails is an assertion.
 */
static int vfio_setup(struct __test_metadata *_metadata,
		      struct vfio_export *v)
{
	struct rig_dev *ivshmem = &v->ivshmem;
	char why[256] = "";
	int rc;

	v->dbuf = -1;
	if (rig_find(0x1af4, 0x1110, 0, ivshmem))
		SKIP(return -1, "no ivshmem device");
	rc = vfio_bind(ivshmem, why, sizeof(why));
	if (rc)
		SKIP(return -1, "%s", why);
	rc = vfio_export_bar2(ivshmem, v);
	if (rc) {
		vfio_release(v);
		ASSERT_EQ(0, rc) TH_LOG("vfio-pci dma-buf of %s BAR 2: %s",
					ivshmem->bdf, strerror(-rc));
	}
	return 0;
}

/* Memory decoding off through vfio's config region: vfio revokes. */
static int vfio_memory_off(const struct vfio_export *v)
{
	struct vfio_region_info config = { .argsz = sizeof(config) };
	uint16_t cmd;

	config.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &config))
		return -errno;
	if (pread(v->device, &cmd, 2, config.offset + 4) != 2)
		return -EIO;
	cmd &= ~0x2;	/* PCI_COMMAND_MEMORY */
	if (pwrite(v->device, &cmd, 2, config.offset + 4) != 2)
		return -EIO;
	return 0;
}

/*
 * edu's mask narrowed just below where  (another exporter's dma-buf
 * , imported at 64 bits) lies:  is never handed to the engine
 * again, and a new import is refused where the exporter hands out a fixed
 * address (the BAR's bus address, or untranslated), or lands below the
 * mask where an IOMMU allocates it. The mask goes back to 64 bits.
 */
static void expect_narrow_mask_refused(struct __test_metadata *_metadata,
				       FIXTURE_DATA(dmabuf) * self, int dbuf,
				       const struct p2prig_import *imp,
				       int bus_addr)
{
	unsigned int bits = 63 - (unsigned int)__builtin_clzll(imp->dma_addr);
	uint64_t mask = (1ull << bits) - 1;
	int fixed = bus_addr || (imp->flags & P2PRIG_MAP_F_DIRECT);
	struct p2prig_import narrow = { 0 };
	char text[8];
	int rc;

	if (bits < 28) {
		TH_LOG("import at %#llx: below any mask edu takes, no narrow-mask check",
		       (unsigned long long)imp->dma_addr);
		return;
	}
	snprintf(text, sizeof(text), "%u", bits);
	ASSERT_EQ(0, rig_write(EDU_BITS_PARAM, text));
	EXPECT_EQ(-EIO, rigdev_xfer(&self->dev, imp->handle,
				    P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				    NULL));
	rc = rig_import_edu(&self->dev, dbuf, &self->edu, &narrow);
	TH_LOG("mask %#llx: import %s at %#llx (%s address)",
	       (unsigned long long)mask, strerror(-rc),
	       (unsigned long long)narrow.dma_addr, fixed ? "fixed" : "IOVA");
	if (fixed) {
		EXPECT_EQ(-EIO, rc);
	} else {
		EXPECT_EQ(0, rc);
		EXPECT_LE(narrow.dma_addr + narrow.length - 1, mask);
	}
	if (!rc)
		EXPECT_EQ(0, rigdev_unmap(&self->dev, narrow.handle, NULL));
	ASSERT_EQ(0, rig_write(EDU_BITS_PARAM, "64"));
}

/*
 * Another exporter of peer memory: vfio-pci exports ivshmem's BAR 2 and
 * edu imports it; bytes move where QEMU can deliver them, checked through
 * vfio's own BAR access. Then edu's mask narrows below the import, which
 * is not used again (expect_narrow_mask_refused()), vfio revokes (memory
 * decoding off), the import stops, and everything is released.
 */
TEST_F_TIMEOUT(dmabuf, import_vfio_pci, 120)
{
	struct vfio_export v = { .dbuf = -1 };
	struct p2prig_export_stats st;
	struct p2prig_import imp;
	int rc, result;

	if (vfio_setup(_metadata, &v))
		return;
	EXPECT_EQ(-EINVAL, rigdev_export_stats(&self->dev, v.dbuf, &st));

	/* vfio takes only p2p, revocable importers, as ours does. */
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, v.dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_NO_P2P, &result));
	EXPECT_EQ(-EOPNOTSUPP, result);
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, v.dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_PINNED, &result));
	EXPECT_EQ(-EOPNOTSUPP, result);

	rc = rig_import_edu(&self->dev, v.dbuf, &self->edu, &imp);
	TH_LOG("vfio-pci %s BAR 2 at %#llx: import %s, dma %#llx, %u range(s), flags %#x",
	       v.ivshmem.bdf, (unsigned long long)v.bar_start, strerror(-rc),
	       (unsigned long long)imp.dma_addr, imp.nr_segments, imp.flags);
	if (rc == -EINVAL && self->probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED) {
		/* vfio maps through dma_buf_phys_vec_to_sgt(): no path, -EINVAL. */
		vfio_release(&v);
		SKIP(return, "no p2p path to edu (map type %u): vfio's map: %s",
		     self->probe.map_type, strerror(-rc));
	}
	ASSERT_EQ(0, rc);
	EXPECT_EQ(0u, imp.flags & P2PRIG_IMPORT_F_OURS);
	EXPECT_EQ((uint64_t)VFIO_LEN, imp.length);

	if (imp.dma_addr == v.bar_start && !(imp.flags & P2PRIG_MAP_F_DIRECT)) {
		TH_LOG("no data movement: %s",
		       "the bus address behind a translating IOMMU faults in QEMU");
	} else {
		rig_fill(self->out, PIECE, 700);
		ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle,
					 P2PRIG_XFER_TO_PEER, VFIO_LEN - PIECE,
					 self->out, PIECE, NULL));
		ASSERT_EQ((ssize_t)PIECE,
			  pread(v.device, self->in, PIECE,
				v.bar_offset + VFIO_LEN - PIECE));
		EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
		rig_fill(self->out, 1500, 701);
		ASSERT_EQ(1500, pwrite(v.device, self->out, 1500,
				       v.bar_offset + 300));
		ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle,
					 P2PRIG_XFER_FROM_PEER, 300, self->in,
					 1500, NULL));
		EXPECT_EQ(0, memcmp(self->out, self->in, 1500));
	}
	expect_narrow_mask_refused(_metadata, self, v.dbuf, &imp,
				   imp.dma_addr == v.bar_start);

	/* vfio revokes its dma-bufs when memory decoding goes off. */
	ASSERT_EQ(0, vfio_memory_off(&v));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_alive(_metadata, &self->dev, 0, 0);

	vfio_release(&v);
}

/*
 * vfio-pci revokes its dma-bufs (memory decoding off, reset, close) and
 * then waits until every importer has unmapped, so it must refuse an
 * importer it cannot revoke. Since 61ceaf236115 (Linux 6.19) it does, at
 * attach, with -EOPNOTSUPP (today its attach callback checks
 * dma_buf_attach_revocable()). Before, a pinned importer (RDMA without
 * ODP) attached and mapped the BAR, and the next revoke waited for it
 * forever. A pinned import the kernel wrongly takes is let go at once.
 */
TEST_F_TIMEOUT(dmabuf, vfio_pci_refuses_pinned, 120)
{
	struct p2prig_import imp;
	struct vfio_export v;
	int rc, result;

	if (vfio_setup(_metadata, &v))
		return;
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, v.dbuf, &self->edu.addr,
					 P2PRIG_ATTACH_F_PINNED, &result));
	rc = import_pinned(&self->dev, v.dbuf, &self->edu, &imp);
	if (!rc)
		EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	if (result != -EOPNOTSUPP || rc != -EOPNOTSUPP)
		TH_LOG("vfio-pci took a pinned importer: attach %s, import %s (want: %s)",
		       rc_text(result), rc_text(rc), strerror(EOPNOTSUPP));
	EXPECT_EQ(-EOPNOTSUPP, result);
	EXPECT_EQ(-EOPNOTSUPP, rc);
	expect_alive(_metadata, &self->dev, 0, 0);
	vfio_release(&v);
}

/*
 * The vfio device closed after vfio revoked its dma-buf (memory decoding
 * off) while the dma-buf is still open and imported: the close drains the
 * dma-buf again (vfio_pci_dma_buf_cleanup()), which must find nothing to
 * do. Before c64a647c84f3 (Linux 7.1-rc4) it dropped the dma-buf's kref a
 * second time ("refcount_t: underflow") and waited forever for a
 * completion the revoke had consumed. The last close of the device runs in
 * a child, so that such a kernel fails the test instead of hanging it.
 * The dma-buf outlives its device, revoked, and is released last.
 */
TEST_F_TIMEOUT(dmabuf, vfio_pci_close_after_revoke, 120)
{
	struct p2prig_import imp, again;
	struct vfio_export v;
	int rc, imported, go[2], status = 0, tries;
	pid_t child, done = 0;
	char c = 0;

	if (vfio_setup(_metadata, &v))
		return;
	rc = rig_import_edu(&self->dev, v.dbuf, &self->edu, &imp);
	imported = !rc;
	if (rc)
		TH_LOG("no import (%s, map type %u): the close is checked without one",
		       strerror(-rc), self->probe.map_type);

	ASSERT_EQ(0, vfio_memory_off(&v));
	if (imported)
		EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
					       P2PRIG_XFER_TO_PEER, 0,
					       self->out, 16, NULL));

	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		/* The device's last reference: its release runs in this close. */
		close(self->dev.fd);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		close(v.device);
		close(v.dbuf);
		close(v.group);
		close(v.container);
		_exit(0);
	}
	close(go[0]);
	close(v.device);
	close(v.group);
	close(v.container);
	v.device = -1;
	v.group = -1;
	v.container = -1;
	ASSERT_EQ(1, write(go[1], &c, 1));
	close(go[1]);
	for (tries = 0; tries < 300 && !done; tries++) {
		done = waitpid(child, &status, WNOHANG);
		if (!done)
			usleep(100 * 1000);
	}
	/* A child stuck in close holds the group: unbinding would hang too. */
	ASSERT_NE(0, done) TH_LOG("%s did not return in 30 s: %s",
				  "closing vfio-pci's device after a revoke",
				  "its dma-buf drained twice (see the kernel log)");
	ASSERT_EQ(child, done);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	if (imported)
		EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	EXPECT_EQ(-ENODEV, rig_import_edu(&self->dev, v.dbuf, &self->edu, &again));
	expect_alive(_metadata, &self->dev, 0, 0);
	vfio_release(&v);
}

/* Unbinding edu revokes and detaches its imports. */
TEST_F_TIMEOUT(dmabuf, initiator_unbind_releases_import, 120)
{
	struct p2prig_import imp;
	uint32_t method;
	int dbuf;

	export_import_any(_metadata, self, &self->dev, self->chunk, 0, 65536,
			  &self->dev, &dbuf, &imp, &method);
	if (dbuf < 0)
		return;
	ASSERT_EQ(0, rig_driver(&self->edu, "p2prig_edu", 0));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	expect_alive(_metadata, &self->dev, 1, 0);
	expect_stats(_metadata, &self->dev, dbuf, 1, 1, 1, 1);
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, imp.handle, NULL));
	ASSERT_EQ(0, rig_driver(&self->edu, "p2prig_edu", 1));

	/* A rebound edu imports the same dma-buf again. */
	ASSERT_EQ(0, rig_import_edu(&self->dev, dbuf, &self->edu, &imp));
	rig_fill(self->out, PIECE, 500);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, imp.handle, P2PRIG_XFER_TO_PEER, 0,
				 self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_READ, 0,
				     self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_stats(_metadata, &self->dev, dbuf, 2, 2, 2, 2);
	close(dbuf);
}

/*
 * Unbinding the provider while its memory is exported and imported: a
 * chunk whose handle is alive and one whose file is closed (held by its
 * dma-buf only). Every importer is revoked and stops, the memory goes
 * back, and everything is released.
 */
TEST_F_TIMEOUT(dmabuf, provider_unbind_revokes, 120)
{
	struct p2prig_export_stats st;
	struct p2prig_import imp, orphan_imp, again;
	uint64_t avail0, avail;
	uint32_t orphan, method;
	struct rigdev dev2;
	int dbuf, orphan_buf, result;

	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &avail0));
	export_import_any(_metadata, self, &self->dev, self->chunk, 0, 65536,
			  &self->dev, &dbuf, &imp, &method);
	if (dbuf < 0)
		return;
	rig_fixture_second_file(_metadata, &self->nvme, 1u << 20, &dev2,
				&orphan);
	ASSERT_EQ(0, rigdev_export(&dev2, orphan, method, 0, 1u << 20,
				   &orphan_buf));
	rigdev_close(&dev2);
	ASSERT_EQ(0, rig_import_edu(&self->dev, orphan_buf, &self->edu, &orphan_imp));
	expect_alive(_metadata, &self->dev, 2, 2);

	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 0));

	/* Both importers stopped, with the exporter's word for it. */
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, orphan_imp.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in, 16,
				       NULL));
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
	EXPECT_EQ(1u, st.revoked);
	EXPECT_EQ(1ull, st.revocations);
	EXPECT_EQ(0u, st.live_maps);
	EXPECT_EQ(st.maps, st.unmaps);
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, orphan_buf, &st));
	EXPECT_EQ(1u, st.revoked);
	EXPECT_EQ(1ull, st.revocations);
	EXPECT_EQ(0u, st.live_maps);

	/* No new importer, no CPU access, no new export. */
	EXPECT_EQ(-ENODEV, rig_import_edu(&self->dev, dbuf, &self->edu, &again));
	ASSERT_EQ(0, rigdev_attach_check(&self->dev, dbuf, &self->edu.addr, 0,
					 &result));
	EXPECT_EQ(-ENODEV, result);
	EXPECT_EQ(-ENODEV, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, 0, self->in, 16));
	EXPECT_EQ(-ENODEV, rigdev_export(&self->dev, self->chunk,
					 P2PRIG_EXPORT_RESOURCE, 0, 4096,
					 &result));

	/* Release: the imports say they were revoked, and go. */
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, orphan_imp.handle, NULL));
	expect_alive(_metadata, &self->dev, 2, 0);
	ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
	EXPECT_EQ(st.attaches, st.detaches);
	EXPECT_EQ(st.maps, st.unmaps);
	/* Refused at attach, so never mapped: import and check above. */
	EXPECT_EQ(2ull, st.attach_refused);
	EXPECT_EQ(0ull, st.map_failed);
	close(dbuf);
	close(orphan_buf);
	expect_alive(_metadata, &self->dev, 0, 0);
	EXPECT_EQ(-ENODEV, rigdev_chunk_free(&self->dev, self->chunk));

	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 1));
	ASSERT_EQ(0, wait_published(&self->nvme, &avail))
		TH_LOG("CMB not published again");
	/* Everything went back: the fixture's chunk and the orphan too. */
	EXPECT_EQ(avail0 + CHUNK, avail);
}

/*
 * edu keeps transferring through an import while the provider unbinds:
 * every transfer either completes or answers -ENODEV, none succeeds after
 * the first -ENODEV, and none reaches memory that went back.
 */
TEST_F_TIMEOUT(dmabuf, revoke_during_xfer, 120)
{
	struct p2prig_import imp;
	int dbuf, status, i, rc, revoked = 0, done = 0, sync[2];
	uint64_t avail;
	uint32_t method;
	char c;
	pid_t pid;

	export_import_any(_metadata, self, &self->dev, self->chunk, 0, 65536,
			  &self->dev, &dbuf, &imp, &method);
	if (dbuf < 0)
		return;

	ASSERT_EQ(0, pipe(sync));
	/*
	 * The child's exit: 0 good, 11 bytes moved after -ENODEV, 12 wrong
	 * bytes, 13 another error, 14 nothing moved before, 15 never
	 * revoked, 16 could not tell the parent.
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sync[0]);
		for (i = 0; i < 200; i++) {
			rig_fill(self->out, PIECE, 600 + i);
			rc = rigdev_xfer(&self->dev, imp.handle,
					 P2PRIG_XFER_TO_PEER, (i % 16) * PIECE,
					 self->out, PIECE, NULL);
			if (!rc)
				rc = rigdev_xfer(&self->dev, imp.handle,
						 P2PRIG_XFER_FROM_PEER,
						 (i % 16) * PIECE, self->in,
						 PIECE, NULL);
			if (!rc && revoked)
				_exit(11);	/* moved bytes after -ENODEV */
			if (!rc && memcmp(self->out, self->in, PIECE))
				_exit(12);	/* wrong bytes */
			if (rc && rc != -ENODEV)
				_exit(13);
			if (rc == -ENODEV && ++revoked == 3)
				_exit(done ? 0 : 14);
			/* The first round trip tells the parent to unbind. */
			if (!rc && !done++ && write(sync[1], "x", 1) != 1)
				_exit(16);
		}
		_exit(15);	/* never revoked */
	}

	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1)) TH_LOG("no transfer completed");
	close(sync[0]);
	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("transfer loop exit %d: see the child's codes above",
		       WEXITSTATUS(status));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle, NULL));
	close(dbuf);
	expect_alive(_metadata, &self->dev, 0, 0);
	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 1));
	ASSERT_EQ(0, wait_published(&self->nvme, &avail));
}

TEST_HARNESS_MAIN
