/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `storage` lines, `fio` steps and `nvme-copy` steps hold
 * (scenarios/README.md, "Storage") and the parsers of their values.
 * scenario.c reads the lines and reports errors with file:line; the
 * words themselves are judged here so the rules live in one place.
 */
#ifndef P2PRIG_STORAGE_SYNTAX_H
#define P2PRIG_STORAGE_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORAGE_CTRL_TEXT_MAX	64	/* "serial=...", as nvme_inventory_find_ns takes it */
#define STORAGE_MAX_SIZES	8
#define STORAGE_MAX_IODEPTHS	8
#define STORAGE_MAX_BLOCK	(16ULL << 20)
#define STORAGE_MAX_IODEPTH	256
#define STORAGE_ALIGN		4096	/* O_DIRECT and p2pmem pages both want it */
/* A RAM buffer (fio's own, or the copy's) at most this big: the guest is small. */
#define STORAGE_MAX_RAM_BUFFER	(256ULL << 20)
/* The copy reads both ranges back into RAM to compare them. */
#define STORAGE_MAX_COPY_SIZE	(64ULL << 20)
/* A fio step's timeout=, in seconds: a day. */
#define STORAGE_MAX_FIO_TIMEOUT	86400

enum fio_engine {
	FIO_ENGINE_LIBAIO,
	FIO_ENGINE_IO_URING,
};

/* What a fio step does per combination. */
enum fio_rw {
	FIO_RW_WRITE_READ,	/* a write job from the buffer, then a verifying read job into it */
	FIO_RW_READ,		/* a read job only: no writes, nothing to verify */
};

/* Every size with every iodepth, sizes outermost, in the order written. */
struct io_matrix {
	uint64_t sizes[STORAGE_MAX_SIZES];
	size_t n_sizes;
	uint32_t iodepths[STORAGE_MAX_IODEPTHS];
	size_t n_iodepths;
};

/* `step NAME fio ...` */
struct fio_params {
	size_t storage;			/* index in scenario.storages */
	size_t buffer;			/* index in scenario.providers; SCENARIO_NO_INDEX: RAM */
	struct io_matrix matrix;
	uint64_t size;			/* bytes each job moves */
	uint64_t offset;		/* in the storage's region */
	enum fio_engine engine;
	enum fio_rw rw;
	uint32_t timeout_s;		/* timeout=: seconds fio may run; 0: no bound */
};

/* `step NAME nvme-copy ...` */
struct copy_params {
	size_t from, to;		/* indices in scenario.storages */
	size_t buffer;			/* index in scenario.providers; SCENARIO_NO_INDEX: RAM */
	struct io_matrix matrix;
	uint64_t size;			/* bytes per combination */
	uint64_t offset;		/* in both storages' regions, of the first combination */
	bool has_seed;			/* the source is filled with the pattern of seed first */
	uint64_t seed;
};

const char *fio_engine_name(enum fio_engine engine);
bool fio_engine_parse(const char *text, enum fio_engine *out);
const char *fio_rw_name(enum fio_rw rw);
bool fio_rw_parse(const char *text, enum fio_rw *out);

/*
 * The controller part of a storage line: serial=SERIAL (printable, no
 * blanks, at most 20 characters as Identify gives it), slot=[DOMAIN:]BUS:DEV.FN
 * or name=nvmeN. False with the reason in why.
 */
bool storage_controller_ok(const char *text, char *why, size_t why_size);

/*
 * "4K,64K,1M": block sizes, multiples of 4K, at most STORAGE_MAX_BLOCK, no
 * repeats, at most STORAGE_MAX_SIZES. False with the reason in why.
 */
bool storage_sizes_parse(const char *text, uint64_t *sizes, size_t *n, char *why,
			 size_t why_size);

/* "1,16": 1 to STORAGE_MAX_IODEPTH, no repeats, at most STORAGE_MAX_IODEPTHS. */
bool storage_iodepths_parse(const char *text, uint32_t *depths, size_t *n, char *why,
			    size_t why_size);

size_t io_matrix_count(const struct io_matrix *m);
/* Combination i: sizes outermost. */
void io_matrix_at(const struct io_matrix *m, size_t i, uint64_t *bs, uint32_t *iodepth);
/* The most buffer any combination needs: max(bs x iodepth). */
uint64_t io_matrix_max_buffer(const struct io_matrix *m);

#endif
