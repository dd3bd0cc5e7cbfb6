// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko's uAPI under a fuzzer, on the kernel's kselftest harness, in
 * the virtual lab (nvme with a CMB, edu) with the module loaded.
 *
 * First what must hold whatever the input: a process that is not root
 * cannot open the device; no call reaches memory outside a chunk it names
 * (every range that leaves a chunk, a mapping or a dma-buf is refused, and
 * memory next to it keeps its bytes); a handle of one file means nothing
 * to another; an fd that is no dma-buf, or none at all, is refused.
 *
 * Then the fuzzer (fuzz_*.c): by default 100000 ioctls, random and at the
 * boundaries, from one thread and then from seven at once (four sharing a
 * file that one of them replaces mid-use), each answer judged against the
 * errnos its ioctl may return; then everything must be released, and the
 * kernel log must say nothing went wrong. The histogram goes to the KTAP
 * output as diagnostics and, when P2PRIG_FUZZ_JSON names a file, there as
 * JSON.
 *
 *   kmod-fuzz [--seed N] [--calls N] [harness options]
 *
 * The seed (P2PRIG_FUZZ_SEED, else the time) is printed; the same seed
 * makes the same calls in the single-threaded phase and the same calls
 * per thread after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/udmabuf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"
#include "fuzz.h"

#define CHUNK		(64u << 10)
#define NOBODY		65534

static struct fz_params fz_params = { .calls = 100000 };

FIXTURE(fuzz) {
	struct rigdev dev;
	struct rig_dev nvme, edu, absent;
	struct p2prig_info info;
};

FIXTURE_SETUP(fuzz)
{
	if (!rig_fixture_setup(_metadata, &self->dev, &self->nvme, &self->edu,
			       &self->info))
		return;
	rig_absent(&self->absent);
}

FIXTURE_TEARDOWN(fuzz)
{
	rigdev_close(&self->dev);
}

/* uid and gid nobody, no supplementary groups: every open is refused. */
TEST_F(fuzz, nobody_cannot_open)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };
	unsigned int i;
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (geteuid() != NOBODY || getegid() != NOBODY)
			_exit(11);
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			fd = open(P2PRIG_DEVICE_PATH, modes[i] | O_CLOEXEC);
			if (fd >= 0)
				_exit(20 + i);
			if (errno != EACCES && errno != EPERM)
				_exit(30 + i);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("exit %d (1x: not nobody, 2x: opened, 3x: not EACCES or EPERM)",
		       WEXITSTATUS(status));
}

/* A ranged call that leaves its object: offset and length. */
struct range {
	uint64_t offset, length;
};

static const struct range io_out[] = {
	{ CHUNK, 1 }, { CHUNK - 1, 2 }, { 0, CHUNK + 1 }, { 1, CHUNK },
	{ CHUNK + 4096, 4096 }, { CHUNK / 2, CHUNK / 2 + 1 }, { ~0ull, 1 },
	{ ~0ull - 7, 16 }, { 1ull << 63, 1ull << 63 }, { 4096, ~0ull },
	{ ~0ull, ~0ull },
};

static const struct range map_out[] = {
	{ CHUNK, 4096 }, { CHUNK, 1 }, { CHUNK - 4096, 4097 },
	{ CHUNK - 4096, 8192 }, { 0, CHUNK + 1 }, { 0, ~0ull },
	{ ~0ull & ~4095ull, 8192 }, { 1ull << 63, 1ull << 63 },
	{ CHUNK - 4096, ~0ull - CHUNK },
};

static const struct range export_out[] = {
	{ CHUNK, 4096 }, { CHUNK - 4096, 8192 }, { 0, CHUNK + 4096 },
	{ ~0ull & ~4095ull, 8192 }, { 1ull << 63, 1ull << 63 },
};

/* Every transfer through @handle (of @len bytes) leaving it is -EINVAL. */
static void xfer_out_refused(struct __test_metadata *_metadata,
			     const struct rigdev *dev, uint32_t handle,
			     uint64_t len, void *buf)
{
	const struct range out[] = {
		{ len, 1 }, { len - 1, 2 }, { len - 4095, 4096 },
		{ ~0ull, 1 }, { ~0ull - 2, 4 }, { 1ull << 40, 16 },
	};
	unsigned int i, dir;

	for (i = 0; i < ARRAY_SIZE(out); i++) {
		for (dir = 0; dir < P2PRIG_XFER_MAX; dir++)
			EXPECT_EQ(-EINVAL, rigdev_xfer(dev, handle, dir,
						       out[i].offset, buf,
						       out[i].length, NULL))
				TH_LOG("XFER dir %u %#llx+%llu of %llu bytes",
				       dir,
				       (unsigned long long)out[i].offset,
				       (unsigned long long)out[i].length,
				       (unsigned long long)len);
	}
}

/*
 * Nothing reaches past a chunk: CHUNK_IO, MAP (every method), EXPORT
 * (every method), PROBE, MAP_BENCH and XFER (through a mapping and an
 * import) refuse every range that leaves what they name, and the chunks
 * keep their bytes. The edges that fit are taken.
 */
TEST_F(fuzz, outside_chunk_refused)
{
	unsigned char *buf, *want, *got;
	struct p2prig_map_bench bench;
	struct p2prig_import imp;
	struct p2prig_probe probe;
	struct p2prig_map m;
	uint32_t chunk[3], h, method;
	unsigned int i, k;
	int dbuf, rc;

	/* A user buffer as large as any length here could reach: a hole. */
	buf = mmap(NULL, 2 * CHUNK + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, mprotect(buf + 2 * CHUNK, 4096, PROT_NONE));
	want = malloc(CHUNK);
	got = malloc(CHUNK);
	ASSERT_TRUE(want && got);

	/* Two CMB chunks, likely next to each other, and one of RAM. */
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_NVME_CMB,
				      &self->nvme.addr, CHUNK, &chunk[0]));
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_NVME_CMB,
				      &self->nvme.addr, CHUNK, &chunk[1]));
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      CHUNK, &chunk[2]));
	for (k = 0; k < 3; k++) {
		rig_fill(want, CHUNK, 100 + k);
		ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk[k],
					     P2PRIG_IO_WRITE, 0, want, CHUNK));
	}
	memset(buf, 0xee, 2 * CHUNK);

	for (k = 0; k < 3; k += 2) {
		for (i = 0; i < ARRAY_SIZE(io_out); i++) {
			EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, chunk[k],
							   P2PRIG_IO_WRITE,
							   io_out[i].offset,
							   buf,
							   io_out[i].length))
				TH_LOG("CHUNK_IO write %#llx+%#llx",
				       (unsigned long long)io_out[i].offset,
				       (unsigned long long)io_out[i].length);
			EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, chunk[k],
							   P2PRIG_IO_READ,
							   io_out[i].offset,
							   buf,
							   io_out[i].length));
		}
		EXPECT_EQ(0, rigdev_chunk_io(&self->dev, chunk[k],
					     P2PRIG_IO_READ, CHUNK - 1, buf,
					     1));
	}

	for (method = 0; method < P2PRIG_METHOD_MAX; method++) {
		if (!(self->info.method_mask & (1u << method)))
			continue;
		h = method == P2PRIG_METHOD_PAGE ? chunk[2] : chunk[0];
		for (i = 0; i < ARRAY_SIZE(map_out); i++)
			EXPECT_EQ(-EINVAL, rigdev_map(&self->dev, h, method,
						      P2PRIG_INITIATOR_EDU,
						      &self->edu.addr,
						      P2PRIG_DIR_BIDIRECTIONAL,
						      map_out[i].offset,
						      map_out[i].length, &m))
				TH_LOG("MAP method %u %#llx+%#llx", method,
				       (unsigned long long)map_out[i].offset,
				       (unsigned long long)map_out[i].length);
		rc = rigdev_map(&self->dev, h, method, P2PRIG_INITIATOR_EDU,
				&self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL,
				CHUNK - 4096, 4096, &m);
		TH_LOG("MAP method %u of the last page: %s", method,
		       rc ? strerror(-rc) : "mapped");
		if (!rc)
			EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	}

	for (method = 0; method < P2PRIG_EXPORT_MAX; method++) {
		if (!(self->info.export_method_mask & (1u << method)))
			continue;
		for (i = 0; i < ARRAY_SIZE(export_out); i++)
			EXPECT_EQ(-EINVAL, rigdev_export(&self->dev, chunk[0],
							 method,
							 export_out[i].offset,
							 export_out[i].length,
							 &dbuf))
				TH_LOG("EXPORT method %u %#llx+%#llx", method,
				       (unsigned long long)export_out[i].offset,
				       (unsigned long long)export_out[i].length);
		ASSERT_EQ(0, rigdev_export(&self->dev, chunk[0], method,
					   CHUNK - 4096, 4096, &dbuf));
		close(dbuf);
	}

	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, chunk[0],
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					CHUNK, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, chunk[0],
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					CHUNK + 4096, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, chunk[0],
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					~0ull & ~4095ull, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, chunk[0],
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					(~0ull & ~4095ull) - 4096, &probe));
	EXPECT_EQ(-EINVAL, rigdev_probe(&self->dev, chunk[0],
					P2PRIG_INITIATOR_EDU, &self->edu.addr,
					1ull << 63, &probe));
	EXPECT_EQ(0, rigdev_probe(&self->dev, chunk[0], P2PRIG_INITIATOR_EDU,
				  &self->edu.addr, CHUNK - 4096, &probe));

	/* A benchmark granule larger than the chunk. */
	for (k = 0; k < 3; k += 2) {
		memset(&bench, 0, sizeof(bench));
		bench.chunk = chunk[k];
		bench.method = k ? P2PRIG_METHOD_PAGE : P2PRIG_METHOD_RESOURCE;
		bench.pci = self->edu.addr;
		bench.granule = 2 * CHUNK;
		bench.iterations = 1;
		bench.threads = 1;
		EXPECT_EQ(-EINVAL, rigdev_ioctl(&self->dev,
						P2PRIG_IOC_MAP_BENCH, &bench));
		bench.granule = CHUNK;
		EXPECT_EQ(0, rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					  &bench));
	}

	/* Through a mapping of the chunk's middle (where the rig maps it). */
	rc = rigdev_map(&self->dev, chunk[0], P2PRIG_METHOD_RESOURCE,
			P2PRIG_INITIATOR_EDU, &self->edu.addr,
			P2PRIG_DIR_BIDIRECTIONAL, 8192, 8192, &m);
	if (rc) {
		TH_LOG("the CMB is not mapped for edu here (%s)", strerror(-rc));
	} else {
		xfer_out_refused(_metadata, &self->dev, m.handle, 8192, buf);
		EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	}
	/* ... and of the whole RAM chunk. */
	ASSERT_EQ(0, rigdev_map(&self->dev, chunk[2], P2PRIG_METHOD_PAGE,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_BIDIRECTIONAL, 0, CHUNK, &m));
	xfer_out_refused(_metadata, &self->dev, m.handle, CHUNK, buf);
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));

	/* Through an import of 16 KiB of it. */
	ASSERT_EQ(0, rigdev_export(&self->dev, chunk[0], P2PRIG_EXPORT_RESOURCE,
				   16384, 16384, &dbuf));
	rc = rigdev_import(&self->dev, dbuf, P2PRIG_INITIATOR_EDU,
			   &self->edu.addr, P2PRIG_DIR_BIDIRECTIONAL, &imp);
	if (rc) {
		TH_LOG("import: %s; transfers through an import not tried",
		       strerror(-rc));
	} else {
		EXPECT_EQ(16384ull, imp.length);
		xfer_out_refused(_metadata, &self->dev, imp.handle, 16384, buf);
		EXPECT_EQ(0, rigdev_unmap(&self->dev, imp.handle, NULL));
	}
	close(dbuf);

	for (k = 0; k < 3; k++) {
		rig_fill(want, CHUNK, 100 + k);
		ASSERT_EQ(0, rigdev_chunk_io(&self->dev, chunk[k],
					     P2PRIG_IO_READ, 0, got, CHUNK));
		EXPECT_EQ(0, memcmp(want, got, CHUNK))
			TH_LOG("chunk %u lost its bytes", k);
	}
	free(want);
	free(got);
	munmap(buf, 2 * CHUNK + 4096);
}

/* Handles belong to their file: another file, or a number, names nothing. */
TEST_F(fuzz, foreign_handles_refused)
{
	static const uint32_t numbers[] = { 0, ~0u, 1u << 31, 1000 };
	struct p2prig_map_bench bench;
	struct p2prig_probe probe;
	unsigned char buf[64];
	struct p2prig_map m, other;
	uint32_t chunk;
	unsigned int i;
	struct rigdev dev2;
	int dbuf;

	/* RAM: every rig maps it for edu. */
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_RAM, NULL,
				      CHUNK, &chunk));
	ASSERT_EQ(0, rigdev_map(&self->dev, chunk, P2PRIG_METHOD_PAGE,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_BIDIRECTIONAL, 0, CHUNK, &m));
	ASSERT_EQ(0, rigdev_open(&dev2, P2PRIG_DEVICE_PATH));

	EXPECT_EQ(-EINVAL, rigdev_chunk_io(&dev2, chunk, P2PRIG_IO_READ, 0, buf,
					   sizeof(buf)));
	EXPECT_EQ(-EINVAL, rigdev_map(&dev2, chunk, P2PRIG_METHOD_PAGE,
				      P2PRIG_INITIATOR_EDU, &self->edu.addr,
				      P2PRIG_DIR_BIDIRECTIONAL, 0, 4096,
				      &other));
	EXPECT_EQ(-EINVAL, rigdev_export(&dev2, chunk, P2PRIG_EXPORT_RESOURCE,
					 0, 4096, &dbuf));
	EXPECT_EQ(-EINVAL, rigdev_probe(&dev2, chunk, P2PRIG_INITIATOR_EDU,
					&self->edu.addr, 0, &probe));
	memset(&bench, 0, sizeof(bench));
	bench.chunk = chunk;
	bench.method = P2PRIG_METHOD_PAGE;
	bench.pci = self->edu.addr;
	bench.granule = 4096;
	bench.iterations = 1;
	bench.threads = 1;
	EXPECT_EQ(-EINVAL, rigdev_ioctl(&dev2, P2PRIG_IOC_MAP_BENCH, &bench));
	EXPECT_EQ(-EINVAL, rigdev_xfer(&dev2, m.handle, P2PRIG_XFER_FROM_PEER,
				       0, buf, sizeof(buf), NULL));
	EXPECT_EQ(-EINVAL, rigdev_unmap(&dev2, m.handle, NULL));
	EXPECT_EQ(-EINVAL, rigdev_chunk_free(&dev2, chunk));

	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		EXPECT_EQ(-EINVAL, rigdev_chunk_io(&self->dev, numbers[i],
						   P2PRIG_IO_READ, 0, buf,
						   sizeof(buf)));
		EXPECT_EQ(-EINVAL, rigdev_xfer(&self->dev, numbers[i],
					       P2PRIG_XFER_FROM_PEER, 0, buf,
					       sizeof(buf), NULL));
		EXPECT_EQ(-EINVAL, rigdev_unmap(&self->dev, numbers[i], NULL));
		EXPECT_EQ(-EINVAL, rigdev_chunk_free(&self->dev, numbers[i]));
	}
	rigdev_close(&dev2);

	/* A zeroed handle never names anything, even after UNMAP of 0. */
	ASSERT_EQ(0, rigdev_map(&self->dev, chunk, P2PRIG_METHOD_PAGE,
				P2PRIG_INITIATOR_EDU, &self->edu.addr,
				P2PRIG_DIR_BIDIRECTIONAL, 0, 4096, &other));
	EXPECT_NE(0u, other.handle);
	EXPECT_EQ(0, rigdev_unmap(&self->dev, other.handle, NULL));

	/* None of it touched what the first file holds. */
	EXPECT_EQ(0, rigdev_chunk_io(&self->dev, chunk, P2PRIG_IO_READ, 0, buf,
				     sizeof(buf)));
	EXPECT_EQ(0, rigdev_unmap(&self->dev, m.handle, NULL));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, chunk));
}

/* The dma-buf calls refuse an fd that is no dma-buf, or not one at all. */
TEST_F(fuzz, foreign_fds_refused)
{
	static const int closed[] = { -1, INT_MIN, INT_MAX, 999 };
	struct p2prig_export_stats st;
	struct udmabuf_create create;
	struct p2prig_import imp;
	int fds[9], n = 0, i, result, dev, memfd, udbuf, p[2], s[2];
	struct p2prig_info info;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	fds[n++] = p[0];
	fds[n++] = p[1];
	fds[n++] = s[0];
	fds[n++] = open("/dev/null", O_RDWR);
	fds[n++] = eventfd(0, 0);
	fds[n++] = memfd_create("p2prig-fuzz", 0);
	fds[n++] = open("/", O_RDONLY | O_DIRECTORY);
	fds[n++] = open("/proc/self/stat", O_RDONLY);
	fds[n++] = self->dev.fd;
	for (i = 0; i < n; i++) {
		ASSERT_LE(0, fds[i]);
		EXPECT_EQ(-EINVAL, rigdev_import(&self->dev, fds[i],
						 P2PRIG_INITIATOR_EDU,
						 &self->edu.addr,
						 P2PRIG_DIR_BIDIRECTIONAL,
						 &imp))
			TH_LOG("IMPORT of fd %d (not a dma-buf)", fds[i]);
		EXPECT_EQ(-EINVAL, rigdev_attach_check(&self->dev, fds[i],
						       &self->edu.addr, 0,
						       &result));
		EXPECT_EQ(-EINVAL, rigdev_export_stats(&self->dev, fds[i],
						       &st));
	}
	ASSERT_EQ(-EBADF, fcntl(999, F_GETFD) < 0 ? -errno : 0);
	for (i = 0; i < (int)ARRAY_SIZE(closed); i++) {
		EXPECT_EQ(-EBADF, rigdev_import(&self->dev, closed[i],
						P2PRIG_INITIATOR_EDU,
						&self->edu.addr,
						P2PRIG_DIR_BIDIRECTIONAL,
						&imp));
		EXPECT_EQ(-EBADF, rigdev_attach_check(&self->dev, closed[i],
						      &self->edu.addr, 0,
						      &result));
		EXPECT_EQ(-EBADF, rigdev_export_stats(&self->dev, closed[i],
						      &st));
	}
	for (i = 0; i < n - 1; i++)
		close(fds[i]);
	close(s[1]);

	/* Another exporter's dma-buf has no counters of ours. */
	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev >= 0) {
		memfd = memfd_create("p2prig-fuzz", MFD_ALLOW_SEALING);
		ASSERT_LE(0, memfd);
		ASSERT_EQ(0, ftruncate(memfd, 65536));
		ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
		memset(&create, 0, sizeof(create));
		create.memfd = memfd;
		create.size = 65536;
		udbuf = ioctl(dev, UDMABUF_CREATE, &create);
		ASSERT_LE(0, udbuf);
		EXPECT_EQ(-EINVAL, rigdev_export_stats(&self->dev, udbuf, &st));
		/* Nor an initiator where there is none. */
		EXPECT_EQ(-ENODEV, rigdev_import(&self->dev, udbuf,
						 P2PRIG_INITIATOR_EDU,
						 &self->absent.addr,
						 P2PRIG_DIR_BIDIRECTIONAL,
						 &imp));
		EXPECT_EQ(-ENODEV, rigdev_attach_check(&self->dev, udbuf,
						       &self->absent.addr, 0,
						       &result));
		close(udbuf);
		close(memfd);
		close(dev);
	} else {
		TH_LOG("no /dev/udmabuf: another exporter's dma-buf not tried");
	}

	ASSERT_EQ(0, rigdev_info(&self->dev, &info));
	EXPECT_EQ(0u, info.nr_imports);
	EXPECT_EQ(0u, info.nr_exports);
}

/* The fuzzer itself: many calls, then everything released, log clean. */
TEST_F_TIMEOUT(fuzz, ioctls, 1800)
{
	struct fz_world *w = calloc(1, sizeof(*w));
	struct fz_report *rep = calloc(1, sizeof(*rep));
	const char *json = getenv("P2PRIG_FUZZ_JSON");
	char why[256] = "";
	int rc;

	ASSERT_TRUE(w && rep);
	close(self->dev.fd);
	self->dev.fd = -1;
	TH_LOG("replay: make guest-test name=kmod-fuzz seed=%llu calls=%llu",
	       (unsigned long long)fz_params.seed,
	       (unsigned long long)fz_params.calls);
	rc = fz_world_init(w, why, sizeof(why));
	if (rc == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	TH_LOG("%u PCI functions, %u udmabufs, method mask %#x, export mask %#x",
	       w->nr_pci, w->nr_udmabuf, w->info.method_mask,
	       w->info.export_method_mask);

	rc = fz_run(w, &fz_params, rep);
	fflush(stderr);
	fz_report_print(stderr, rep);
	if (json && *json) {
		EXPECT_EQ(0, fz_report_json(json, rep))
			TH_LOG("cannot write %s", json);
	}
	EXPECT_EQ(0, rc) TH_LOG("the run could not start: %s", strerror(-rc));
	EXPECT_LE(fz_params.calls, fz_stats_total(&rep->st));
	EXPECT_EQ(0ull, rep->st.undefined);
	EXPECT_EQ(0ull, rep->st.unexpected);
	EXPECT_EQ(0u, w->log.n);
	EXPECT_EQ(rep->rel.available_before, rep->rel.available_after)
		TH_LOG("p2pmem not given back");
	EXPECT_EQ(0u, rep->rel.nr_exports);
	EXPECT_EQ(0u, rep->rel.nr_imports);
	EXPECT_TRUE(rep->rel.sentinel_intact);
	EXPECT_TRUE(rep->rel.engine_works);
	EXPECT_TRUE(rep->kmsg_read);
	EXPECT_EQ(0u, rep->kmsg_suspect);
	fz_world_fini(w);
	free(w);
	free(rep);
}

/* "--seed N" or "--seed=N"; 0 if @arg is not @name, -1 if N is bad. */
static int fz_option(const char *name, int argc, char **argv, int *i,
		     uint64_t *value)
{
	size_t len = strlen(name);
	const char *text;
	char *end;

	if (strncmp(argv[*i], name, len))
		return 0;
	if (argv[*i][len] == '=')
		text = argv[*i] + len + 1;
	else if (!argv[*i][len] && *i + 1 < argc)
		text = argv[++*i];
	else
		return argv[*i][len] ? 0 : -1;
	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || !*text || *end ? -1 : 1;
}

static int fz_env(const char *name, uint64_t *value)
{
	const char *text = getenv(name);
	char *end;

	if (!text || !*text)
		return 0;
	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	char **args = calloc(argc + 1, sizeof(*args));
	int i, n = 0, rc = 0;

	if (!args)
		return KSFT_FAIL;
	fz_params.seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	if (fz_env("P2PRIG_FUZZ_SEED", &fz_params.seed) ||
	    fz_env("P2PRIG_FUZZ_CALLS", &fz_params.calls)) {
		fprintf(stderr, "P2PRIG_FUZZ_SEED, P2PRIG_FUZZ_CALLS: a number\n");
		return KSFT_FAIL;
	}
	for (i = 0; i < argc; i++) {
		rc = fz_option("--seed", argc, argv, &i, &fz_params.seed);
		if (!rc)
			rc = fz_option("--calls", argc, argv, &i,
				       &fz_params.calls);
		if (rc < 0) {
			fprintf(stderr, "usage: %s [--seed N] [--calls N] [harness options]\n",
				argv[0]);
			return KSFT_FAIL;
		}
		if (!rc)
			args[n++] = argv[i];
	}
	return test_harness_run(n, args);
}
