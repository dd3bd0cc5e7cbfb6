/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel health watch: the kernel log from a marker written at the start
 * of the run, scanned after each step for warnings, bugs, oopses, IOMMU
 * faults and the reports of the kernel's debug checkers (dma-debug, KASAN,
 * lockdep, UBSAN, kmemleak...) that no allow-dmesg line excuses.
 */
#ifndef P2PRIG_HEALTH_H
#define P2PRIG_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario.h"
#include "util/strlist.h"

#define HEALTH_KMSG_PATH "/dev/kmsg"

/*
 * How a finding, or a line of a saved log, starts that says the kernel
 * overwrote records before they were read: what they said is unknown.
 */
#define HEALTH_LOST_RECORDS "p2prig: the kernel log overwrote "

/*
 * Written into the kernel log by the rig around its own kmemleak scan at
 * the end of a run (harness/vlab/guest-checkers.sh). What kmemleak says
 * between the two is judged by the host's debug-checkers check, by each
 * leak's backtrace (kmemleak.txt), not as a kernel-log line.
 */
#define HEALTH_LEAK_SCAN_BEGIN "p2prig: kmemleak scan begins"
#define HEALTH_LEAK_SCAN_END "p2prig: kmemleak scan ends"

struct health_watch {
	int fd;			/* -1: the log cannot be read, see why */
	char why[160];
	unsigned long long next_seq;	/* the record read next; 0: none read yet */
	unsigned long long lost;	/* records overwritten before they were read */
};

/* A record's priority (facility * 8 + level) when the log kept none. */
#define HEALTH_PRIO_UNKNOWN (-1)

struct health_record {
	int prio;
	unsigned long long seq;
	unsigned long long usec;
};

/*
 * Opens the log at its end (only what happens from now on counts) and
 * writes "p2prig: begin scenario NAME" into it. False, with w->why, when
 * the log cannot be read.
 */
bool health_open(struct health_watch *w, const char *kmsg_path, const char *scenario_name);

/* Writes one line into the kernel log, for readers of dmesg. */
void health_mark(const char *kmsg_path, const char *text);

/*
 * Every record since the last call; appends the unexcused suspect ones, as
 * health_finding_text() words them, and a finding saying how many records
 * the kernel overwrote before they could be read (their sequence numbers
 * jump), if it did.
 */
void health_poll(struct health_watch *w, const struct scenario_allow *allows, size_t n_allows,
		 struct strlist *found);

void health_close(struct health_watch *w);

/* The message text of one /dev/kmsg record ("PRI,SEQ,TS,FLAGS;TEXT\n..."). */
bool health_record_text(const char *record, size_t len, char *out, size_t size);

/* The same, with the record's priority, sequence number and time. */
bool health_record_read(const char *record, size_t len, struct health_record *r, char *out,
			size_t size);

/*
 * WARNING:, BUG:, Oops, IOMMU faults, debug checkers' reports and the like:
 * the markers of kmsg_markers.h, whatever the line's priority.
 */
bool health_text_is_suspect(const char *text);

/*
 * A line the kernel logged at @prio (HEALTH_PRIO_UNKNOWN: a log that kept
 * none): a marker, or crit and worse, or err and worse from an IOMMU driver.
 */
bool health_line_is_suspect(int prio, const char *text);

/* Whether an IOMMU driver logged @text (its fault, or another of its errors). */
bool health_text_is_iommu(const char *text);

/*
 * The kernel debug checker whose report a suspect line starts, or NULL:
 * "dma-debug" (DMA-API:), "KASAN", "lockdep" (lock and RCU checks),
 * "atomic-sleep" (DEBUG_ATOMIC_SLEEP), "UBSAN" or "kmemleak" (suspected
 * leaks). Lines a checker prints about itself (dma-debug's "preallocated
 * 65536 debug entries") are neither suspect nor named.
 */
const char *health_text_checker(const char *text);

/*
 * A suspect line as a finding: "[CHECKER] TEXT" when a debug checker
 * printed it, else TEXT; truncated to fit @size.
 */
void health_finding_text(const char *text, char *out, size_t size);

bool health_text_is_allowed(const char *text, const struct scenario_allow *allows,
			    size_t n_allows);

#endif
