// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko's user API, on the kernel's kselftest harness: every ioctl's
 * good path, the errno of each kind of bad input, release on close, who may
 * open the device, and revocation when either end of a mapping is unbound.
 * Runs in the virtual lab (nvme with a CMB, edu) with the module loaded.
 * The tests that unbind devices come last and put them back.
 * Transfers on the default rig (vlab-switch-iommu, a BUS_ADDR pair under a
 * translating IOMMU) go through a "-host" method: QEMU sends every device
 * DMA through the IOMMU, where the bus address the default methods hand
 * out (uAPI version 8) faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define CHUNK		(64u << 10)
#define PIECE		P2PRIG_MAX_XFER_SIZE
#define EDU_TIMEOUT_PARAM "/sys/module/p2prig/parameters/edu_timeout_ms"

/* MAP @length bytes of @chunk from its start for edu (direction 0). */
static int map_for_edu(const struct rigdev *dev, uint32_t chunk,
		       uint32_t method, const struct rig_dev *edu,
		       uint64_t length, struct p2prig_map *m)
{
	return rigdev_map(dev, chunk, method, P2PRIG_INITIATOR_EDU, &edu->addr,
			  0, 0, length, m);
}

/* PROBE @chunk from its start for edu: the pair most tests judge. */
static int probe_for_edu(const struct rigdev *dev, uint32_t chunk,
			 const struct rig_dev *edu, struct p2prig_probe *probe)
{
	return rigdev_probe(dev, chunk, P2PRIG_INITIATOR_EDU, &edu->addr, 0,
			    probe);
}

FIXTURE(uapi) {
	struct rigdev dev;
	struct rig_dev nvme, edu, absent;
	uint32_t chunk;
	unsigned char out[2 * PIECE], in[2 * PIECE];
};

FIXTURE_SETUP(uapi)
{
	if (!rig_fixture_setup(_metadata, &self->dev, &self->nvme, &self->edu,
			       NULL))
		return;
	rig_absent(&self->absent);
	rig_fixture_chunk(_metadata, &self->dev, P2PRIG_PROVIDER_NVME_CMB,
			  &self->nvme, CHUNK, &self->chunk);
}

FIXTURE_TEARDOWN(uapi)
{
	rigdev_close(&self->dev);
}

TEST_F(uapi, info)
{
	struct p2prig_info info;
	struct utsname uts;

	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_INFO, &info));
	ASSERT_EQ(0, uname(&uts));
	EXPECT_EQ((__u32)P2PRIG_UAPI_VERSION, info.uapi_version);
	EXPECT_EQ((1u << P2PRIG_PROVIDER_NVME_CMB) | (1u << P2PRIG_PROVIDER_RAM) |
		  (1u << P2PRIG_PROVIDER_BAR), info.provider_mask);
	EXPECT_EQ(1u << P2PRIG_INITIATOR_EDU, info.initiator_mask);
	EXPECT_NE(0u, info.method_mask & (1u << P2PRIG_METHOD_RESOURCE));
	EXPECT_EQ(P2PRIG_MAX_CHUNK_SIZE, info.max_chunk_size);
	EXPECT_EQ(P2PRIG_MAX_BAR_CHUNK_SIZE, info.max_bar_chunk_size);
	EXPECT_EQ(P2PRIG_MAX_XFER_SIZE, info.max_xfer_size);
	EXPECT_STREQ(uts.release, info.kernel_release);
	EXPECT_EQ(0u, info.export_method_mask & ~((1u << P2PRIG_EXPORT_MAX) - 1));
	EXPECT_EQ(0ull, info.reserved[0] | info.reserved[1]);
}

TEST_F(uapi, unknown_ioctl)
{
	EXPECT_EQ(-ENOTTY, rigdev_ioctl(&self->dev, _IO(P2PRIG_IOC_MAGIC, 0x40),
					NULL));
	EXPECT_EQ(-ENOTTY, rigdev_ioctl(&self->dev, _IO('x', 0x01), NULL));
}

TEST_F(uapi, chunk_alloc_bad_input)
{
	struct p2prig_chunk_alloc arg;
	uint32_t handle;

	memset(&arg, 0, sizeof(arg));
	arg.pci = self->nvme.addr;
	arg.size = CHUNK;
	arg.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC,
					&arg));
	arg.reserved[2] = 0;
	arg.pci.reserved = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC,
					&arg));
	arg.pci.reserved = 0;
	arg.provider = P2PRIG_PROVIDER_MAX;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC,
					&arg));
	EXPECT_EQ(-EFAULT, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC,
					(void *)8));

	EXPECT_EQ(-EINVAL, rigdev_chunk_new(&self->dev,
					    P2PRIG_PROVIDER_NVME_CMB,
					    &self->nvme.addr, 0, &handle));
	EXPECT_EQ(-EINVAL, rigdev_chunk_new(&self->dev,
					    P2PRIG_PROVIDER_NVME_CMB,
					    &self->nvme.addr, 4095, &handle));
	EXPECT_EQ(-EINVAL, rigdev_chunk_new(&self->dev,
					    P2PRIG_PROVIDER_NVME_CMB,
					    &self->nvme.addr,
					    P2PRIG_MAX_CHUNK_SIZE + 4096,
					    &handle));
	EXPECT_EQ(-ENODEV, rigdev_chunk_new(&self->dev,
					    P2PRIG_PROVIDER_NVME_CMB,
					    &self->absent.addr, CHUNK,
					    &handle));
	EXPECT_EQ(-EOPNOTSUPP, rigdev_chunk_new(&self->dev,
						P2PRIG_PROVIDER_NVME_CMB,
						&self->edu.addr, CHUNK,
						&handle));
	/* The CMB is 64 MiB: 128 MiB cannot come from its pool. */
	EXPECT_EQ(-ENOMEM, rigdev_chunk_new(&self->dev,
					    P2PRIG_PROVIDER_NVME_CMB,
					    &self->nvme.addr, 128u << 20,
					    &handle));
}

TEST_F(uapi, chunk_io)
{
	unsigned char *out = self->out, *in = self->in;

	rig_fill(out, sizeof(self->out), 1);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_WRITE,
				     CHUNK - sizeof(self->out), out,
				     sizeof(self->out)));
	memset(in, 0, sizeof(self->in));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_READ,
				     CHUNK - sizeof(self->in), in,
				     sizeof(self->in)));
	EXPECT_EQ(0, memcmp(out, in, sizeof(self->in)));

	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, CHUNK - 16, in, 32));
	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, ~0ull, in, 2));
	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, 0, in, 0));
	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_MAX, 0, in, 16));
	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk + 1000,
					   P2PRIG_IO_READ, 0, in, 16));
	EXPECT_EQ(-EFAULT, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, 0, (void *)8, 16));
}

TEST_F(uapi, map_bad_input)
{
	struct p2prig_map m;
	uint32_t method;

	for (method = 0; method < P2PRIG_METHOD_MAX; method++) {
		EXPECT_EQ(-ENODEV, rigdev_map(&self->dev, self->chunk, method,
					      P2PRIG_INITIATOR_EDU,
					      &self->nvme.addr, 0, 0, PIECE,
					      &m));
		EXPECT_EQ(-ENODEV, rigdev_map(&self->dev, self->chunk, method,
					      P2PRIG_INITIATOR_EDU,
					      &self->absent.addr, 0, 0, PIECE,
					      &m));
		EXPECT_EQ(-EINVAL, rigdev_map(&self->dev, self->chunk, method,
					      P2PRIG_INITIATOR_EDU,
					      &self->edu.addr, 0, 100, PIECE,
					      &m));
		EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, self->chunk, method,
					       &self->edu, CHUNK + 1, &m));
		EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, self->chunk, method,
					       &self->edu, 0, &m));
		EXPECT_EQ(-EINVAL, rigdev_map(&self->dev, self->chunk, method,
					      P2PRIG_INITIATOR_EDU,
					      &self->edu.addr, P2PRIG_DIR_MAX,
					      0, PIECE, &m));
		EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, self->chunk + 1000,
					       method, &self->edu, PIECE, &m));
	}
	EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, self->chunk,
				       P2PRIG_METHOD_MAX, &self->edu, PIECE,
				       &m));

	map_for_edu(&self->dev, self->chunk, P2PRIG_METHOD_RESOURCE, &self->edu,
		    PIECE, &m);
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, 12345, NULL));
	m.chunk = self->chunk;
	m.method = P2PRIG_METHOD_RESOURCE;
	m.pci = self->edu.addr;
	m.length = PIECE;
	m.initiator = P2PRIG_INITIATOR_MAX;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP, &m));
	m.initiator = P2PRIG_INITIATOR_EDU;
	m.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP, &m));
}

/* Map for edu by one method; move two pieces each way; check every byte. */
static void map_and_move(struct __test_metadata *_metadata,
			 FIXTURE_DATA(uapi) * self, uint32_t method)
{
	struct p2prig_info info;
	struct p2prig_map m;
	int rc;

	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_INFO, &info));
	if (!(info.method_mask & (1u << method)))
		SKIP(return, "method %u: not in this kernel", method);

	rc = rigdev_map(&self->dev, self->chunk, method, P2PRIG_INITIATOR_EDU,
			&self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL, 0, CHUNK,
			&m);
	ASSERT_EQ(0, rc) TH_LOG("map: %s", strerror(-rc));
	TH_LOG("method %u: dma %#llx distance %d map %llu ns, route %u", method,
	       (unsigned long long)m.dma_addr, m.p2p_distance,
	       (unsigned long long)m.map_ns, m.route);
	if (m.route == P2PRIG_ROUTE_BUS_ADDR && !(m.flags & P2PRIG_MAP_F_DIRECT)) {
		EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
		SKIP(return,
		     "virtual lab limit: QEMU sends a bus address through the IOMMU");
	}
	EXPECT_NE(0ull, m.dma_addr);

	/* edu -> peer memory, checked through the CPU. */
	rig_fill(self->out, sizeof(self->out), 10 + method);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER,
				 8192, self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER,
				 8192 + PIECE, self->out + PIECE, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_READ,
				     8192, self->in, sizeof(self->in)));
	EXPECT_EQ(0, memcmp(self->out, self->in, sizeof(self->in)));

	/* peer memory -> edu, seeded through the CPU, odd offset and length. */
	rig_fill(self->out, sizeof(self->out), 20 + method);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_WRITE,
				     CHUNK - 3001, self->out, 3001));
	memset(self->in, 0, sizeof(self->in));
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_FROM_PEER,
				 CHUNK - 3001, self->in, 3001, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->in, 3001));

	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, self->chunk));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, self->chunk));
	EXPECT_EQ(-EINVAL, rigdev_chunk_free(&self->dev, self->chunk));
}

/* A peer mapping is never bounced through RAM; unmapped once it is seen. */
static void unmap_unbounced(struct __test_metadata *_metadata,
			    const struct rigdev *dev,
			    const struct p2prig_map *m)
{
	EXPECT_EQ(0u, m->flags & P2PRIG_MAP_F_BOUNCED);
	EXPECT_EQ(0, rigdev_unmap(dev, m->handle, NULL));
}

TEST_F(uapi, map_move_mmio)
{
	map_and_move(_metadata, self, P2PRIG_METHOD_MMIO);
}

TEST_F(uapi, map_move_resource)
{
	map_and_move(_metadata, self, P2PRIG_METHOD_RESOURCE);
}

/* Through the host bridge whatever p2pdma decided: an IOVA when translated. */
TEST_F(uapi, map_move_mmio_host)
{
	map_and_move(_metadata, self, P2PRIG_METHOD_MMIO_HOST);
}

TEST_F(uapi, map_move_resource_host)
{
	map_and_move(_metadata, self, P2PRIG_METHOD_RESOURCE_HOST);
}

/* The kernel's own p2pdma verdict for the pair, and PROBE's bad input. */
TEST_F(uapi, probe)
{
	struct p2prig_chunk_alloc info;
	struct p2prig_probe probe;
	uint32_t ram;

	ASSERT_EQ(0, probe_for_edu(&self->dev, self->chunk, &self->edu, &probe));
	TH_LOG("map type %u distance %d dma %#llx", probe.map_type,
	       probe.p2p_distance, (unsigned long long)probe.dma_addr);
	ASSERT_LT(0u, probe.map_type);
	ASSERT_GT((__u32)P2PRIG_MAP_TYPE_MAX, probe.map_type);
	/* No path and a negative distance go together. */
	EXPECT_EQ(probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED,
		  probe.p2p_distance < 0);
	if (probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR) {
		memset(&info, 0, sizeof(info));
		info.pci = self->nvme.addr;
		info.size = PIECE;
		ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC,
					  &info));
		ASSERT_EQ(0, rigdev_probe(&self->dev, info.handle,
					  P2PRIG_INITIATOR_EDU, &self->edu.addr,
					  0, &probe));
		EXPECT_EQ(info.bus_addr, probe.dma_addr);
	}

	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, self->chunk,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					100, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, self->chunk,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					CHUNK, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, self->chunk,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					~0ull & ~4095ull, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, self->chunk + 1000,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					0, &probe));
	EXPECT_EQ(-ENODEV, rigdev_probe(&self->dev, self->chunk,
					P2PRIG_INITIATOR_EDU,
					&self->absent.addr, 0, &probe));
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      PIECE, &ram));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, ram, P2PRIG_INITIATOR_EDU,
					&self->edu.addr, 0, &probe));
	probe.chunk = self->chunk;
	probe.initiator = P2PRIG_INITIATOR_EDU;
	probe.pci = self->edu.addr;
	probe.offset = 0;
	probe.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_PROBE, &probe));
}

/*
 * The kernel's rule (dma-buf's phys-vec helper, the block layer, vfio):
 * a BUS_ADDR pair gets the provider's bus address, a THRU_HOST_BRIDGE pair
 * the DMA layer's mapping, any other pair -EREMOTEIO. The default methods
 * follow it; their "-host" twins map through the host bridge whatever
 * p2pdma decided (issue 20, item 1). MAP's map type is the module's
 * reading of the PCI tree: it must be what the DMA layer decides (PROBE).
 */
TEST_F(uapi, map_follows_map_type)
{
	static const struct {
		uint32_t method;
		int host;
	} methods[] = {
		{ P2PRIG_METHOD_MMIO, 0 },
		{ P2PRIG_METHOD_RESOURCE, 0 },
		{ P2PRIG_METHOD_IOVA_LINK, 0 },
		{ P2PRIG_METHOD_MMIO_HOST, 1 },
		{ P2PRIG_METHOD_RESOURCE_HOST, 1 },
		{ P2PRIG_METHOD_IOVA_LINK_HOST, 1 },
	};
	struct p2prig_probe probe;
	struct p2prig_info info;
	struct p2prig_map m;
	unsigned int i;
	int rc;

	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_INFO, &info));
	ASSERT_EQ(0, probe_for_edu(&self->dev, self->chunk, &self->edu, &probe));
	for (i = 0; i < ARRAY_SIZE(methods); i++) {
		uint32_t method = methods[i].method;

		if (!(info.method_mask & (1u << method)))
			continue;
		memset(&m, 0, sizeof(m));
		rc = rigdev_map(&self->dev, self->chunk, method,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_BIDIRECTIONAL, 0, CHUNK, &m);
		TH_LOG("method %u, map type %u: %s, dma %#llx flags %#x route %u",
		       method, probe.map_type, strerror(-rc),
		       (unsigned long long)m.dma_addr, m.flags, m.route);
		if (probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED) {
			EXPECT_EQ(-EREMOTEIO, rc);
			continue;
		}
		/* An IOVA needs a translating IOMMU; a bus address does not. */
		if (rc == -EOPNOTSUPP &&
		    (method == P2PRIG_METHOD_IOVA_LINK_HOST ||
		     (method == P2PRIG_METHOD_IOVA_LINK &&
		      probe.map_type != P2PRIG_MAP_TYPE_BUS_ADDR)))
			continue;
		ASSERT_EQ(0, rc);
		EXPECT_EQ(probe.map_type, m.map_type);
		if (probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR &&
		    !methods[i].host) {
			EXPECT_EQ((__u32)P2PRIG_ROUTE_BUS_ADDR, m.route);
			EXPECT_EQ(probe.dma_addr, m.dma_addr);
			EXPECT_NE(0u, m.flags & P2PRIG_MAP_F_BUS_ADDR);
		} else {
			EXPECT_EQ((__u32)P2PRIG_ROUTE_HOST_BRIDGE, m.route);
			/* Translated, the DMA layer hands out an IOVA. */
			if (!(m.flags & P2PRIG_MAP_F_DIRECT) &&
			    probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR) {
				EXPECT_EQ(0u, m.flags & P2PRIG_MAP_F_BUS_ADDR);
				EXPECT_NE(probe.dma_addr, m.dma_addr);
			}
		}
		unmap_unbounced(_metadata, &self->dev, &m);
	}
}

/* p2p-page maps through the DMA layer's own p2pdma decision. */
TEST_F(uapi, map_p2p_page)
{
	struct p2prig_probe probe;
	struct p2prig_map m;
	int rc;

	ASSERT_EQ(0, probe_for_edu(&self->dev, self->chunk, &self->edu, &probe));
	rc = map_for_edu(&self->dev, self->chunk, P2PRIG_METHOD_P2P_PAGE,
			 &self->edu, CHUNK, &m);
	if (probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED) {
		EXPECT_EQ(-EREMOTEIO, rc);
		return;
	}
	ASSERT_EQ(0, rc);
	EXPECT_EQ(probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR,
		  !!(m.flags & P2PRIG_MAP_F_BUS_ADDR));
	unmap_unbounced(_metadata, &self->dev, &m);
}

/* System RAM: its own chunk kind, the page method, and nothing else. */
TEST_F(uapi, ram_chunk)
{
	struct p2prig_chunk_alloc arg;
	struct p2prig_map m;
	uint32_t ram;

	/* RAM names no PCI function. */
	EXPECT_EQ(-EINVAL, rigdev_chunk_alloc(&self->dev, P2PRIG_PROVIDER_RAM,
					      &self->nvme.addr, PIECE, &arg));
	EXPECT_EQ(-EINVAL, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM,
					    NULL,
					    P2PRIG_MAX_RAM_CHUNK_SIZE + 4096,
					    &ram));
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      CHUNK, &ram));

	EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, ram, P2PRIG_METHOD_MMIO,
				       &self->edu, PIECE, &m));
	EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, ram, P2PRIG_METHOD_RESOURCE,
				       &self->edu, PIECE, &m));
	EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, ram, P2PRIG_METHOD_P2P_PAGE,
				       &self->edu, PIECE, &m));
	EXPECT_EQ(-EINVAL, map_for_edu(&self->dev, self->chunk,
				       P2PRIG_METHOD_PAGE, &self->edu, PIECE,
				       &m));

	ASSERT_EQ(0, map_for_edu(&self->dev, ram, P2PRIG_METHOD_PAGE,
				 &self->edu, CHUNK, &m));
	EXPECT_EQ(-1, m.p2p_distance);
	EXPECT_EQ(0u, m.flags & P2PRIG_MAP_F_BUS_ADDR);
	rig_fill(self->out, PIECE, 50);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER,
				 PIECE, self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, ram, P2PRIG_IO_READ, PIECE,
				     self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
	rig_fill(self->out, PIECE, 51);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, ram, P2PRIG_IO_WRITE, 0,
				     self->out, PIECE));
	ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_FROM_PEER, 0,
				 self->in, PIECE, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, ram));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, ram));
}

TEST_F(uapi, xfer_bad_input)
{
	struct p2prig_map to_dev;
	struct p2prig_xfer arg;

	ASSERT_EQ(0, rigdev_map(&self->dev, self->chunk,
				P2PRIG_METHOD_RESOURCE_HOST,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_TO_DEVICE, 4096, 8192, &to_dev));
	/* A TO_DEVICE mapping only lets the initiator read peer memory. */
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_FROM_PEER, 8192 - 8,
				       self->in, 16, NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in,
				       PIECE + 1, NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_FROM_PEER, 0, self->in, 0,
				       NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_MAX, 0, self->in, 16, NULL));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, to_dev.handle + 1000,
				       P2PRIG_XFER_FROM_PEER, 0, self->in, 16,
				       NULL));
	EXPECT_EQ(-EFAULT, rigdev_xfer(&self->dev, to_dev.handle,
				       P2PRIG_XFER_FROM_PEER, 0, (void *)8, 16,
				       NULL));
	memset(&arg, 0, sizeof(arg));
	arg.mapping = to_dev.handle;
	arg.dir = P2PRIG_XFER_FROM_PEER;
	arg.length = 16;
	arg.user_ptr = (uintptr_t)self->in;
	arg.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_XFER, &arg));
}

/* Closing the file gives the pool back, live mappings and all. */
TEST_F(uapi, close_releases)
{
	uint64_t before, during, after;
	struct p2prig_map m;
	struct rigdev dev;
	uint32_t chunk;

	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &before));
	rig_fixture_second_file(_metadata, &self->nvme, 1u << 20, &dev,
				&chunk);
	ASSERT_EQ(0, rigdev_map(&dev, chunk, P2PRIG_METHOD_RESOURCE,
				P2PRIG_INITIATOR_EDU, &self->edu.addr, 0, 0,
				1u << 20, &m));
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &during));
	EXPECT_EQ(before - (1u << 20), during);
	rigdev_close(&dev);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &after));
	EXPECT_EQ(before, after);
}

/* The node is 0600 root, and open also wants CAP_SYS_ADMIN. */
TEST_F(uapi, open_needs_root_and_cap_sys_admin)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2];
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(P2PRIG_DEVICE_PATH, O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("uid 65534 was not refused");

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (syscall(SYS_capget, &hdr, caps))
			_exit(2);
		caps[0].effective &= ~(1u << CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, caps))
			_exit(2);
		fd = open(P2PRIG_DEVICE_PATH, O_RDWR);
		_exit(fd < 0 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("root without CAP_SYS_ADMIN was not refused");
}

/* Unbinding the initiator revokes its mappings; a rebound one maps again. */
TEST_F(uapi, initiator_unbind_revokes)
{
	struct p2prig_map m, again;

	ASSERT_EQ(0, map_for_edu(&self->dev, self->chunk,
				 P2PRIG_METHOD_RESOURCE_HOST, &self->edu, CHUNK,
				 &m));
	ASSERT_EQ(0, rig_driver(&self->edu, "p2prig_edu", 0));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, m.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-ENODEV, map_for_edu(&self->dev, self->chunk,
				       P2PRIG_METHOD_RESOURCE, &self->edu,
				       PIECE, &again));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, m.handle, NULL));
	ASSERT_EQ(0, rig_driver(&self->edu, "p2prig_edu", 1));

	ASSERT_EQ(0, map_for_edu(&self->dev, self->chunk,
				 P2PRIG_METHOD_RESOURCE_HOST, &self->edu, PIECE,
				 &again));
	rig_fill(self->out, PIECE, 30);
	ASSERT_EQ(0, rigdev_xfer(&self->dev, again.handle, P2PRIG_XFER_TO_PEER,
				 0, self->out, PIECE, NULL));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk, P2PRIG_IO_READ, 0,
				     self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
}

/*
 * The edu engine that does not finish in time: -ETIMEDOUT each time, and
 * the function is reset each time, so with the timeout back the same
 * mapping moves bytes again, no rebind needed (tests/kmod/faults.c has
 * the rest).
 */
TEST_F(uapi, initiator_timeout)
{
	struct p2prig_map m;
	uint64_t saved;
	int rc;

	ASSERT_EQ(0, rig_read_u64(EDU_TIMEOUT_PARAM, &saved));
	ASSERT_EQ(0, map_for_edu(&self->dev, self->chunk,
				 P2PRIG_METHOD_RESOURCE_HOST, &self->edu, CHUNK,
				 &m));
	/* edu takes 100 ms (virtual) per DMA: 1 ms cannot be enough. */
	ASSERT_EQ(0, rig_write(EDU_TIMEOUT_PARAM, "1"));
	rc = rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER, 0,
			 self->out, PIECE, NULL);
	EXPECT_EQ(-ETIMEDOUT, rc);
	rc = rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER, 0,
			 self->out, PIECE, NULL);
	EXPECT_EQ(-ETIMEDOUT, rc);

	snprintf((char *)self->in, sizeof(self->in), "%llu",
		 (unsigned long long)saved);
	ASSERT_EQ(0, rig_write(EDU_TIMEOUT_PARAM, (char *)self->in));
	rig_fill(self->out, PIECE, 40);
	EXPECT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_TO_PEER, 0,
				 self->out, PIECE, NULL));
	memset(self->in, 0, PIECE);
	EXPECT_EQ(0, rigdev_xfer(&self->dev, m.handle, P2PRIG_XFER_FROM_PEER, 0,
				 self->in, PIECE, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
}

/* Unbinding the provider revokes its chunks and their mappings. */
TEST_F(uapi, provider_unbind_revokes)
{
	uint64_t available = 0;
	struct p2prig_map m;
	uint32_t chunk;
	int tries;

	ASSERT_EQ(0, map_for_edu(&self->dev, self->chunk, P2PRIG_METHOD_MMIO,
				 &self->edu, CHUNK, &m));
	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 0));
	EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, m.handle,
				       P2PRIG_XFER_TO_PEER, 0, self->out, 16,
				       NULL));
	EXPECT_EQ(-ENODEV, rigdev_chunk_io(&self->dev, self->chunk,
					   P2PRIG_IO_READ, 0, self->in, 16));
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, self->chunk));
	EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(-ENODEV, rigdev_chunk_free(&self->dev, self->chunk));
	EXPECT_EQ(-EINVAL, rigdev_chunk_free(&self->dev, self->chunk));
	EXPECT_EQ(-EOPNOTSUPP, rigdev_chunk_new(&self->dev,
						P2PRIG_PROVIDER_NVME_CMB,
						&self->nvme.addr, CHUNK,
						&chunk));

	ASSERT_EQ(0, rig_driver(&self->nvme, "nvme", 1));
	/* nvme publishes the CMB from its asynchronous reset work. */
	for (tries = 0; tries < 100; tries++) {
		if (!rig_p2pmem_available(&self->nvme, &available) &&
		    available)
			break;
		usleep(100 * 1000);
	}
	ASSERT_NE(0ull, available) TH_LOG("CMB not published again");
	EXPECT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_NVME_CMB,
				      &self->nvme.addr, CHUNK, &chunk));
}

TEST_HARNESS_MAIN
