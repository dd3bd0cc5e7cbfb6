/* SPDX-License-Identifier: GPL-2.0 */
/* A whole stream read into memory: a scenario file, fio's JSON output. */
#ifndef P2PRIG_READ_ALL_H
#define P2PRIG_READ_ALL_H

#include <stdbool.h>
#include <stdio.h>

/*
 * All of F as one NUL-terminated buffer the caller frees, its length in
 * *SIZE (a NUL byte inside the text stays there for the caller to find);
 * *READ_ERROR says whether F failed part-way. F is closed.
 */
char *read_all_and_close(FILE *f, size_t *size, bool *read_error);

#endif
