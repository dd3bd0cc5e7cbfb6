/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one fio invocation of a fio step: global options, then for every
 * size x iodepth a write job from the buffer and a read job into it over
 * the same bytes, each behind a stonewall so they run one at a time.
 * verify=crc32c has the write job stamp every block and the read job check
 * every block it reads (do_verify=0 keeps the write job from reading back
 * itself).
 */
#ifndef P2PRIG_FIO_COMMAND_H
#define P2PRIG_FIO_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/storage/storage_syntax.h"

struct fio_command {
	char **argv;			/* NULL-terminated, owned */
	size_t argc;
};

struct fio_command_input {
	const struct fio_params *params;
	const char *device;		/* /dev/nvme1n1 */
	uint64_t offset;		/* in the namespace */
	const char *iomem_path;		/* p2pmem/allocate; NULL: fio's own RAM buffers */
	const char *json_path;		/* --output */
};

void fio_command_build(const struct fio_command_input *in, struct fio_command *cmd);
/* The command line as a shell would take it back; owned by the caller. */
char *fio_command_text(const struct fio_command *cmd);
void fio_command_free(struct fio_command *cmd);

/* "write-4K-qd1", the job's --name. */
void fio_job_name(char *buf, size_t size, bool write, uint64_t bs, uint32_t iodepth);

#endif
