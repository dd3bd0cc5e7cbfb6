/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runner's own O_DIRECT loop, as p2pmem-test and SPDK's cmb_copy do
 * it: depth worker threads, each with a slot of block bytes in the buffer
 * (peer memory or RAM), take the next block in turn, read it into their
 * slot and write it out of the slot. Either end may instead be a pattern:
 * no source file fills the slot with the pattern of seed (a write pass),
 * no destination file checks the slot against it (a read pass). Pattern
 * bytes are indexed by the file offset of the block they stand for.
 */
#ifndef P2PRIG_COPY_LOOP_H
#define P2PRIG_COPY_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/pattern.h"

#define COPY_LOOP_NO_BLOCK UINT64_MAX

struct copy_loop {
	/* In */
	int src_fd;			/* -1: the pattern of seed */
	int dst_fd;			/* -1: check against the pattern of seed */
	uint64_t src_offset, dst_offset;	/* file offsets of the first block */
	uint64_t bytes;			/* a multiple of block */
	uint64_t block;
	uint32_t depth;			/* threads, and slots */
	uint8_t *slots;			/* depth x block bytes */
	uint64_t seed;
	/* Out */
	uint64_t elapsed_ns;		/* first block taken to last block done */
	/*
	 * The I/O's own time, the figures' time: the longest any worker
	 * spent apart from filling or checking its slot. The pattern is CPU
	 * work, not the device's, whatever the buffer is.
	 */
	uint64_t io_ns;
	uint64_t pattern_ns;		/* CPU time filling or checking, all workers */
	uint64_t blocks_done;
	struct pattern_check check;	/* dst_fd < 0: offsets from src_offset */
	/* Per slot, the block index last read into it (COPY_LOOP_NO_BLOCK: none); depth entries. */
	uint64_t *slot_block;
	int error;			/* errno of the first failure, 0: none */
	char error_text[160];		/* "pread of 4096 bytes at 0x..." */
};

/* Runs the loop; 0, or the first failure's errno (also in c->error). */
int copy_loop_run(struct copy_loop *c);

#endif
