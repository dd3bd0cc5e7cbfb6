// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko's provider "bar" on the kernel's kselftest harness, in the
 * virtual lab: QEMU's ivshmem-plain (1af4:1110, BAR2 = 64 MiB of shared
 * memory) handed to the module's p2prig_bar driver with driver_override,
 * the way a GPU's VRAM BAR would be, and edu moving the bytes.
 *
 * The BAR is published as p2pmem of its full size; chunks of it take
 * CHUNK_IO (cross-checked through the BAR's own sysfs mapping), PROBE,
 * every MAP method and every EXPORT method with an edu import, with bytes
 * moved both ways wherever QEMU can deliver them. A bus address (BUS_ADDR)
 * behind a translating IOMMU faults in QEMU, which sends every device DMA
 * through its IOMMU: such mappings are made and checked, and move nothing
 * (they do with --config vlab-switch-iommu-pt). Every allocation comes
 * back (p2pmem available returns to size), unbinding the BAR revokes
 * chunks, mappings and dma-bufs, and probe refuses functions and windows
 * p2pdma cannot take, without a kernel warning, and (bar_non_mappable=1)
 * p2pdma refuses a function marked non_mappable_bars.
 *
 * The tests that rebind devices come last and put them back; ivshmem is
 * left bound to p2prig_bar, so that the rmmod after the tests unbinds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define CHUNK		(256u << 10)
#define PIECE		P2PRIG_MAX_XFER_SIZE
#define IVSHMEM_BAR	2
#define MIB		(1024ull * 1024)

static int dev_file(const struct rig_dev *dev, const char *name, char *path,
		    size_t size)
{
	return snprintf(path, size, "/sys/bus/pci/devices/%s/%s", dev->bdf,
			name);
}

static int p2pmem_read(const struct rig_dev *dev, const char *name,
		       uint64_t *value)
{
	char path[128], file[32];

	snprintf(file, sizeof(file), "p2pmem/%s", name);
	dev_file(dev, file, path, sizeof(path));
	return rig_read_u64(path, value);
}

static int has_p2pmem(const struct rig_dev *dev)
{
	char path[128];

	dev_file(dev, "p2pmem", path, sizeof(path));
	return access(path, F_OK) == 0;
}

static void set_param(const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/p2prig/parameters/%s", name);
	rig_write(path, value);
}

static void default_params(void)
{
	set_param("bar", "-1");
	set_param("bar_offset", "0");
	set_param("bar_size", "0");
	set_param("bar_non_mappable", "0");
}

/* Kernel log records from now on, to look for messages and warnings. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * The next record in @rec (NUL-terminated), a warning counted in
 * @warnings; its length, or 0 when none is left. EPIPE: records were
 * overwritten before they were read, and reading goes on.
 */
static ssize_t kmsg_next(int fd, char *rec, size_t size, int *warnings)
{
	ssize_t n;

	do
		n = read(fd, rec, size - 1);
	while (n < 0 && errno == EPIPE);
	if (n <= 0)
		return 0;
	rec[n] = 0;
	if (strstr(rec, "WARNING:") || strstr(rec, "Call Trace") ||
	    strstr(rec, "BUG:"))
		(*warnings)++;
	return n;
}

/* Whether a record since kmsg_open() has @needle; count warnings too. */
static int kmsg_seen(int fd, const char *needle, int *warnings)
{
	char rec[2048];
	int found = 0;

	*warnings = 0;
	while (kmsg_next(fd, rec, sizeof(rec), warnings))
		if (strstr(rec, needle))
			found = 1;
	return found;
}

/*
 * The text of every record since kmsg_open() in @log, one a line (without
 * the record's prefix and its dictionary lines); warnings counted.
 */
static void kmsg_collect(int fd, char *log, size_t size, int *warnings)
{
	size_t used = 0, len;
	char rec[2048], *text;

	log[0] = 0;
	*warnings = 0;
	while (kmsg_next(fd, rec, sizeof(rec), warnings)) {
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		len = strcspn(text, "\n");
		if (used + len + 2 < size) {
			memcpy(log + used, text, len);
			used += len;
			log[used++] = '\n';
			log[used] = 0;
		}
	}
}

/* The line of @log that holds @needle, in @line; NULL when none does. */
static const char *log_line(const char *log, const char *needle, char *line,
			    size_t size)
{
	const char *at = strstr(log, needle), *start, *end;

	if (!at)
		return NULL;
	for (start = at; start > log && start[-1] != '\n'; start--)
		;
	end = strchr(at, '\n');
	if (!end)
		end = at + strlen(at);
	snprintf(line, size, "%.*s", (int)(end - start), start);
	return line;
}

static int bar_alloc(const struct rigdev *dev, const struct rig_dev *provider,
		     uint64_t size, struct p2prig_chunk_alloc *out)
{
	return rigdev_chunk_alloc(dev, P2PRIG_PROVIDER_BAR, &provider->addr,
				  size, out);
}

FIXTURE(bar) {
	struct rigdev dev;
	struct rig_dev ivshmem, edu, nvme, absent;
	uint64_t bar_start, bar_len, size;
	struct p2prig_chunk_alloc chunk;
	struct p2prig_info info;
	struct p2prig_probe probe;
	unsigned char out[2 * PIECE], in[2 * PIECE];
};

FIXTURE_SETUP(bar)
{
	int rc;

	self->dev.fd = -1;
	if (rig_find(0x1af4, 0x1110, 0, &self->ivshmem))
		SKIP(return, "no QEMU ivshmem-plain device");
	if (rig_find(RIG_EDU_VENDOR, RIG_EDU_DEVICE, 0, &self->edu))
		SKIP(return, "no QEMU edu device");
	if (rig_find(RIG_NVME_VENDOR, RIG_NVME_DEVICE, 0, &self->nvme))
		self->nvme.bdf[0] = 0;
	rig_absent(&self->absent);
	rig_fixture_open(_metadata, &self->dev, &self->info);
	ASSERT_NE(0u, self->info.provider_mask & (1u << P2PRIG_PROVIDER_BAR));

	ASSERT_EQ(0, rig_bar_extent(&self->ivshmem, IVSHMEM_BAR, &self->bar_start,
				    &self->bar_len));
	if (!rig_bound_to(&self->ivshmem, "p2prig_bar")) {
		default_params();
		ASSERT_EQ(0, rig_hand_over(&self->ivshmem, "p2prig_bar"))
			TH_LOG("%s not bound to p2prig_bar", self->ivshmem.bdf);
	}
	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "size", &self->size));
	rc = bar_alloc(&self->dev, &self->ivshmem, CHUNK, &self->chunk);
	ASSERT_EQ(0, rc) TH_LOG("256 KiB from %s: %s", self->ivshmem.bdf,
				strerror(-rc));
	ASSERT_EQ(0, rigdev_probe(&self->dev, self->chunk.handle,
				  P2PRIG_INITIATOR_EDU, &self->edu.addr, 0,
				  &self->probe));
}

/* Put back what an aborted test may have changed; ivshmem stays ours. */
FIXTURE_TEARDOWN(bar)
{
	rigdev_close(&self->dev);
	default_params();
	if (self->edu.bdf[0] && !rig_bound_to(&self->edu, "p2prig_edu"))
		rig_hand_over(&self->edu, NULL);
	if (self->ivshmem.bdf[0] && !rig_bound_to(&self->ivshmem, "p2prig_bar"))
		rig_hand_over(&self->ivshmem, "p2prig_bar");
}

static void expect_available(struct __test_metadata *_metadata,
			     FIXTURE_DATA(bar) * self, uint64_t taken)
{
	uint64_t avail = 0;

	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "available", &avail));
	EXPECT_EQ(self->size - taken, avail);
}

/* The whole BAR, published, and what CHUNK_ALLOC says about a chunk. */
TEST_F(bar, published)
{
	struct p2prig_chunk_alloc *c = &self->chunk;
	uint64_t published = 0;

	TH_LOG("%s BAR%d %#llx+%#llx; chunk phys %#llx bus %#llx; map type to edu %u, distance %d",
	       self->ivshmem.bdf, IVSHMEM_BAR,
	       (unsigned long long)self->bar_start,
	       (unsigned long long)self->bar_len,
	       (unsigned long long)c->phys_addr,
	       (unsigned long long)c->bus_addr, self->probe.map_type,
	       self->probe.p2p_distance);
	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "published", &published));
	EXPECT_EQ(1ull, published);
	EXPECT_EQ(self->bar_len, self->size);
	EXPECT_EQ(64 * MIB, self->size);
	expect_available(_metadata, self, CHUNK);

	EXPECT_EQ((__u32)IVSHMEM_BAR, c->bar);
	EXPECT_EQ(self->bar_start, c->bar_phys);
	EXPECT_EQ(self->bar_len, c->bar_size);
	EXPECT_LE(c->bar_phys, c->phys_addr);
	EXPECT_GE(c->bar_phys + c->bar_size, c->phys_addr + CHUNK);
	EXPECT_NE(0ull, c->bus_addr);

	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, c->handle));
	expect_available(_metadata, self, 0);
}

/* CPU access, checked against the BAR's own sysfs mapping. */
TEST_F(bar, chunk_io)
{
	uint64_t off = self->chunk.phys_addr - self->chunk.bar_phys;
	char path[128], name[16];
	unsigned char *bar;
	int rfd;

	rig_fill(self->out, sizeof(self->out), 1);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk.handle,
				     P2PRIG_IO_WRITE, CHUNK - sizeof(self->out),
				     self->out, sizeof(self->out)));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk.handle,
				     P2PRIG_IO_READ, CHUNK - sizeof(self->in),
				     self->in, sizeof(self->in)));
	EXPECT_EQ(0, memcmp(self->out, self->in, sizeof(self->in)));
	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, self->chunk.handle,
					   P2PRIG_IO_READ, CHUNK - 1, self->in,
					   2));

	/* The same bytes through resource2: the chunk is that BAR's memory. */
	snprintf(name, sizeof(name), "resource%d", IVSHMEM_BAR);
	dev_file(&self->ivshmem, name, path, sizeof(path));
	rfd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, rfd) TH_LOG("%s: %s", path, strerror(errno));
	bar = mmap(NULL, self->bar_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   rfd, 0);
	close(rfd);
	if (bar == MAP_FAILED) {
		/* p2prig_bar claims the BAR: busy, so exclusive under it. */
		TH_LOG("no cross-check: mmap %s: %s (CONFIG_IO_STRICT_DEVMEM or iomem=strict)",
		       path, strerror(errno));
		return;
	}
	EXPECT_EQ(0, memcmp(bar + off + CHUNK - sizeof(self->out), self->out,
			    sizeof(self->out)));
	rig_fill(self->out, PIECE, 2);
	memcpy(bar + off, self->out, PIECE);
	munmap(bar, self->bar_len);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, self->chunk.handle,
				     P2PRIG_IO_READ, 0, self->in, PIECE));
	EXPECT_EQ(0, memcmp(self->out, self->in, PIECE));
}

TEST_F(bar, alloc_bad_input)
{
	struct p2prig_chunk_alloc c, rest;

	/* Only a function bound to p2prig_bar lends a BAR. */
	EXPECT_EQ(-ENODEV, bar_alloc(&self->dev, &self->edu, CHUNK, &c));
	EXPECT_EQ(-ENODEV, bar_alloc(&self->dev, &self->absent, CHUNK, &c));
	if (self->nvme.bdf[0])
		EXPECT_EQ(-ENODEV, bar_alloc(&self->dev, &self->nvme, CHUNK, &c));
	/* ... and it is not an NVMe CMB. */
	EXPECT_EQ(-EOPNOTSUPP,
		  rigdev_chunk_alloc(&self->dev, P2PRIG_PROVIDER_NVME_CMB,
				     &self->ivshmem.addr, CHUNK, &c));

	EXPECT_EQ(-EINVAL, bar_alloc(&self->dev, &self->ivshmem, 4095, &c));
	EXPECT_EQ(-EINVAL, bar_alloc(&self->dev, &self->ivshmem,
				     P2PRIG_MAX_BAR_CHUNK_SIZE + 4096, &c));
	/* More than the BAR has, then all it has left, then a page more. */
	EXPECT_EQ(-ENOMEM, bar_alloc(&self->dev, &self->ivshmem,
				     self->size + 4096, &c));
	ASSERT_EQ(0, bar_alloc(&self->dev, &self->ivshmem, self->size - CHUNK,
			       &rest));
	expect_available(_metadata, self, self->size);
	EXPECT_EQ(-ENOMEM, bar_alloc(&self->dev, &self->ivshmem, 4096, &c));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, rest.handle));
	expect_available(_metadata, self, CHUNK);
}

TEST_F(bar, probe)
{
	struct p2prig_probe probe;

	TH_LOG("map type %u distance %d dma %#llx", self->probe.map_type,
	       self->probe.p2p_distance,
	       (unsigned long long)self->probe.dma_addr);
	ASSERT_LT(0u, self->probe.map_type);
	ASSERT_GT((__u32)P2PRIG_MAP_TYPE_MAX, self->probe.map_type);
	EXPECT_EQ(self->probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED,
		  self->probe.p2p_distance < 0);
	if (self->probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR)
		EXPECT_EQ(self->chunk.bus_addr, self->probe.dma_addr);
	ASSERT_EQ(0, rigdev_probe(&self->dev, self->chunk.handle,
				  P2PRIG_INITIATOR_EDU, &self->edu.addr,
				  CHUNK - 4096, &probe));
	EXPECT_EQ(self->probe.map_type, probe.map_type);
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, self->chunk.handle,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					CHUNK, &probe));
	EXPECT_EQ(-ENODEV, rigdev_probe(&self->dev, self->chunk.handle,
					P2PRIG_INITIATOR_EDU,
					&self->absent.addr, 0, &probe));
}

/*
 * Map the whole chunk for edu by one method; move two pieces each way
 * where QEMU can deliver them, and check every byte through the CPU.
 */
/* The methods that map through the host bridge whatever p2pdma decided. */
static int method_is_host(uint32_t method)
{
	return method == P2PRIG_METHOD_MMIO_HOST ||
	       method == P2PRIG_METHOD_RESOURCE_HOST ||
	       method == P2PRIG_METHOD_IOVA_LINK_HOST;
}

static void map_and_move(struct __test_metadata *_metadata,
			 FIXTURE_DATA(bar) * self, uint32_t method)
{
	uint32_t chunk = self->chunk.handle;
	struct p2prig_map m;
	const char *why;
	int rc;

	if (!(self->info.method_mask & (1u << method)))
		SKIP(return, "method %u: not in this kernel", method);

	rc = rigdev_map(&self->dev, chunk, method, P2PRIG_INITIATOR_EDU,
			&self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL, 0, CHUNK,
			&m);
	TH_LOG("method %u, map type %u: map %s, dma %#llx, flags %#x, distance %d, %llu ns",
	       method, self->probe.map_type, strerror(-rc),
	       (unsigned long long)m.dma_addr, m.flags, m.p2p_distance,
	       (unsigned long long)m.map_ns);
	if (self->probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED) {
		EXPECT_EQ(-EREMOTEIO, rc);
		return;
	}
	if (rc == -EIO && method != P2PRIG_METHOD_P2P_PAGE && rig_swiotlb_forced())
		SKIP(return, "method %u: the DMA layer refuses MMIO under swiotlb=force",
		     method);
	ASSERT_EQ(0, rc);
	EXPECT_NE(0ull, m.dma_addr);
	EXPECT_EQ(0u, m.flags & P2PRIG_MAP_F_BOUNCED);
	/* The kernel's rule: a BUS_ADDR pair gets the bus address (uAPI 8). */
	EXPECT_EQ(self->probe.map_type, m.map_type);
	if (!method_is_host(method)) {
		EXPECT_EQ(self->probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR,
			  !!(m.flags & P2PRIG_MAP_F_BUS_ADDR));
		EXPECT_EQ(self->probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR,
			  m.route == P2PRIG_ROUTE_BUS_ADDR);
	} else if (!(m.flags & P2PRIG_MAP_F_DIRECT)) {
		EXPECT_EQ(0u, m.flags & P2PRIG_MAP_F_BUS_ADDR)
			TH_LOG("behind a translating IOMMU this is an IOVA");
	}

	why = rig_no_data_reason(m.flags);
	if (why) {
		TH_LOG("method %u: no data movement: %s", method, why);
		TH_LOG("bytes move with --config vlab-switch-iommu-pt");
	} else {
		/* edu -> BAR, checked through the CPU. */
		rig_fill(self->out, sizeof(self->out), 10 + method);
		ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle,
					 P2PRIG_XFER_TO_PEER, 8192, self->out,
					 PIECE, NULL));
		ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle,
					 P2PRIG_XFER_TO_PEER, 8192 + PIECE,
					 self->out + PIECE, PIECE, NULL));
		ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_READ,
					     8192, self->in, sizeof(self->in)));
		EXPECT_EQ(0, memcmp(self->out, self->in, sizeof(self->in)));

		/* BAR -> edu, seeded through the CPU; odd offset and length. */
		rig_fill(self->out, sizeof(self->out), 20 + method);
		ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_WRITE,
					     CHUNK - 3001, self->out, 3001));
		memset(self->in, 0, sizeof(self->in));
		ASSERT_EQ(0, rigdev_xfer(&self->dev, m.handle,
					 P2PRIG_XFER_FROM_PEER, CHUNK - 3001,
					 self->in, 3001, NULL));
		EXPECT_EQ(0, memcmp(self->out, self->in, 3001));
	}

	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, chunk));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, chunk));
	expect_available(_metadata, self, 0);
}

/* RAM's page method is not for a BAR. */
TEST_F(bar, map_page_refused)
{
	struct p2prig_map m;

	EXPECT_EQ(-EINVAL, rigdev_map(&self->dev, self->chunk.handle,
				      P2PRIG_METHOD_PAGE, P2PRIG_INITIATOR_EDU,
				      &self->edu.addr, 0, 0, CHUNK, &m));
}

static void expect_balanced(struct __test_metadata *_metadata,
			    const struct rigdev *dev, int dbuf,
			    uint64_t imports)
{
	struct p2prig_export_stats st;

	ASSERT_EQ(0, rigdev_export_stats(dev, dbuf, &st));
	EXPECT_EQ(imports, st.attaches);
	EXPECT_EQ(st.attaches, st.detaches);
	EXPECT_EQ(imports, st.maps);
	EXPECT_EQ(st.maps, st.unmaps);
	EXPECT_EQ(0u, st.live_maps);
	EXPECT_EQ(0ull, st.map_failed);
}

/*
 * Export 128 KiB at 64 KiB of the chunk by one method, import it for edu,
 * move bytes both ways through the import where QEMU can deliver them.
 */
static void export_import_move(struct __test_metadata *_metadata,
			       FIXTURE_DATA(bar) * self, uint32_t method)
{
	const uint64_t eoff = 64 << 10, elen = 128 << 10;
	uint32_t chunk = self->chunk.handle;
	struct p2prig_import imp;
	int dbuf;

	if (!(self->info.export_method_mask & (1u << method)))
		SKIP(return, "export method %u: not in this kernel or module",
		     method);

	ASSERT_EQ(0, rigdev_export(&self->dev, chunk, method, eoff, elen,
				   &dbuf));
	EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, chunk));
	if (rig_fixture_import(_metadata, &self->dev, &self->edu, dbuf, method,
			       self->probe.map_type, elen,
			       &imp) != RIG_IMPORTED) {
		close(dbuf);
		return;
	}
	/* The kernel's rule (phys-vec by the BAR's p2pdma provider): BUS_ADDR. */
	if (method != P2PRIG_EXPORT_MMIO_HOST &&
	    method != P2PRIG_EXPORT_RESOURCE_HOST &&
	    self->probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR) {
		EXPECT_NE(0u, imp.flags & P2PRIG_MAP_F_BUS_ADDR);
		EXPECT_EQ(self->chunk.bus_addr + eoff, imp.dma_addr);
	}

	rig_fixture_move_import(_metadata, &self->dev, &imp, chunk, eoff, elen,
				method, self->out, self->in);

	EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	expect_balanced(_metadata, &self->dev, dbuf, 1);
	close(dbuf);
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, chunk));
	expect_available(_metadata, self, 0);
}

/*
 * The data path by each method, mapped or exported and imported: bar's
 * fixture under the name of what varies, so that its variants leave bar's
 * other tests run once.
 */
FIXTURE(bar_method) {
	FIXTURE_DATA(bar) bar;
};

FIXTURE_VARIANT(bar_method) {
	void (*move)(struct __test_metadata *_metadata,
		     FIXTURE_DATA(bar) * self, uint32_t method);
	uint32_t method;	/* of enum p2prig_method or p2prig_export_method */
};

FIXTURE_VARIANT_ADD(bar_method, map_mmio) { map_and_move, P2PRIG_METHOD_MMIO };
FIXTURE_VARIANT_ADD(bar_method, map_resource) { map_and_move, P2PRIG_METHOD_RESOURCE };
FIXTURE_VARIANT_ADD(bar_method, map_mmio_host) { map_and_move, P2PRIG_METHOD_MMIO_HOST };
FIXTURE_VARIANT_ADD(bar_method, map_resource_host) { map_and_move, P2PRIG_METHOD_RESOURCE_HOST };
FIXTURE_VARIANT_ADD(bar_method, map_p2p_page) { map_and_move, P2PRIG_METHOD_P2P_PAGE };
FIXTURE_VARIANT_ADD(bar_method, export_mmio) { export_import_move, P2PRIG_EXPORT_MMIO };
FIXTURE_VARIANT_ADD(bar_method, export_resource) { export_import_move, P2PRIG_EXPORT_RESOURCE };
FIXTURE_VARIANT_ADD(bar_method, export_mmio_host) { export_import_move, P2PRIG_EXPORT_MMIO_HOST };
FIXTURE_VARIANT_ADD(bar_method, export_phys_vec) { export_import_move, P2PRIG_EXPORT_PHYS_VEC };
FIXTURE_VARIANT_ADD(bar_method, export_resource_host) {
	export_import_move, P2PRIG_EXPORT_RESOURCE_HOST
};

FIXTURE_SETUP(bar_method)
{
	bar_setup(_metadata, &self->bar, NULL);
}

FIXTURE_TEARDOWN(bar_method)
{
	bar_teardown(_metadata, &self->bar, NULL);
}

TEST_F(bar_method, move)
{
	variant->move(_metadata, &self->bar, variant->method);
}

/* Closing a file gives its memory back; a dma-buf keeps its chunk. */
TEST_F(bar, close_releases)
{
	struct p2prig_chunk_alloc a, b;
	struct p2prig_map m;
	struct rigdev dev2;
	int dbuf = -1;

	ASSERT_EQ(0, rigdev_open(&dev2, P2PRIG_DEVICE_PATH));
	ASSERT_EQ(0, bar_alloc(&dev2, &self->ivshmem, 4 * MIB, &a));
	ASSERT_EQ(0, bar_alloc(&dev2, &self->ivshmem, 2 * MIB, &b));
	if (self->probe.map_type != P2PRIG_MAP_TYPE_NOT_SUPPORTED)
		ASSERT_EQ(0, rigdev_map(&dev2, a.handle, P2PRIG_METHOD_RESOURCE,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					0, 0, 4 * MIB, &m));
	if (self->info.export_method_mask & (1u << P2PRIG_EXPORT_RESOURCE))
		ASSERT_EQ(0, rigdev_export(&dev2, b.handle,
					   P2PRIG_EXPORT_RESOURCE, 0, 2 * MIB,
					   &dbuf));
	expect_available(_metadata, self, CHUNK + 6 * MIB);
	rigdev_close(&dev2);
	expect_available(_metadata, self, CHUNK + (dbuf >= 0 ? 2 * MIB : 0));
	if (dbuf >= 0)
		close(dbuf);
	/* The dma-buf's release runs deferred, from its last fput(). */
	usleep(100 * 1000);
	expect_available(_metadata, self, CHUNK);
}

/*
 * Unbinding the BAR from p2prig_bar revokes its chunks, their mappings and
 * their dma-bufs; the BAR comes back whole when bound again.
 */
TEST_F_TIMEOUT(bar, unbind_revokes, 120)
{
	struct p2prig_export_stats st;
	struct p2prig_chunk_alloc orphan, again;
	struct p2prig_import imp;
	struct p2prig_map m;
	struct rigdev dev2;
	int dbuf = -1, obuf = -1, kmsg, warnings, rc;
	uint32_t chunk = self->chunk.handle;
	int path = self->probe.map_type != P2PRIG_MAP_TYPE_NOT_SUPPORTED;

	if (path)
		ASSERT_EQ(0, rigdev_map(&self->dev, chunk,
					P2PRIG_METHOD_RESOURCE,
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					0, 0, CHUNK, &m));
	if (self->info.export_method_mask & (1u << P2PRIG_EXPORT_RESOURCE)) {
		ASSERT_EQ(0, rigdev_export(&self->dev, chunk,
					   P2PRIG_EXPORT_RESOURCE, 0, 65536,
					   &dbuf));
		if (path)
			ASSERT_EQ(0, rig_import_edu(&self->dev, dbuf, &self->edu, &imp));
		/* A chunk only a dma-buf holds, its file closed. */
		ASSERT_EQ(0, rigdev_open(&dev2, P2PRIG_DEVICE_PATH));
		ASSERT_EQ(0, bar_alloc(&dev2, &self->ivshmem, MIB, &orphan));
		ASSERT_EQ(0, rigdev_export(&dev2, orphan.handle,
					   P2PRIG_EXPORT_RESOURCE, 0, MIB,
					   &obuf));
		rigdev_close(&dev2);
	}

	kmsg = kmsg_open();
	ASSERT_EQ(0, rig_driver(&self->ivshmem, "p2prig_bar", 0));
	EXPECT_FALSE(has_p2pmem(&self->ivshmem));

	if (path) {
		EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, m.handle,
					       P2PRIG_XFER_TO_PEER, 0,
					       self->out, 16, NULL));
	}
	EXPECT_EQ(-ENODEV, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_READ, 0,
					   self->in, 16));
	EXPECT_EQ(-ENODEV, rigdev_probe(&self->dev, chunk, P2PRIG_INITIATOR_EDU,
					&self->edu.addr, 0, &self->probe));
	EXPECT_EQ(-ENODEV, bar_alloc(&self->dev, &self->ivshmem, CHUNK, &again));
	if (dbuf >= 0) {
		if (path) {
			EXPECT_EQ(-ENODEV, rigdev_xfer(&self->dev, imp.handle,
						       P2PRIG_XFER_FROM_PEER, 0,
						       self->in, 16, NULL));
			EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, imp.handle,
							NULL));
		}
		ASSERT_EQ(0, rigdev_export_stats(&self->dev, dbuf, &st));
		EXPECT_EQ(1u, st.revoked);
		EXPECT_EQ((uint64_t)path, st.revocations);
		EXPECT_EQ(0u, st.live_maps);
		ASSERT_EQ(0, rigdev_export_stats(&self->dev, obuf, &st));
		EXPECT_EQ(1u, st.revoked);
		EXPECT_EQ(-ENODEV, rig_import_edu(&self->dev, obuf, &self->edu, &imp));
		close(dbuf);
		close(obuf);
	}
	/* Handles stay until released, and say what happened. */
	if (path) {
		EXPECT_EQ(-EBUSY, rigdev_chunk_free(&self->dev, chunk));
		EXPECT_EQ(-ENODEV, rigdev_unmap(&self->dev, m.handle, NULL));
	}
	EXPECT_EQ(-ENODEV, rigdev_chunk_free(&self->dev, chunk));
	if (kmsg >= 0) {
		EXPECT_EQ(1, kmsg_seen(kmsg, "unpublished, unbinding",
				       &warnings));
		EXPECT_EQ(0, warnings);
		close(kmsg);
	}

	/* Bound again: a fresh pool, the whole BAR available, usable. */
	ASSERT_EQ(0, rig_driver(&self->ivshmem, "p2prig_bar", 1));
	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "size", &self->size));
	EXPECT_EQ(self->bar_len, self->size);
	expect_available(_metadata, self, 0);
	rc = bar_alloc(&self->dev, &self->ivshmem, CHUNK, &again);
	ASSERT_EQ(0, rc) TH_LOG("after rebind: %s", strerror(-rc));
	rig_fill(self->out, 64, 7);
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, again.handle, P2PRIG_IO_WRITE,
				     0, self->out, 64));
	ASSERT_EQ(0, rigdev_chunk_io(&self->dev, again.handle, P2PRIG_IO_READ,
				     0, self->in, 64));
	EXPECT_EQ(0, memcmp(self->out, self->in, 64));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, again.handle));
	expect_available(_metadata, self, 0);
}

/* Hand @dev to p2prig_bar, expecting probe to refuse it with @message. */
static void expect_refused(struct __test_metadata *_metadata,
			   const struct rig_dev *dev, const char *message)
{
	int kmsg = kmsg_open(), warnings = 0;

	EXPECT_EQ(-ENODEV, rig_hand_over(dev, "p2prig_bar"));
	EXPECT_FALSE(rig_bound_to(dev, "p2prig_bar"));
	EXPECT_FALSE(has_p2pmem(dev));
	if (kmsg >= 0) {
		EXPECT_EQ(1, kmsg_seen(kmsg, message, &warnings))
			TH_LOG("%s: no \"%s\" in the kernel log", dev->bdf,
			       message);
		EXPECT_EQ(0, warnings);
		close(kmsg);
	}
}

/*
 * Probe refuses what p2pdma cannot take, without a warning: a device
 * without a memory BAR of 2 MiB (edu), a BAR too small or absent, a
 * misaligned window. A window that fits is all that gets published.
 */
TEST_F_TIMEOUT(bar, bind_rules, 120)
{
	struct p2prig_chunk_alloc c;
	uint64_t size;

	/* edu: one 1 MiB memory BAR. It goes back to p2prig_edu after. */
	expect_refused(_metadata, &self->edu, "no memory BAR of at least");
	EXPECT_EQ(0, rig_hand_over(&self->edu, NULL));
	EXPECT_TRUE(rig_bound_to(&self->edu, "p2prig_edu"));

	ASSERT_EQ(0, rigdev_chunk_free(&self->dev, self->chunk.handle));
	ASSERT_EQ(0, rig_driver(&self->ivshmem, "p2prig_bar", 0));

	set_param("bar", "0");		/* ivshmem's 256-byte registers */
	expect_refused(_metadata, &self->ivshmem, "is not aligned to");
	set_param("bar", "3");		/* the upper half of 64-bit BAR2 */
	expect_refused(_metadata, &self->ivshmem, "not an assigned memory BAR");
	set_param("bar", "6");
	expect_refused(_metadata, &self->ivshmem, "no such BAR");
	set_param("bar", "2");
	set_param("bar_offset", "4096");
	expect_refused(_metadata, &self->ivshmem, "is not aligned to");
	set_param("bar_offset", "0");
	set_param("bar_size", "134217728");
	expect_refused(_metadata, &self->ivshmem, "lies outside BAR2");

	/* A 16 MiB window at 32 MiB: only that is p2pmem. */
	set_param("bar_offset", "33554432");
	set_param("bar_size", "16777216");
	ASSERT_EQ(0, rig_hand_over(&self->ivshmem, "p2prig_bar"));
	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "size", &size));
	EXPECT_EQ(16 * MIB, size);
	ASSERT_EQ(0, bar_alloc(&self->dev, &self->ivshmem, 16 * MIB, &c));
	EXPECT_EQ(self->bar_start + 32 * MIB, c.phys_addr);
	EXPECT_EQ((__u32)IVSHMEM_BAR, c.bar);
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, c.handle));
	ASSERT_EQ(0, rig_driver(&self->ivshmem, "p2prig_bar", 0));

	/* Defaults again: all of BAR2. */
	default_params();
	ASSERT_EQ(0, rig_hand_over(&self->ivshmem, "p2prig_bar"));
	ASSERT_EQ(0, p2pmem_read(&self->ivshmem, "size", &size));
	EXPECT_EQ(self->bar_len, size);
}

/*
 * A function whose BARs the kernel marks as mappable by nobody, neither
 * the CPU nor peers (pdev->non_mappable_bars: on s390 the quirk for IBM's
 * ISM devices). p2pdma must not set itself up for it: since 951ebc18d181
 * ("PCI/P2PDMA: Avoid returning a provider for non_mappable_bars")
 * pcim_p2pdma_init() refuses it with -EOPNOTSUPP, before any provider
 * exists. QEMU has no such device, so bar_non_mappable=1 has p2prig_bar
 * mark ivshmem as the quirk would, ask p2pdma for BAR2's provider and fail
 * probe, saying what p2pdma answered; the BAR is never registered, claimed
 * or mapped. A kernel without the fix hands out a provider.
 */
TEST_F_TIMEOUT(bar, non_mappable_refused, 120)
{
	static char log[65536];
	char refused[128], line[512];
	int kmsg, warnings = 0;

	ASSERT_EQ(0, rigdev_chunk_free(&self->dev, self->chunk.handle));
	ASSERT_EQ(0, rig_driver(&self->ivshmem, "p2prig_bar", 0));
	set_param("bar_non_mappable", "1");
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-ENODEV, rig_hand_over(&self->ivshmem, "p2prig_bar"));
	set_param("bar_non_mappable", "0");
	EXPECT_FALSE(has_p2pmem(&self->ivshmem));
	kmsg_collect(kmsg, log, sizeof(log), &warnings);
	close(kmsg);
	EXPECT_EQ(0, warnings);

	/* ivshmem back to p2prig_bar, whole, as the other tests leave it. */
	ASSERT_EQ(0, rig_hand_over(&self->ivshmem, "p2prig_bar"));
	ASSERT_TRUE(has_p2pmem(&self->ivshmem));

	if (strstr(log, "no p2pdma provider to ask"))
		SKIP(return, "this kernel has no non_mappable_bars or no pcim_p2pdma_provider()");
	EXPECT_FALSE(!!log_line(log, "p2pdma handed out a provider", line,
				sizeof(line)))
		TH_LOG("the kernel lacks 951ebc18d181: %s", line);
	snprintf(refused, sizeof(refused),
		 "p2pdma refused a device with non_mappable_bars: %d",
		 -EOPNOTSUPP);
	EXPECT_TRUE(!!strstr(log, refused))
		TH_LOG("no \"%s\" in the kernel log:\n%s", refused, log);
}

TEST_HARNESS_MAIN
