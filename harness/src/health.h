/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel health watch: the kernel log from a marker written at the start
 * of the run, scanned after each step for warnings, bugs, oopses and IOMMU
 * faults that no allow-dmesg line excuses.
 */
#ifndef P2PRIG_HEALTH_H
#define P2PRIG_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"
#include "strlist.h"

#define HEALTH_KMSG_PATH "/dev/kmsg"

struct health_watch {
	int fd;			/* -1: the log cannot be read, see why */
	char why[160];
};

/*
 * Opens the log at its end (only what happens from now on counts) and
 * writes "p2prig: begin scenario NAME" into it. False, with w->why, when
 * the log cannot be read.
 */
bool health_open(struct health_watch *w, const char *kmsg_path, const char *scenario_name);

/* Writes one line into the kernel log, for readers of dmesg. */
void health_mark(const char *kmsg_path, const char *text);

/* Every record since the last call; appends the unexcused suspect ones. */
void health_poll(struct health_watch *w, const struct scenario_allow *allows, size_t n_allows,
		 struct strlist *found);

void health_close(struct health_watch *w);

/* The message text of one /dev/kmsg record ("PRI,SEQ,TS,FLAGS;TEXT\n..."). */
bool health_record_text(const char *record, size_t len, char *out, size_t size);

/* WARNING:, BUG:, Oops, IOMMU faults and the like. */
bool health_text_is_suspect(const char *text);

bool health_text_is_allowed(const char *text, const struct scenario_allow *allows,
			    size_t n_allows);

#endif
