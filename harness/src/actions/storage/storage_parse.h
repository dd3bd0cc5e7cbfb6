/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fio and nvme-copy step lines share (storage_parse.c): their I/O
 * matrix, their storage and buffer names resolved at the end of the file,
 * the scratch rule, and which expectations apply to them.
 */
#ifndef P2PRIG_STORAGE_PARSE_H
#define P2PRIG_STORAGE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario_parser.h"

/* sizes= and iodepths=. */
bool storage_read_matrix(struct parser *p, const char *sizes, const char *iodepths,
			 struct io_matrix *m);
/* size=: at most MAX, a multiple of every block size. */
bool storage_read_io_size(struct parser *p, const char *text, const struct io_matrix *m,
			  uint64_t max, uint64_t *out);
/* A storage line's index for KEY=NAME, or SCENARIO_NO_INDEX (reported). */
size_t storage_resolve_name(struct parser *p, const char *key, const char *name);
/* buffer=NAME: a provider's index, or SCENARIO_NO_INDEX for RAM; *ok false when unknown. */
size_t storage_resolve_buffer(struct parser *p, const char *name, const struct io_matrix *m,
			      bool *ok);
/* Writing to a storage the file did not mark scratch is refused; WHY says how it writes. */
void storage_check_scratch(struct parser *p, const struct scenario_step *step, size_t storage,
			   const char *why);
/* [offset, offset + bytes) of the storage's region lies inside it, when its size is given. */
void storage_check_fits(struct parser *p, size_t storage, const char *key, uint64_t offset,
			uint64_t bytes);
/*
 * Storage steps map nothing through the module: only their data can be
 * expected (`expect verified`), and with HOST_READS also `expect oracle`.
 */
bool storage_check_expect(struct parser *p, const struct scenario_step *step,
			  const struct scenario_expect *e, const char *what, bool host_reads);

#endif
