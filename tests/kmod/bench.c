// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko's MAP_BENCH, on the kernel's kselftest harness: every method
 * times its map and unmap calls on nvme CMB memory (page on a RAM chunk)
 * with figures that hold together; iova-link maps where the initiator's
 * IOMMU translates and says -EOPNOTSUPP where it does not; a timed run
 * stops near its duration, a killed caller stops it, the chunk outlives a
 * CHUNK_FREE sent mid-run, and every malformed field is -EINVAL.
 * The figures are printed, never held to a time limit.
 * Runs in the virtual lab (nvme with a CMB, edu) with the module loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define CHUNK		(2u << 20)
#define RAM_CHUNK	(256u << 10)
#define GRANULE		(64u << 10)
#define ITERATIONS	200u

FIXTURE(bench) {
	struct rigdev dev;
	struct rig_dev nvme, edu, absent;
	struct p2prig_info info;
	uint32_t cmb, ram;
};

FIXTURE_SETUP(bench)
{
	if (!rig_fixture_setup(_metadata, &self->dev, &self->nvme, &self->edu,
			       &self->info))
		return;
	rig_absent(&self->absent);
	rig_fixture_chunk(_metadata, &self->dev, P2PRIG_PROVIDER_NVME_CMB,
			  &self->nvme, CHUNK, &self->cmb);
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      RAM_CHUNK, &self->ram));
}

FIXTURE_TEARDOWN(bench)
{
	rigdev_close(&self->dev);
}

static void bench_arg(struct p2prig_map_bench *arg, uint32_t chunk,
		      uint32_t method, const struct rig_dev *initiator)
{
	memset(arg, 0, sizeof(*arg));
	arg->chunk = chunk;
	arg->method = method;
	arg->initiator = P2PRIG_INITIATOR_EDU;
	arg->dir = P2PRIG_DIR_BIDIRECTIONAL;
	arg->pci = initiator->addr;
	arg->granule = GRANULE;
	arg->iterations = ITERATIONS;
	arg->threads = 1;
}

/* The figures of one kind of call hold together, and n is as expected. */
static void check_stats(struct __test_metadata *_metadata, const char *what,
			const struct p2prig_bench_stats *s, uint64_t n)
{
	EXPECT_EQ(n, s->n) TH_LOG("%s: n", what);
	EXPECT_LE(s->min_ns, s->p50_ns) TH_LOG("%s: min <= p50", what);
	EXPECT_LE(s->p50_ns, s->p99_ns) TH_LOG("%s: p50 <= p99", what);
	EXPECT_LE(s->p99_ns, s->max_ns) TH_LOG("%s: p99 <= max", what);
	EXPECT_LE(s->min_ns, s->mean_ns) TH_LOG("%s: min <= mean", what);
	EXPECT_LE(s->mean_ns, s->max_ns) TH_LOG("%s: mean <= max", what);
	EXPECT_LE(s->stddev_ns, s->max_ns - s->min_ns)
		TH_LOG("%s: stddev within the range", what);
	EXPECT_EQ(0ull, s->reserved[0] | s->reserved[1]);
}

static void log_figures(struct __test_metadata *_metadata, const char *name,
			const struct p2prig_map_bench *arg)
{
	TH_LOG("%s granule %llu x%u: map mean %llu ns sd %llu p50 %llu p99 %llu;"
	       " unmap mean %llu ns sd %llu; n %llu", name,
	       (unsigned long long)arg->granule, arg->threads,
	       (unsigned long long)arg->map.mean_ns,
	       (unsigned long long)arg->map.stddev_ns,
	       (unsigned long long)arg->map.p50_ns,
	       (unsigned long long)arg->map.p99_ns,
	       (unsigned long long)arg->unmap.mean_ns,
	       (unsigned long long)arg->unmap.stddev_ns,
	       (unsigned long long)arg->map.n);
}

/* One method, one thread, ITERATIONS calls: everything timed. */
static void bench_method(struct __test_metadata *_metadata,
			 FIXTURE_DATA(bench) * self, uint32_t method)
{
	uint32_t chunk = method == P2PRIG_METHOD_PAGE ? self->ram : self->cmb;
	struct p2prig_map_bench arg;
	int rc;

	if (!(self->info.method_mask & (1u << method)))
		SKIP(return, "%s: not in this kernel", rig_method_name(method));
	bench_arg(&arg, chunk, method, &self->edu);
	rc = rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg);
	ASSERT_EQ(0, rc) TH_LOG("%s: %s", rig_method_name(method), strerror(-rc));
	ASSERT_EQ(0, arg.first_error) TH_LOG("%s: first map: %s",
					     rig_method_name(method),
					     strerror(-arg.first_error));
	EXPECT_EQ(0u, arg.interrupted);
	check_stats(_metadata, "map", &arg.map, ITERATIONS);
	check_stats(_metadata, "unmap", &arg.unmap, ITERATIONS);
	EXPECT_LT(0ull, arg.elapsed_ns);
	log_figures(_metadata, rig_method_name(method), &arg);
}

TEST_F(bench, mmio)
{
	bench_method(_metadata, self, P2PRIG_METHOD_MMIO);
}

TEST_F(bench, resource)
{
	bench_method(_metadata, self, P2PRIG_METHOD_RESOURCE);
}

TEST_F(bench, mmio_host)
{
	bench_method(_metadata, self, P2PRIG_METHOD_MMIO_HOST);
}

TEST_F(bench, resource_host)
{
	bench_method(_metadata, self, P2PRIG_METHOD_RESOURCE_HOST);
}

/*
 * The route MAP_BENCH reports (uAPI 8): the kernel's rule for mmio (the
 * bus address of a BUS_ADDR pair, no DMA-layer call), the host bridge for
 * mmio-host, and the map type p2pdma decided for both.
 */
TEST_F(bench, route)
{
	struct p2prig_map_bench arg;
	struct p2prig_probe probe;

	if (!(self->info.method_mask & (1u << P2PRIG_METHOD_MMIO)))
		SKIP(return, "mmio: not in this kernel");
	ASSERT_EQ(0, rigdev_probe(&self->dev, self->cmb, P2PRIG_INITIATOR_EDU,
				  &self->edu.addr, 0, &probe));
	if (probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED)
		SKIP(return, "p2pdma finds no path from edu to the CMB");
	bench_arg(&arg, self->cmb, P2PRIG_METHOD_MMIO, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ(probe.map_type, arg.map_type);
	EXPECT_EQ(probe.map_type == P2PRIG_MAP_TYPE_BUS_ADDR ?
		  (uint32_t)P2PRIG_ROUTE_BUS_ADDR :
		  (uint32_t)P2PRIG_ROUTE_HOST_BRIDGE, arg.route);
	bench_arg(&arg, self->cmb, P2PRIG_METHOD_MMIO_HOST, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ(probe.map_type, arg.map_type);
	EXPECT_EQ((uint32_t)P2PRIG_ROUTE_HOST_BRIDGE, arg.route);
	bench_arg(&arg, self->ram, P2PRIG_METHOD_PAGE, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ((uint32_t)P2PRIG_MAP_TYPE_UNKNOWN, arg.map_type);
	EXPECT_EQ((uint32_t)P2PRIG_ROUTE_NONE, arg.route);
}

TEST_F(bench, p2p_page)
{
	struct p2prig_probe probe;

	ASSERT_EQ(0, rigdev_probe(&self->dev, self->cmb, P2PRIG_INITIATOR_EDU,
				  &self->edu.addr, 0, &probe));
	if (probe.map_type == P2PRIG_MAP_TYPE_NOT_SUPPORTED)
		SKIP(return, "p2pdma finds no path from edu to the CMB");
	bench_method(_metadata, self, P2PRIG_METHOD_P2P_PAGE);
}

TEST_F(bench, page_on_ram)
{
	bench_method(_metadata, self, P2PRIG_METHOD_PAGE);
}

/*
 * Translated: timed like the others. Passthrough: iova-link-host refused,
 * nothing timed; iova-link too, unless p2pdma says BUS_ADDR (then the
 * kernel's rule hands out the bus address, no IOVA needed).
 */
TEST_F(bench, iova_link)
{
	struct p2prig_map_bench arg;

	if (rig_iommu_translates(&self->edu)) {
		bench_method(_metadata, self, P2PRIG_METHOD_IOVA_LINK);
		return;
	}
	if (!(self->info.method_mask & (1u << P2PRIG_METHOD_IOVA_LINK)))
		SKIP(return, "iova-link: not in this kernel");
	bench_arg(&arg, self->cmb, P2PRIG_METHOD_IOVA_LINK, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	if (arg.route == P2PRIG_ROUTE_BUS_ADDR) {
		EXPECT_EQ(0, arg.first_error);
		EXPECT_EQ(ITERATIONS, arg.map.n);
	} else {
		EXPECT_EQ(-EOPNOTSUPP, arg.first_error);
	}
	bench_arg(&arg, self->cmb, P2PRIG_METHOD_IOVA_LINK_HOST, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ(-EOPNOTSUPP, arg.first_error);
	EXPECT_EQ(0ull, arg.map.n);
	EXPECT_EQ(0ull, arg.unmap.n);
	TH_LOG("iova-link without a translating IOMMU: %s",
	       strerror(-arg.first_error));
}

TEST_F(bench, four_threads_and_largest_granule)
{
	struct p2prig_map_bench arg;

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	arg.threads = 4;
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	ASSERT_EQ(0, arg.first_error);
	check_stats(_metadata, "map", &arg.map, 4 * ITERATIONS);
	check_stats(_metadata, "unmap", &arg.unmap, 4 * ITERATIONS);
	log_figures(_metadata, "resource", &arg);

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	arg.granule = CHUNK;
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	ASSERT_EQ(0, arg.first_error);
	check_stats(_metadata, "map", &arg.map, ITERATIONS);
	log_figures(_metadata, "resource", &arg);
}

/* A timed run ends near its duration; the count is whatever fitted. */
TEST_F(bench, duration)
{
	struct p2prig_map_bench arg;

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	arg.iterations = 0;
	arg.duration_ms = 200;
	arg.threads = 2;
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	ASSERT_EQ(0, arg.first_error);
	EXPECT_LT(0ull, arg.map.n);
	EXPECT_EQ(arg.map.n, arg.unmap.n);
	check_stats(_metadata, "map", &arg.map, arg.map.n);
	EXPECT_LE(200ull * 1000000, arg.elapsed_ns);
	/* Generous: a loaded host may delay the threads, never by seconds. */
	EXPECT_GT(3000ull * 1000000, arg.elapsed_ns);
	TH_LOG("200 ms asked, %llu ms taken, %llu calls",
	       (unsigned long long)arg.elapsed_ns / 1000000,
	       (unsigned long long)arg.map.n);
}

/* SIGKILL ends a long run at once; the module carries on. */
TEST_F(bench, killed_caller_stops_the_run)
{
	struct p2prig_map_bench arg;
	double start;
	int status;
	pid_t pid;

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	arg.iterations = 0;
	arg.duration_ms = 20000;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg);
		_exit(0);
	}
	usleep(200 * 1000);
	start = rig_now_s();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_GT(5.0, rig_now_s() - start) TH_LOG("the run outlived SIGKILL");

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ(0, arg.first_error);
	EXPECT_EQ((uint64_t)ITERATIONS, arg.map.n);
}

/* CHUNK_FREE sent mid-run waits for the run, which keeps its memory. */
TEST_F(bench, chunk_free_mid_run)
{
	struct p2prig_map_bench arg;
	int status;
	pid_t pid;

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_MMIO, &self->edu);
	if (!(self->info.method_mask & (1u << P2PRIG_METHOD_MMIO)))
		arg.method = P2PRIG_METHOD_RESOURCE;
	arg.iterations = 0;
	arg.duration_ms = 500;
	arg.threads = 2;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The same open file: the same handle. */
		usleep(100 * 1000);
		_exit(rigdev_chunk_free(&self->dev, self->cmb) == 0 ? 0 : 1);
	}
	ASSERT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH, &arg));
	EXPECT_EQ(0, arg.first_error);
	EXPECT_LT(0ull, arg.map.n);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("CHUNK_FREE after the run");
	EXPECT_EQ(-EINVAL, rigdev_chunk_free(&self->dev, self->cmb));
}

/* Each malformed field alone is -EINVAL; the rest of the call is good. */
TEST_F(bench, bad_input)
{
	struct p2prig_map_bench arg;

#define BAD(field, value)						\
	do {								\
		bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE,	\
			  &self->edu);					\
		arg.field = value;					\
		EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev,		\
						P2PRIG_IOC_MAP_BENCH,	\
						&arg))			\
			TH_LOG(#field " = " #value);			\
	} while (0)

	BAD(reserved[0], 1);
	BAD(reserved[2], 1);
	BAD(pci.reserved, 1);
	BAD(granule, 0);
	BAD(granule, 2048);
	BAD(granule, 6000);
	BAD(granule, 4u << 20);
	BAD(threads, 0);
	BAD(threads, P2PRIG_BENCH_MAX_THREADS + 1);
	BAD(iterations, 0);
	BAD(duration_ms, 100);
	BAD(iterations, P2PRIG_BENCH_MAX_ITERATIONS + 1);
	BAD(method, P2PRIG_METHOD_MAX);
	BAD(method, P2PRIG_METHOD_PAGE);
	BAD(initiator, P2PRIG_INITIATOR_MAX);
	BAD(dir, P2PRIG_DIR_MAX);
	BAD(chunk, self->cmb + 1000);
	BAD(chunk, self->ram);
	BAD(chunk, 0);

	/* Timed runs: beyond the limit, and a granule beyond the chunk. */
	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->edu);
	arg.iterations = 0;
	arg.duration_ms = P2PRIG_BENCH_MAX_MS + 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					&arg));
	bench_arg(&arg, self->ram, P2PRIG_METHOD_PAGE, &self->edu);
	arg.granule = 2u * RAM_CHUNK;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					&arg));

	bench_arg(&arg, self->cmb, P2PRIG_METHOD_RESOURCE, &self->absent);
	EXPECT_EQ(-ENODEV, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					&arg));
	EXPECT_EQ(-EFAULT, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					(void *)8));
#undef BAD
}

TEST_HARNESS_MAIN
