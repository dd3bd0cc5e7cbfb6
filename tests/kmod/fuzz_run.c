// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz run: the machine it runs on, the threads, and what must hold
 * once everything is closed.
 *
 * Phase A: one thread, one file, two fifths of the calls. Answers that
 * depend on state are exact here (a dma-buf of ours cannot be closed
 * behind the caller's back), and the calls follow from the seed alone.
 * Phase B: four threads share one file, which any of them replaces now
 * and then (dup3 over its fd number, while the others are inside ioctls
 * on it); two more threads have a file each, which they close and open
 * again. The rest of the calls, split evenly.
 *
 * Afterwards, with every fd closed: the provider's p2pmem is back to what
 * it was, the module counts no dma-buf and no import alive, a sentinel
 * chunk (CMB and RAM) no call could name still holds its bytes, and edu
 * still moves bytes both ways through a fresh mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* The world's own fds live at or above this, out of the fuzzer's reach. */
#define FZ_FD_HIGH		800
#define FZ_SHARED_THREADS	4
#define FZ_OWN_THREADS		2
#define FZ_THREADS		(1 + FZ_SHARED_THREADS + FZ_OWN_THREADS)
/* Transfers that may reach edu, and benchmark runs: phase A, then each B thread. */
#define FZ_XFER_BUDGET_A	22
#define FZ_XFER_BUDGET_B	7
#define FZ_BENCH_BUDGET_A	20
#define FZ_BENCH_BUDGET_B	5
#define FZ_SENTINEL		(64u << 10)

static int fz_move_high(int fd)
{
	int high;

	if (fd < 0)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, FZ_FD_HIGH);
	close(fd);
	return high;
}

/* The nvme function's BARs, as sysfs has them. */
static int fz_read_bars(struct fz_world *w)
{
	unsigned long long start, end, flags;
	char path[128];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 w->nvme.bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (i = 0; i < 6; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		w->bar_start[i] = start;
		w->bar_len[i] = start ? end - start + 1 : 0;
	}
	fclose(f);
	return i == 6 ? 0 : -EINVAL;
}

/* Two udmabufs, 64 and 128 KiB: dma-bufs another exporter made. */
static void fz_make_udmabufs(struct fz_world *w)
{
	struct udmabuf_create create;
	int dev, memfd, fd;
	unsigned int i;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return;
	for (i = 0; i < FZ_MAX_UDMABUF; i++) {
		memset(&create, 0, sizeof(create));
		create.size = (i + 1) * (64u << 10);
		memfd = memfd_create("p2prig-fuzz", MFD_ALLOW_SEALING |
				     MFD_CLOEXEC);
		if (memfd < 0)
			break;
		if (ftruncate(memfd, create.size) ||
		    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			close(memfd);
			break;
		}
		create.memfd = memfd;
		create.flags = UDMABUF_FLAGS_CLOEXEC;
		fd = fz_move_high(ioctl(dev, UDMABUF_CREATE, &create));
		close(memfd);
		if (fd < 0)
			break;
		w->udmabuf[w->nr_udmabuf] = fd;
		w->udmabuf_size[w->nr_udmabuf++] = create.size;
	}
	close(dev);
}

static void fz_add_foreign(struct fz_world *w, int fd)
{
	fd = fz_move_high(fd);
	if (fd >= 0 && w->nr_foreign < FZ_MAX_FOREIGN)
		w->foreign[w->nr_foreign++] = fd;
	else if (fd >= 0)
		close(fd);
}

int fz_world_init(struct fz_world *w, char *why, size_t len)
{
	char path[128];
	struct rigdev dev;
	unsigned int i;
	int p[2], rc;

	memset(w, 0, sizeof(*w));
	fz_log_init(&w->log);
	if (rig_find(0x1b36, 0x0010, 1, &w->nvme)) {
		snprintf(why, len, "no QEMU nvme with a p2pmem CMB");
		return -ENODEV;
	}
	if (rig_find(0x1234, 0x11e8, 0, &w->edu)) {
		snprintf(why, len, "no QEMU edu device");
		return -ENODEV;
	}
	rig_absent(&w->absent);
	w->nr_pci = rig_list(w->pci, FZ_MAX_PCI);
	if (!w->nr_pci)
		w->pci[w->nr_pci++] = w->edu;
	for (i = 0; i < w->nr_pci; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/p2pmem",
			 w->pci[i].bdf);
		w->lends[i] = access(path, F_OK) == 0;
	}
	if (fz_read_bars(w)) {
		snprintf(why, len, "cannot read the BARs of %s", w->nvme.bdf);
		return -EIO;
	}

	rc = rigdev_open(&dev, P2PRIG_DEVICE_PATH);
	if (!rc)
		rc = rigdev_info(&dev, &w->info);
	rigdev_close(&dev);
	if (rc) {
		snprintf(why, len, "%s: %s", P2PRIG_DEVICE_PATH, strerror(-rc));
		return -EIO;
	}

	fz_add_foreign(w, open("/dev/null", O_RDWR | O_CLOEXEC));
	if (!pipe2(p, O_CLOEXEC)) {
		fz_add_foreign(w, p[0]);
		fz_add_foreign(w, p[1]);
	}
	fz_add_foreign(w, eventfd(0, EFD_CLOEXEC));
	fz_add_foreign(w, memfd_create("p2prig-fuzz-foreign", MFD_CLOEXEC));
	fz_make_udmabufs(w);
	for (w->closed_fd = 999; fcntl(w->closed_fd, F_GETFD) >= 0;)
		w->closed_fd--;
	return 0;
}

void fz_world_fini(struct fz_world *w)
{
	unsigned int i;

	for (i = 0; i < w->nr_foreign; i++)
		close(w->foreign[i]);
	for (i = 0; i < w->nr_udmabuf; i++)
		close(w->udmabuf[i]);
	w->nr_foreign = 0;
	w->nr_udmabuf = 0;
}

/* How often each kind of call is made, per thousand. */
static const struct {
	unsigned int weight;
	void (*op)(struct fz_thread *t);
} fz_ops[] = {
	{ 30, fz_op_info },
	{ 110, fz_op_chunk_alloc },
	{ 70, fz_op_chunk_free },
	{ 90, fz_op_chunk_io },
	{ 130, fz_op_map },
	{ 90, fz_op_unmap },
	{ 80, fz_op_xfer },
	{ 50, fz_op_probe },
	{ 40, fz_op_map_bench },
	{ 60, fz_op_export },
	{ 40, fz_op_export_stats },
	{ 60, fz_op_import },
	{ 50, fz_op_attach_check },
	{ 50, fz_op_unknown },
	{ 20, fz_op_bad_fd },
	{ 3, fz_op_reopen },
	{ 27, fz_op_close_dbuf },
};

#define FZ_NR_KINDS	ARRAY_SIZE(fz_ops)

static void fz_step(struct fz_thread *t)
{
	unsigned int i, total = 0, pick;

	for (i = 0; i < FZ_NR_KINDS; i++)
		total += fz_ops[i].weight;
	pick = (unsigned int)fz_below(&t->rng, total);
	for (i = 0; pick >= fz_ops[i].weight; i++)
		pick -= fz_ops[i].weight;
	fz_ops[i].op(t);
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;

	while (fz_stats_total(&t->st) < t->quota)
		fz_step(t);
	return NULL;
}

static int fz_thread_init(struct fz_thread *t, unsigned int id,
			  struct fz_world *w, struct fz_obj *obj,
			  const struct fz_params *p, uint64_t quota)
{
	t->id = id;
	t->w = w;
	t->obj = obj;
	t->quota = quota;
	t->xfer_budget = id ? FZ_XFER_BUDGET_B : FZ_XFER_BUDGET_A;
	t->bench_budget = id ? FZ_BENCH_BUDGET_B : FZ_BENCH_BUDGET_A;
	fz_rng_seed(&t->rng, p->seed, id);
	return fz_mem_init(&t->mem);
}

/* Phase B: threads 1..6 on a shared file and two files of their own. */
static int fz_phase_b(struct fz_world *w, const struct fz_params *p,
		      struct fz_thread *th, uint64_t calls)
{
	struct fz_obj obj[1 + FZ_OWN_THREADS];
	pthread_t tid[FZ_THREADS];
	unsigned int i, n = FZ_SHARED_THREADS + FZ_OWN_THREADS, started = 0;
	uint64_t each = calls / n;
	int rc = 0, err;

	for (i = 0; i <= FZ_OWN_THREADS; i++) {
		err = fz_obj_open(&obj[i], i == 0);
		rc = rc ?: err;
	}
	for (i = 1; i <= n && !rc; i++)
		rc = fz_thread_init(&th[i], i, w, i <= FZ_SHARED_THREADS ?
				    &obj[0] : &obj[i - FZ_SHARED_THREADS], p,
				    each + (i == 1 ? calls % n : 0));
	for (i = 1; i <= n && !rc; i++) {
		rc = -pthread_create(&tid[i], NULL, fz_thread_main, &th[i]);
		if (!rc)
			started++;
	}
	for (i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i <= FZ_OWN_THREADS; i++)
		fz_obj_close(&obj[i]);
	return rc;
}

/* A chunk of CMB and one of RAM, seeded, on a file no call can name. */
static int fz_sentinel_open(struct fz_world *w, uint32_t chunk[2])
{
	unsigned char *buf = malloc(FZ_SENTINEL);
	int fd = fz_move_high(open(P2PRIG_DEVICE_PATH, O_RDWR | O_CLOEXEC));
	const struct rigdev dev = { .fd = fd };
	unsigned int i;

	if (fd < 0 || !buf)
		goto fail;
	for (i = 0; i < 2; i++) {
		rig_fill(buf, FZ_SENTINEL, 7000 + i);
		if (rigdev_chunk_new(&dev, i ? P2PRIG_PROVIDER_RAM :
					       P2PRIG_PROVIDER_NVME_CMB,
				     i ? NULL : &w->nvme.addr, FZ_SENTINEL,
				     &chunk[i]) ||
		    rigdev_chunk_io(&dev, chunk[i], P2PRIG_IO_WRITE, 0, buf,
				    FZ_SENTINEL))
			goto fail;
	}
	free(buf);
	return fd;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return -EIO;
}

static bool fz_sentinel_check(int fd, const uint32_t chunk[2])
{
	const struct rigdev dev = { .fd = fd };
	unsigned char *want = malloc(FZ_SENTINEL), *got = malloc(FZ_SENTINEL);
	bool intact = want && got;
	unsigned int i;

	for (i = 0; i < 2 && intact; i++) {
		rig_fill(want, FZ_SENTINEL, 7000 + i);
		intact = !rigdev_chunk_io(&dev, chunk[i], P2PRIG_IO_READ, 0,
					  got, FZ_SENTINEL) &&
			 !memcmp(want, got, FZ_SENTINEL);
	}
	free(want);
	free(got);
	return intact;
}

/*
 * edu moves 2 KiB each way through a fresh mapping of CMB (@peer) or RAM,
 * byte for byte: 1. 0 when it does not; -1 when the rig gives edu no
 * address it can reach in such memory (a refused map, a bus address
 * behind a translating IOMMU).
 */
static int fz_engine_moves(struct fz_world *w, bool peer)
{
	unsigned char out[2048], in[2048];
	struct p2prig_map m;
	struct rigdev dev;
	uint32_t chunk;
	int ok = -1;

	if (rigdev_open(&dev, P2PRIG_DEVICE_PATH))
		return 0;
	if (rigdev_chunk_new(&dev, peer ? P2PRIG_PROVIDER_NVME_CMB :
			     P2PRIG_PROVIDER_RAM, peer ? &w->nvme.addr : NULL,
			     FZ_SENTINEL, &chunk) ||
	    rigdev_map(&dev, chunk,
		       peer ? P2PRIG_METHOD_RESOURCE : P2PRIG_METHOD_PAGE,
		       P2PRIG_INITIATOR_EDU, &w->edu.addr,
		       P2PRIG_DIR_BIDIRECTIONAL, 0, FZ_SENTINEL, &m) ||
	    ((m.flags & P2PRIG_MAP_F_BUS_ADDR) &&
	     !(m.flags & P2PRIG_MAP_F_DIRECT)))
		goto out;
	ok = 0;
	rig_fill(out, sizeof(out), 8000);
	if (rigdev_xfer(&dev, m.handle, P2PRIG_XFER_TO_PEER, 4096, out,
			sizeof(out), NULL) ||
	    rigdev_chunk_io(&dev, chunk, P2PRIG_IO_READ, 4096, in,
			    sizeof(in)) ||
	    memcmp(out, in, sizeof(in)))
		goto out;
	rig_fill(out, sizeof(out), 8001);
	memset(in, 0, sizeof(in));
	ok = !rigdev_chunk_io(&dev, chunk, P2PRIG_IO_WRITE, 9000, out,
			      sizeof(out)) &&
	     !rigdev_xfer(&dev, m.handle, P2PRIG_XFER_FROM_PEER, 9000, in,
			  sizeof(in), NULL) &&
	     !memcmp(out, in, sizeof(in));
out:
	rigdev_close(&dev);
	return ok;
}

/* Through the CMB where edu can reach it here, else through RAM. */
static bool fz_engine_works(struct fz_world *w)
{
	int peer = fz_engine_moves(w, true);

	return peer > 0 || (peer < 0 && fz_engine_moves(w, false) > 0);
}

static void fz_release_check(struct fz_world *w, int sentinel,
			     const uint32_t chunk[2], struct fz_release *rel)
{
	struct p2prig_info info;
	struct rigdev dev;

	rel->sentinel_intact = sentinel >= 0 &&
			       fz_sentinel_check(sentinel, chunk);
	if (sentinel >= 0)
		close(sentinel);
	rel->engine_works = fz_engine_works(w);
	rig_p2pmem_available(&w->nvme, &rel->available_after);
	if (!rigdev_open(&dev, P2PRIG_DEVICE_PATH) && !rigdev_info(&dev, &info)) {
		rel->nr_exports = info.nr_exports;
		rel->nr_imports = info.nr_imports;
	} else {
		rel->nr_exports = ~0u;
		rel->nr_imports = ~0u;
	}
	rigdev_close(&dev);
	rel->released = rel->available_after == rel->available_before &&
			!rel->nr_exports && !rel->nr_imports;
}

static double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int fz_run(struct fz_world *w, const struct fz_params *p,
	   struct fz_report *rep)
{
	struct fz_thread *th = calloc(FZ_THREADS, sizeof(*th));
	uint64_t calls_a = p->calls * 2 / 5;
	int kmsg, sentinel, rc = -ENOMEM;
	struct fz_obj obj;
	uint32_t chunk[2];
	char path[128];
	unsigned int i;
	double start;

	memset(rep, 0, sizeof(*rep));
	rep->seed = p->seed;
	rep->calls_requested = p->calls;
	rep->threads = FZ_THREADS;
	rep->shared_threads = FZ_SHARED_THREADS;
	rep->xfer_budget = FZ_XFER_BUDGET_A +
			   (FZ_THREADS - 1) * FZ_XFER_BUDGET_B;
	rep->bench_budget = FZ_BENCH_BUDGET_A +
			    (FZ_THREADS - 1) * FZ_BENCH_BUDGET_B;
	rep->log = &w->log;
	if (!th)
		return rc;

	kmsg = fz_kmsg_open();
	rep->kmsg_read = kmsg >= 0;
	snprintf(path, sizeof(path), "p2prig-fuzz: seed %llu, %llu calls\n",
		 (unsigned long long)p->seed, (unsigned long long)p->calls);
	rig_write("/dev/kmsg", path);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/p2pmem/size",
		 w->nvme.bdf);
	rig_read_u64(path, &rep->rel.p2pmem_size);
	rig_p2pmem_available(&w->nvme, &rep->rel.available_before);
	sentinel = fz_sentinel_open(w, chunk);

	start = fz_now();
	w->single = true;
	rc = fz_obj_open(&obj, false);
	if (!rc)
		rc = fz_thread_init(&th[0], 0, w, &obj, p, calls_a);
	if (!rc)
		fz_thread_main(&th[0]);
	fz_obj_close(&obj);
	w->single = false;
	if (!rc)
		rc = fz_phase_b(w, p, th, p->calls - calls_a);
	rep->elapsed_s = fz_now() - start;

	for (i = 0; i < FZ_THREADS; i++) {
		fz_stats_add(&rep->st, &th[i].st);
		fz_mem_fini(&th[i].mem);
	}
	free(th);

	fz_release_check(w, sentinel, chunk, &rep->rel);
	if (kmsg >= 0) {
		rep->kmsg_suspect = fz_kmsg_scan(kmsg, rep->kmsg_line,
						 FZ_KMSG_MAX);
		close(kmsg);
	}
	return rc;
}
