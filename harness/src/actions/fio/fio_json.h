/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fio's --output-format=json, read with json-c: the version, and per job
 * its name, error and the figures of the direction it moved. Only what a
 * fio step records is kept.
 */
#ifndef P2PRIG_FIO_JSON_H
#define P2PRIG_FIO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIO_JSON_MAX_JOBS	160
#define FIO_JSON_NAME_MAX	64

/* One direction ("read" or "write") of a job. */
struct fio_figures {
	uint64_t io_bytes;
	uint64_t bw_bytes;		/* bytes per second */
	double iops;
	uint64_t total_ios;
	bool has_clat;			/* fio reported completion latencies */
	double clat_mean_ns;
	uint64_t clat_p50_ns, clat_p99_ns, clat_p99_9_ns;
};

struct fio_job {
	char name[FIO_JSON_NAME_MAX];
	int error;			/* errno-style, 0: none (84, EILSEQ: verify failed) */
	struct fio_figures read, write;
};

struct fio_output {
	char version[32];		/* "fio-3.39" */
	size_t n_jobs;
	struct fio_job jobs[FIO_JSON_MAX_JOBS];
};

/*
 * Parses fio's JSON. Text before the first line that starts with '{' (fio
 * writes notes there) is skipped. Returns 0, or -1 with the reason in why.
 */
int fio_json_parse(const char *text, struct fio_output *out, char *why, size_t why_size);
int fio_json_parse_file(const char *path, struct fio_output *out, char *why, size_t why_size);

/* The job named NAME, or NULL. */
const struct fio_job *fio_output_job(const struct fio_output *out, const char *name);

#endif
