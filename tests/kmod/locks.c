// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig.ko and the rest of the machine, on the kernel's kselftest harness,
 * in the virtual lab (nvme with a CMB, edu, a virtio NIC) with the module
 * loaded.
 *
 * A long MAP_BENCH holds the module's lock for its whole run. Nothing
 * outside the module may wait for it: unbinding a PCI device that backs
 * nothing of ours (the guest's virtio NIC, found by vendor:device) takes
 * a small part of the run's time, not the rest of it, and an ioctl caller
 * stuck behind the run dies at once when killed. The module's knobs are
 * bounded: edu_timeout_ms takes 1..10000 ms and nothing else, so no XFER
 * holds the lock for long. A CHUNK_ALLOC whose answer cannot be copied out
 * takes nothing: the memory goes back.
 *
 * Times are compared with each other (ratios), never with a fixed limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fixture.h"

#define PARAMS		"/sys/module/p2prig/parameters/"
#define TIMEOUT_PARAM	PARAMS "edu_timeout_ms"

#define CHUNK		(2u << 20)
#define GRANULE		(64u << 10)
/* The run the others must not wait for, and a shorter one. */
#define BENCH_MS	30000u
#define SHORT_BENCH_MS	10000u
/* A small part of the run: what waiting for none of it may cost. */
#define RATIO		10
/*
 * Threads of the run. Each stops after P2PRIG_BENCH_MAX_ITERATIONS calls,
 * which one thread makes in about 10 s in the virtual lab: four share the
 * guest's CPU and run out of time first.
 */
#define THREADS		4

/* Whether child @pid has not exited yet; it stays to be waited for. */
static int running(pid_t pid)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT))
		return 0;
	return info.si_pid == 0;
}

/* What the bench's process saw, shared with the test. */
struct bench_seen {
	double start, end;
	int rc;
	struct p2prig_map_bench arg;
};

FIXTURE(locks) {
	struct rigdev dev;
	struct rig_dev nvme, edu, nic;
	char nic_driver[64];
	int nic_unbound;
	uint32_t cmb;
	pid_t bench_pid;
	struct bench_seen *seen;
};

/* The driver @dev is bound to now; "" when none. */
static void driver_of(const struct rig_dev *dev, char *buf, size_t size)
{
	char path[128], link[128];
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
		 dev->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return;
	link[n] = '\0';
	snprintf(buf, size, "%s", strrchr(link, '/') + 1);
}

FIXTURE_SETUP(locks)
{
	self->dev.fd = -1;
	self->bench_pid = -1;
	self->seen = MAP_FAILED;
	if (!rig_fixture_find(_metadata, &self->nvme, &self->edu))
		return;
	/* virtio-net, transitional or modern: nothing of the module's. */
	if (rig_find(0x1af4, 0x1000, 0, &self->nic) &&
	    rig_find(0x1af4, 0x1041, 0, &self->nic))
		SKIP(return, "no virtio NIC to unbind");
	driver_of(&self->nic, self->nic_driver, sizeof(self->nic_driver));
	if (!self->nic_driver[0])
		SKIP(return, "%s: no driver bound", self->nic.bdf);

	self->seen = mmap(NULL, sizeof(*self->seen), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->seen);
	rig_fixture_open(_metadata, &self->dev, NULL);
	rig_fixture_chunk(_metadata, &self->dev, P2PRIG_PROVIDER_NVME_CMB,
			  &self->nvme, CHUNK, &self->cmb);
}

FIXTURE_TEARDOWN(locks)
{
	int status;

	if (self->bench_pid > 0) {
		kill(self->bench_pid, SIGKILL);
		waitpid(self->bench_pid, &status, 0);
	}
	if (self->nic_unbound)
		rig_driver(&self->nic, self->nic_driver, 1);
	rigdev_close(&self->dev);
	if (self->seen != MAP_FAILED)
		munmap(self->seen, sizeof(*self->seen));
}

/*
 * Start a MAP_BENCH of @ms in a child on the fixture's file; returns once
 * the child is about to call it, plus a moment for the run to begin.
 */
static void start_bench(struct __test_metadata *_metadata,
			FIXTURE_DATA(locks) * self, unsigned int ms)
{
	struct p2prig_map_bench *arg = &self->seen->arg;
	int ready[2];
	char c;

	memset(self->seen, 0, sizeof(*self->seen));
	arg->chunk = self->cmb;
	/*
	 * The DMA layer's call on every map: by the kernel's rule the pair
	 * gets its bus address, about 60 ns, and a 30 s run would reach
	 * MAP_BENCH's cap on calls long before its time.
	 */
	arg->method = P2PRIG_METHOD_RESOURCE_HOST;
	arg->initiator = P2PRIG_INITIATOR_EDU;
	arg->dir = P2PRIG_DIR_BIDIRECTIONAL;
	arg->pci = self->edu.addr;
	arg->granule = GRANULE;
	arg->duration_ms = ms;
	arg->threads = THREADS;

	ASSERT_EQ(0, pipe(ready));
	self->bench_pid = fork();
	ASSERT_LE(0, self->bench_pid);
	if (self->bench_pid == 0) {
		close(ready[0]);
		self->seen->start = rig_now_s();
		if (write(ready[1], "x", 1) != 1)
			_exit(2);
		self->seen->rc = rigdev_ioctl(&self->dev, P2PRIG_IOC_MAP_BENCH,
					      arg);
		self->seen->end = rig_now_s();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	/* The run takes the lock within its first instructions. */
	usleep(500 * 1000);
}

/* Wait for the bench started by start_bench(); it ran its whole time. */
static double end_bench(struct __test_metadata *_metadata,
			FIXTURE_DATA(locks) * self, unsigned int ms)
{
	const struct p2prig_map_bench *arg = &self->seen->arg;
	double ran;
	int status;

	ASSERT_EQ(self->bench_pid, waitpid(self->bench_pid, &status, 0));
	self->bench_pid = -1;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, self->seen->rc) TH_LOG("MAP_BENCH: %s",
					    strerror(-self->seen->rc));
	EXPECT_EQ(0, arg->first_error) TH_LOG("first map: %s",
					      strerror(-arg->first_error));
	EXPECT_EQ(0u, arg->interrupted);
	EXPECT_LE((uint64_t)ms * 1000000 * 9 / 10, arg->elapsed_ns)
		TH_LOG("the run ended early: %llu ns",
		       (unsigned long long)arg->elapsed_ns);
	ran = self->seen->end - self->seen->start;
	TH_LOG("MAP_BENCH of %u ms: %.3f s in the caller, %llu maps",
	       ms, ran, (unsigned long long)arg->map.n);
	return ran;
}

/*
 * An unbind of a device that backs nothing of ours (the virtio NIC) in the
 * middle of a long MAP_BENCH takes a small part of the run, not the rest
 * of it: the module's bus notifier does not wait for the run's lock.
 */
TEST_F_TIMEOUT(locks, unrelated_unbind_during_bench, 900)
{
	double start, took, ran;
	int rc;

	start_bench(_metadata, self, BENCH_MS);
	start = rig_now_s();
	rc = rig_driver(&self->nic, self->nic_driver, 0);
	took = rig_now_s() - start;
	ASSERT_EQ(0, rc) TH_LOG("unbind %s from %s: %s", self->nic.bdf,
				self->nic_driver, strerror(-rc));
	self->nic_unbound = 1;
	if (!running(self->bench_pid))
		TH_LOG("the run ended before the unbind did");
	rc = rig_driver(&self->nic, self->nic_driver, 1);
	ASSERT_EQ(0, rc) TH_LOG("bind %s to %s again: %s", self->nic.bdf,
				self->nic_driver, strerror(-rc));
	self->nic_unbound = 0;

	ran = end_bench(_metadata, self, BENCH_MS);
	TH_LOG("unbinding %s from %s took %.3f s during a run of %.3f s",
	       self->nic.bdf, self->nic_driver, took, ran);
	EXPECT_LT(took * RATIO, ran)
		TH_LOG("the unbind waited for the run: %.3f s of %.3f s",
		       took, ran);
}

/*
 * An ioctl that waits for the module's lock behind a long MAP_BENCH dies
 * when killed, in a small part of the run's time.
 */
TEST_F_TIMEOUT(locks, killed_waiter_leaves, 900)
{
	double start, took, ran;
	struct p2prig_info info;
	int status;
	pid_t pid;

	start_bench(_metadata, self, SHORT_BENCH_MS);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(rigdev_info(&self->dev, &info) ? 1 : 0);
	/* Long enough for the child to be waiting on the lock. */
	usleep(500 * 1000);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("INFO did not wait for the run");
	start = rig_now_s();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	took = rig_now_s() - start;
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (!running(self->bench_pid))
		TH_LOG("the run ended before the waiter died");

	ran = end_bench(_metadata, self, SHORT_BENCH_MS);
	TH_LOG("a killed INFO behind the run left after %.3f s of a run of %.3f s",
	       took, ran);
	EXPECT_LT(took * RATIO, ran)
		TH_LOG("the killed waiter stayed for the run: %.3f s of %.3f s",
		       took, ran);
	/* The module carries on. */
	EXPECT_EQ(0, rigdev_info(&self->dev, &info));
}

/* edu_timeout_ms takes 1..10000 ms and nothing else; a refusal keeps it. */
TEST_F(locks, edu_timeout_bounded)
{
	static const char bad[][12] = { "0", "10001", "4294967295", "-1",
					 "x" };
	uint64_t was, now;
	char text[24];
	unsigned int i;
	int rc;

	ASSERT_EQ(0, rig_read_u64(TIMEOUT_PARAM, &was));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rc = rig_write(TIMEOUT_PARAM, bad[i]);
		if (rc != -EINVAL)
			TH_LOG("edu_timeout_ms '%s': %s", bad[i], strerror(-rc));
		EXPECT_EQ(-EINVAL, rc);
	}
	ASSERT_EQ(0, rig_read_u64(TIMEOUT_PARAM, &now));
	EXPECT_EQ(was, now);
	EXPECT_EQ(0, rig_write(TIMEOUT_PARAM, "1"));
	EXPECT_EQ(0, rig_write(TIMEOUT_PARAM, "10000"));
	ASSERT_EQ(0, rig_read_u64(TIMEOUT_PARAM, &now));
	EXPECT_EQ(10000ull, now);
	snprintf(text, sizeof(text), "%llu", (unsigned long long)was);
	EXPECT_EQ(0, rig_write(TIMEOUT_PARAM, text));
}

/*
 * A CHUNK_ALLOC whose answer cannot be written back (the argument lies in
 * read-only memory) answers -EFAULT and keeps nothing: the CMB's p2pmem is
 * all back, and a CHUNK_FREE of the handle it would have had is -EINVAL.
 */
TEST_F(locks, chunk_alloc_efault_takes_nothing)
{
	struct p2prig_chunk_alloc *arg;
	uint64_t before, after;
	uint32_t next;
	int rc;

	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &before));
	arg = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, arg);
	arg->provider = P2PRIG_PROVIDER_NVME_CMB;
	arg->pci = self->nvme.addr;
	arg->size = GRANULE;
	ASSERT_EQ(0, mprotect(arg, 4096, PROT_READ));
	rc = rigdev_ioctl(&self->dev, P2PRIG_IOC_CHUNK_ALLOC, arg);
	EXPECT_EQ(-EFAULT, rc);
	munmap(arg, 4096);
	ASSERT_EQ(0, rig_p2pmem_available(&self->nvme, &after));
	EXPECT_EQ(before, after) TH_LOG("p2pmem kept by a failed CHUNK_ALLOC");
	/* Handles are handed out in order: the failed one would be next. */
	EXPECT_EQ(-EINVAL, rigdev_chunk_free(&self->dev, self->cmb + 1));
	ASSERT_EQ(0, rigdev_chunk_new(&self->dev, P2PRIG_PROVIDER_NVME_CMB,
				      &self->nvme.addr, GRANULE, &next));
	EXPECT_EQ(0, rigdev_chunk_free(&self->dev, next));
}

TEST_HARNESS_MAIN
