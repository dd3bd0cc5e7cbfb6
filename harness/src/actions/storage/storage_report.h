/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fio and nvme-copy steps measured, and their part of result.json
 * (the step's "fio" or "copy" object; results/README.md names the fields).
 */
#ifndef P2PRIG_STORAGE_REPORT_H
#define P2PRIG_STORAGE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "system/bar_regions.h"
#include "util/pattern.h"
#include "actions/storage/storage_syntax.h"

struct json_object;

#define STORAGE_REPORT_TEXT 256
#define STORAGE_REPORT_MAX_COMBOS (STORAGE_MAX_SIZES * STORAGE_MAX_IODEPTHS)
#define STORAGE_REPORT_MAX_JOBS (2 * STORAGE_REPORT_MAX_COMBOS)

/* A storage line and, once resolved, the namespace it names. */
struct storage_ref_report {
	char name[48];
	char selector[64];		/* as the line wrote it: "serial=p2prig1" */
	uint32_t nsid;
	bool scratch;
	bool resolved;			/* the fields below are known */
	char device[64], controller[32], pci[16], serial[24];
	uint64_t namespace_bytes;
	uint32_t lba_bytes;
	uint64_t region_offset, region_bytes;	/* what the steps may use */
};

/* The buffer data moves through. */
struct io_buffer_report {
	char name[48];			/* the provider, or "ram" */
	bool peer;			/* p2pmem of pci; false: RAM */
	char pci[16];
	char path[96];			/* p2pmem/allocate */
};

/* One fio job, or one pass of the runner's loop standing in for it. */
struct io_job_report {
	char name[64];			/* "write-4K-qd1" */
	bool write;			/* rw: write from the buffer; else read into it */
	uint64_t bs;
	uint32_t iodepth;
	uint64_t offset;		/* in the namespace */
	bool ran;			/* the figures below are known */
	uint64_t bytes;
	uint64_t bw_bytes_per_s;
	double iops;
	bool has_clat;			/* fio's completion latencies (not the loop's) */
	double clat_mean_ns;
	uint64_t clat_p50_ns, clat_p99_ns, clat_p99_9_ns;
	uint64_t elapsed_ns;		/* the loop only: wall time */
	uint64_t io_ns;			/* the loop: the I/O's time, bw and iops use it */
	uint64_t pattern_ns;		/* the loop: CPU time on the pattern, kept out */
	int error;			/* fio's error (errno), or the loop's */
	bool verify_checked;		/* a read that verified what the write wrote */
	bool verified;
	struct pattern_check check;	/* the loop's own read-back check */
};

struct fio_report {
	enum fio_engine requested;	/* engine= */
	bool fallback;			/* the runner's loop ran instead of fio */
	char fallback_reason[STORAGE_REPORT_TEXT];
	char version[32];		/* "fio-3.39" */
	char *command;			/* the exact command line, owned */
	char json_file[96];		/* fio's JSON, in the results folder */
	enum fio_rw rw;
	uint64_t size;
	struct io_job_report jobs[STORAGE_REPORT_MAX_JOBS];
	size_t n_jobs;
};

struct copy_combo_report {
	uint64_t bs;
	uint32_t iodepth;
	uint64_t from_offset, to_offset;	/* in the namespaces */
	bool copied;			/* the copy ran to its end; elapsed_ns is known */
	uint64_t bytes;
	uint64_t elapsed_ns;
	bool checked;			/* both ranges were read back and compared */
	struct pattern_check check;	/* destination against source, offsets from the range's start */
	bool seed_checked;		/* seed=: the source against its pattern */
	uint64_t seed_mismatched_bytes;
	char error[STORAGE_REPORT_TEXT];
};

struct copy_report {
	bool has_seed;
	uint64_t seed;
	uint64_t size;
	struct copy_combo_report combos[STORAGE_REPORT_MAX_COMBOS];
	size_t n_combos;
	/* A bar provider: which BAR offsets hold which source bytes at the end. */
	bool regions_known;
	char regions_why[STORAGE_REPORT_TEXT];	/* why not, for a bar provider */
	int bar;
	uint64_t bar_start;
	struct bar_region *regions;	/* owned */
	size_t n_regions;
};

struct storage_io_report {
	struct storage_ref_report storage;	/* fio: the storage; copy: from */
	struct storage_ref_report to;		/* copy only */
	struct io_buffer_report buffer;
	struct fio_report fio;			/* fio steps */
	struct copy_report copy;		/* nvme-copy steps */
};

/* A zeroed report; never NULL. */
struct storage_io_report *storage_io_report_new(void);
void storage_io_report_free(struct storage_io_report *r);

double storage_mibps(uint64_t bytes, uint64_t ns);

struct json_object *storage_fio_json(const struct storage_io_report *r);
struct json_object *storage_copy_json(const struct storage_io_report *r);

#endif
