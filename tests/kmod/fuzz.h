/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uAPI fuzzer's parts (tests/kmod/fuzz*.c), one concern per file:
 *   fuzz_rand.c    the seeded generator and boundary values
 *   fuzz_mem.c     where arguments and user buffers live, good and bad
 *   fuzz_fields.c  each uAPI struct's rules, and breaking one of them
 *   fuzz_call.c    one call: placed, made, counted, judged
 *   fuzz_stats.c   outcome sets per ioctl, the histogram, the JSON report
 *   fuzz_model.c   what each open file holds, as the fuzzer knows it
 *   fuzz_ops_mem.c chunks and mappings
 *   fuzz_ops_dma.c transfers, probes, benchmarks
 *   fuzz_ops_buf.c dma-bufs, unknown ioctls, bad fds, closing files
 *   fuzz_run.c     threads, phases, and the release check afterwards
 *   fuzz_kmsg.c    the kernel log since a point in time
 *
 * Determinism: each thread draws from its own generator, seeded from the
 * run's seed and the thread's number, so the calls a thread makes follow
 * from the seed; with more than one thread, how they interleave does not.
 *
 * Safety: the fuzzer must never make the module do what would break the
 * machine for a reason that is not the module's: a transfer through a PCI
 * bus address behind a translating IOMMU (QEMU faults it), a long
 * benchmark, a user buffer the kernel could overrun. So every transfer
 * that could reach the initiator uses a mapping the fuzzer knows is
 * deliverable and counts against a small budget, and every other one is
 * refused before any DMA by construction; user buffers end in holes.
 */
#ifndef P2PRIG_TESTS_KMOD_FUZZ_H
#define P2PRIG_TESTS_KMOD_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rig.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
/* printf checking where kselftest.h defines it (fuzz.c), else none. */
#ifndef __printf
#define __printf(a, b)
#endif

/* fuzz_rand.c: xorshift64*, one stream per thread. */
struct fz_rng {
	uint64_t s;
};

void fz_rng_seed(struct fz_rng *r, uint64_t seed, unsigned int stream);
uint64_t fz_next(struct fz_rng *r);
/* 0..n-1; n > 0. */
uint64_t fz_below(struct fz_rng *r, uint64_t n);
bool fz_chance(struct fz_rng *r, unsigned int percent);
/* A value where code tends to break: 0, 1, powers of two and their
 * neighbours, all ones, the sign bit, or anything.
 */
uint64_t fz_u64_edge(struct fz_rng *r);
uint32_t fz_u32_edge(struct fz_rng *r);
/* An enum value that is out of range: @max, just past it, or far off. */
uint32_t fz_enum_bad(struct fz_rng *r, uint32_t max);
/* A multiple of 4 KiB in [min, max], small ones likelier. */
uint64_t fz_pages(struct fz_rng *r, uint64_t min, uint64_t max);

/* fuzz_mem.c: how an argument or buffer pointer is given. */
enum fz_ptr {
	FZ_PTR_OK,		/* a good, writable buffer */
	FZ_PTR_RO,		/* readable only: nothing can be written back */
	FZ_PTR_STRADDLE,	/* starts mapped, runs into a hole */
	FZ_PTR_NULL,
	FZ_PTR_LOW,		/* a small integer */
	FZ_PTR_HOLE,		/* an unmapped page of ours */
	FZ_PTR_KERNEL,		/* the kernel's direct map or text */
	FZ_PTR_NONCANON,	/* past the end of user space */
	FZ_NR_PTRS
};

#define FZ_PAGE		4096u
#define FZ_IO_SIZE	(64u << 10)

/*
 * One thread's memory: pages in one reservation with holes between them.
 * @arg takes arguments, @ro is a read-only view of the page @alias writes,
 * @io is FZ_IO_SIZE bytes of user buffer; a hole follows each.
 */
struct fz_mem {
	unsigned char *base;
	size_t len;
	unsigned char *arg;
	unsigned char *ro;
	unsigned char *alias;
	unsigned char *hole;
	unsigned char *io;
	int memfd;
};

int fz_mem_init(struct fz_mem *m);
void fz_mem_fini(struct fz_mem *m);
/* Where an argument of @size bytes is passed as @ptr; @img is put there. */
void *fz_mem_place(struct fz_mem *m, enum fz_ptr ptr, const void *img,
		   size_t size);
/* Whether the kernel can read the whole of what fz_mem_place gave. */
bool fz_ptr_readable(enum fz_ptr ptr);
const char *fz_ptr_name(enum fz_ptr ptr);
/* A pointer for an embedded user buffer that the kernel can never read. */
uint64_t fz_mem_bad(struct fz_mem *m, struct fz_rng *r);

/* fuzz_fields.c: a rule of one field of a uAPI argument. */
struct fz_field {
	const char *what;	/* the rule broken: "dir out of range" */
	unsigned int offset;	/* in the struct */
	unsigned int size;	/* of the field, or of one element */
	unsigned int count;	/* elements: 1, or reserved[count] */
	uint32_t bad;		/* an enum: values from here on; 0: zero */
};

/* An (offset, length) pair of u64 fields within a chunk. */
struct fz_range {
	unsigned int offset_at, length_at;
	uint64_t unit;		/* the length's granule: 1 or FZ_PAGE */
};

struct fz_fields {
	const struct fz_field *field;
	unsigned int n;
	const struct fz_range *range;	/* NULL: none; else its rules follow */
};

extern const struct fz_fields fz_chunk_alloc_fields, fz_handle_fields,
	fz_chunk_io_fields, fz_map_fields, fz_unmap_fields, fz_xfer_fields,
	fz_probe_fields, fz_map_bench_fields, fz_export_fields,
	fz_export_stats_fields, fz_import_fields, fz_attach_check_fields;

/* fuzz_stats.c: what is counted, and which outcomes each ioctl may have. */
enum fz_op {
	FZ_INFO,
	FZ_CHUNK_ALLOC,
	FZ_CHUNK_FREE,
	FZ_CHUNK_IO,
	FZ_MAP,
	FZ_UNMAP,
	FZ_XFER,
	FZ_PROBE,
	FZ_EXPORT,
	FZ_EXPORT_STATS,
	FZ_IMPORT,
	FZ_ATTACH_CHECK,
	FZ_MAP_BENCH,
	FZ_UNKNOWN,
	FZ_NR_OPS
};

/* Outcomes, a bit each: success and the errnos the uAPI defines. */
enum {
	FZ_OK = 1u << 0,
	FZ_EINTR = 1u << 1,
	FZ_EIO = 1u << 2,
	FZ_EBADF = 1u << 3,
	FZ_ENOMEM = 1u << 4,
	FZ_EFAULT = 1u << 5,
	FZ_EBUSY = 1u << 6,
	FZ_ENODEV = 1u << 7,
	FZ_EINVAL = 1u << 8,
	FZ_EMFILE = 1u << 9,
	FZ_ENOTTY = 1u << 10,
	FZ_EOPNOTSUPP = 1u << 11,
	FZ_ETIMEDOUT = 1u << 12,
	FZ_EREMOTEIO = 1u << 13,
};

/* Errno slots of the histogram: errno 0..FZ_ERRNOS-1, 0 for success. */
#define FZ_ERRNOS	256

struct fz_stats {
	uint64_t calls[FZ_NR_OPS];
	uint64_t res[FZ_NR_OPS][FZ_ERRNOS];
	uint64_t undefined;	/* an errno outside the ioctl's set */
	uint64_t unexpected;	/* in the set, yet not what the input must give */
	uint64_t xfer_dma;	/* transfers that could reach the initiator */
	uint64_t bench_runs;	/* MAP_BENCH calls that could run */
	uint64_t reopens;	/* /dev/p2prig files closed and opened again */
	uint64_t dbuf_closes;	/* dma-buf fds closed */
	uint64_t dbuf_closes_imported;	/* ... while an import of ours held it */
};

const char *fz_op_name(enum fz_op op);
/* The outcomes @op may have at all. */
uint32_t fz_op_set(enum fz_op op);
/* The bit of a return value: 0 or -errno; 0 for an untracked errno. */
uint32_t fz_bit(int rc);
void fz_stats_add(struct fz_stats *to, const struct fz_stats *from);
uint64_t fz_stats_total(const struct fz_stats *st);

/* Failures worth a line each, from every thread. */
#define FZ_LOG_MAX	64
#define FZ_LOG_LEN	400

struct fz_log {
	pthread_mutex_t lock;
	unsigned int n;		/* all of them, kept or not */
	char line[FZ_LOG_MAX][FZ_LOG_LEN];
};

void fz_log_init(struct fz_log *log);
__printf(2, 3) void fz_log(struct fz_log *log, const char *fmt, ...);

/* What the run left behind, for the report. */
struct fz_release {
	uint64_t p2pmem_size;
	uint64_t available_before;
	uint64_t available_after;
	uint32_t nr_exports;
	uint32_t nr_imports;
	bool sentinel_intact;
	bool engine_works;
	bool released;
};

#define FZ_KMSG_MAX	16

struct fz_report {
	uint64_t seed;
	uint64_t calls_requested;
	unsigned int threads;
	unsigned int shared_threads;
	double elapsed_s;
	unsigned int xfer_budget;
	unsigned int bench_budget;
	struct fz_stats st;
	struct fz_release rel;
	bool kmsg_read;
	unsigned int kmsg_suspect;
	char kmsg_line[FZ_KMSG_MAX][FZ_LOG_LEN];
	const struct fz_log *log;
};

/* "# " lines: totals, then a line per ioctl. */
void fz_report_print(FILE *f, const struct fz_report *rep);
int fz_report_json(const char *path, const struct fz_report *rep);

/* fuzz_model.c: what an open file of /dev/p2prig holds, as far as known. */
#define FZ_MAX_CHUNKS	12
#define FZ_MAX_MAPS	24
#define FZ_MAX_DBUFS	6
#define FZ_DEAD		8

struct fz_chunk {
	uint32_t handle;
	uint64_t size;
	bool peer;
};

struct fz_map {
	uint32_t handle;
	uint64_t length;
	uint32_t dir;		/* enum p2prig_dir */
	bool deliverable;	/* the initiator can reach its address here */
	int dbuf;		/* an import of this object's dma-buf fd, else -1 */
};

struct fz_dbuf {
	int fd;
	uint64_t size;
};

/* The last FZ_DEAD handles of one kind released, of @released so far. */
struct fz_dead {
	uint32_t handle[FZ_DEAD];
	unsigned int released;
};

/*
 * Every call that makes or releases a handle, and every transfer, holds
 * @lock, so what is recorded here is what the file holds. Other calls run
 * without it, alongside.
 */
struct fz_obj {
	pthread_mutex_t lock;
	int fd;
	bool replace;		/* reopened by dup2 over the same fd number */
	struct fz_chunk chunk[FZ_MAX_CHUNKS];
	unsigned int nr_chunks;
	struct fz_map map[FZ_MAX_MAPS];
	unsigned int nr_maps;
	struct fz_dbuf dbuf[FZ_MAX_DBUFS];
	unsigned int nr_dbufs;
	struct fz_dead dead_chunks;
	struct fz_dead dead_maps;
};

int fz_obj_open(struct fz_obj *o, bool replace);
/* Close the file and every dma-buf fd; the object is empty afterwards. */
void fz_obj_close(struct fz_obj *o);
/* Forget the file's handles (it was closed); dma-bufs stay. */
void fz_obj_forget(struct fz_obj *o);
struct fz_chunk *fz_obj_chunk(struct fz_obj *o, uint32_t handle);
struct fz_map *fz_obj_map(struct fz_obj *o, uint32_t handle);
struct fz_dbuf *fz_obj_dbuf(struct fz_obj *o, int fd);
bool fz_obj_add_chunk(struct fz_obj *o, const struct fz_chunk *c);
bool fz_obj_add_map(struct fz_obj *o, const struct fz_map *m);
bool fz_obj_add_dbuf(struct fz_obj *o, int fd, uint64_t size);
void fz_obj_drop_chunk(struct fz_obj *o, uint32_t handle);
void fz_obj_drop_map(struct fz_obj *o, uint32_t handle);
void fz_obj_drop_dbuf(struct fz_obj *o, int fd);
/* A released handle that no live object of its kind has now, or 0. */
uint32_t fz_obj_dead_chunk(struct fz_obj *o, struct fz_rng *r);
uint32_t fz_obj_dead_map(struct fz_obj *o, struct fz_rng *r);

/* fuzz_run.c: the machine, and a thread's place in the run. */
#define FZ_MAX_PCI	32
#define FZ_MAX_FOREIGN	6
#define FZ_MAX_UDMABUF	2

struct fz_world {
	struct rig_dev nvme, edu, absent;
	struct rig_dev pci[FZ_MAX_PCI];	/* every function present */
	bool lends[FZ_MAX_PCI];		/* ... and whether it publishes p2pmem */
	unsigned int nr_pci;
	struct p2prig_info info;
	uint64_t bar_start[6];		/* the nvme's BARs, from sysfs */
	uint64_t bar_len[6];
	bool single;		/* one thread: answers that depend on state are exact */
	int foreign[FZ_MAX_FOREIGN];	/* open fds that are not dma-bufs */
	unsigned int nr_foreign;
	int udmabuf[FZ_MAX_UDMABUF];
	uint64_t udmabuf_size[FZ_MAX_UDMABUF];
	unsigned int nr_udmabuf;
	int closed_fd;		/* a number no fd of ours ever has */
	struct fz_log log;
};

struct fz_thread {
	unsigned int id;
	struct fz_world *w;
	struct fz_obj *obj;
	struct fz_rng rng;
	struct fz_mem mem;
	struct fz_stats st;
	uint64_t quota;
	unsigned int xfer_budget;
	unsigned int bench_budget;
};

/*
 * One ioctl as the fuzzer makes it. @img is the argument as meant; it is
 * placed as @ptr says, and after the call @img holds what the kernel wrote
 * back (when @ptr is FZ_PTR_OK). @expect narrows the outcomes to what this
 * input must give (0: any in the ioctl's set); @what names the variant.
 */
struct fz_call {
	enum fz_op op;
	int fd;
	unsigned long cmd;
	void *img;		/* NULL: @raw is passed as the argument */
	size_t size;
	uint64_t raw;
	enum fz_ptr ptr;
	uint32_t expect;
	const char *what;
	bool bad_fd;		/* @fd is not open: -EBADF before anything */
	/* @expect holds only while the handle names what it did when picked */
	bool racy;
};

/*
 * A call of P2PRIG_IOC_<kind> counted as FZ_<kind>, its argument the
 * image @arg passed as @ptr says.
 */
#define FZ_CALL_OF(kind, arg, ptr_) {					\
	.op = FZ_##kind, .cmd = P2PRIG_IOC_##kind,			\
	.img = &(arg), .size = sizeof(arg), .ptr = (ptr_),		\
}

/*
 * Break rule @i of @fields in @c's argument (an image of their struct): an
 * enum past its range, or a reserved field (an element picked at random)
 * not zero; then the call must give -EINVAL, and @c says which rule. False
 * when @i is past the table: nothing is changed.
 */
bool fz_break(struct fz_rng *r, struct fz_call *c,
	      const struct fz_fields *fields, uint64_t i);
/*
 * The same for a struct with a range in a chunk of @room bytes: past the
 * field rules come the range's (length 0, offset unaligned, overflowing,
 * past the end, length not a multiple of its granule).
 */
bool fz_break_in(struct fz_rng *r, struct fz_call *c,
		 const struct fz_fields *fields, uint64_t i, uint64_t room);
/* Narrow @c to @expect (0: any outcome in the ioctl's set); @what names it. */
static inline void fz_expect(struct fz_call *c, uint32_t expect,
			     const char *what)
{
	c->expect = expect;
	c->what = what;
}

/* Lock the thread's object and aim @c at its file. */
static inline void fz_lock_obj(struct fz_thread *t, struct fz_call *c)
{
	pthread_mutex_lock(&t->obj->lock);
	c->fd = t->obj->fd;
}

/* Make the call, count it, judge it; returns 0 or -errno. */
int fz_call(struct fz_thread *t, struct fz_call *c);
/*
 * fz_call(), and whether it succeeded with a good argument pointer: only
 * then is the kernel's answer in @c's image, to be checked and modelled.
 */
bool fz_call_answered(struct fz_thread *t, struct fz_call *c);
/* An argument pointer mode: mostly good, sometimes not. */
enum fz_ptr fz_pick_ptr(struct fz_thread *t);
/* A PCI function for an initiator or importer field: mostly edu. */
struct p2prig_pci_addr fz_pick_pci(struct fz_thread *t);
/*
 * Whether no other thread uses the object: then what a handle named when
 * it was picked, it still names at the call, locked or not.
 */
bool fz_owned(const struct fz_thread *t);
/* A method in method_mask that fits a chunk of this kind, or one that does not. */
uint32_t fz_method_for(struct fz_thread *t, bool peer);
uint32_t fz_method_misfit(struct fz_thread *t, bool peer);
/* A value that is not zero. */
uint64_t fz_nonzero(struct fz_rng *r);
/* A chunk the object holds (copied), taking its lock unless @locked. */
bool fz_pick_chunk(struct fz_thread *t, bool locked, struct fz_chunk *out);
/* A handle the file does not hold, stale or random; the lock is held. */
uint32_t fz_unknown_chunk(struct fz_thread *t);
uint32_t fz_unknown_map(struct fz_thread *t);
/* Record something the kernel answered that it must not. */
__printf(3, 4)
void fz_fail(struct fz_thread *t, const struct fz_call *c, const char *fmt,
	     ...);
/*
 * Model the mapping a good MAP or IMPORT (@c) made: @flags (its
 * P2PRIG_MAP_F_*) tell whether the initiator reaches it; @dbuf as in
 * struct fz_map. No room in the model is the fuzzer's own bug.
 */
void fz_model_map(struct fz_thread *t, const struct fz_call *c,
		  uint32_t handle, uint64_t length, uint32_t dir,
		  uint32_t flags, int dbuf);

/* fuzz_ops_mem.c and fuzz_ops_buf.c: one random call of each kind. */
void fz_op_info(struct fz_thread *t);
void fz_op_chunk_alloc(struct fz_thread *t);
void fz_op_chunk_free(struct fz_thread *t);
void fz_op_chunk_io(struct fz_thread *t);
void fz_op_map(struct fz_thread *t);
void fz_op_unmap(struct fz_thread *t);
void fz_op_xfer(struct fz_thread *t);
void fz_op_probe(struct fz_thread *t);
void fz_op_map_bench(struct fz_thread *t);
void fz_op_export(struct fz_thread *t);
void fz_op_export_stats(struct fz_thread *t);
void fz_op_import(struct fz_thread *t);
void fz_op_attach_check(struct fz_thread *t);
void fz_op_unknown(struct fz_thread *t);
void fz_op_bad_fd(struct fz_thread *t);
void fz_op_reopen(struct fz_thread *t);
void fz_op_close_dbuf(struct fz_thread *t);

/* fuzz_run.c */
struct fz_params {
	uint64_t seed;
	uint64_t calls;
};

int fz_world_init(struct fz_world *w, char *why, size_t len);
void fz_world_fini(struct fz_world *w);
/* The whole run, then the release check; fills @rep. 0, or -errno. */
int fz_run(struct fz_world *w, const struct fz_params *p,
	   struct fz_report *rep);

/* fuzz_kmsg.c: kernel log records from the moment fz_kmsg_open ran. */
int fz_kmsg_open(void);
/* Lines that say the kernel went wrong; the first FZ_KMSG_MAX are kept. */
unsigned int fz_kmsg_scan(int fd, char lines[][FZ_LOG_LEN], unsigned int max);
/*
 * Whether a kernel log line, logged at @prio (facility * 8 + level), says
 * the kernel went wrong.
 */
bool fz_kmsg_suspect(int prio, const char *text);

#endif
