/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a map-cost step measured, and its part of result.json (the step's
 * "map_cost" object; results/README.md names the fields). Every figure is
 * in nanoseconds and says so in its name.
 */
#ifndef P2PRIG_MAP_COST_REPORT_H
#define P2PRIG_MAP_COST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "system/dma_trace.h"
#include "actions/map-cost/map_cost_syntax.h"

struct json_object;
struct map_cost_kbench;

#define MAP_COST_TEXT 320
#define MAP_COST_MAX_ENTRIES (MAP_COST_METHODS * MAP_COST_MAX_GRANULES)

/* One call's figures over one MAP_BENCH run (struct p2prig_bench_stats). */
struct bench_figures {
	uint64_t n, min_ns, max_ns, mean_ns, stddev_ns, p50_ns, p99_ns;
};

struct bench_repeat {
	struct bench_figures map, unmap;
	uint64_t elapsed_ns;
	int32_t first_error;		/* negative errno, 0 */
	bool interrupted;
};

/* A figure across repeats: the mean of the repeats' means, its spread, and the flag. */
struct repeat_figure {
	size_t repeats;			/* 0: nothing measured */
	double mean_ns, stddev_ns;	/* stddev: sample (n - 1) of the repeat means */
	double cv_percent;		/* stddev / mean * 100 */
	bool cv_flagged;		/* cv_percent > MAP_COST_CV_LIMIT_PERCENT */
};

enum map_cost_outcome {
	MAP_COST_NOT_RUN,
	MAP_COST_MEASURED,
	MAP_COST_SKIPPED,		/* the kernel or module lacks the method: reason */
	MAP_COST_FAILED,		/* a map the kernel refused, a trace proof broken: reason */
};

/* The trace proof of one method x granule: a short traced run, apart from the timed ones. */
struct map_cost_trace {
	bool ran;
	uint64_t calls;			/* maps MAP_BENCH reported for the traced run */
	enum dma_trace_attrs expect;
	struct dma_trace_tally tally;
	bool passed;
	char verdict[192];
};

struct map_cost_entry {
	enum map_cost_method method;
	uint64_t granule;
	enum map_cost_outcome outcome;
	char reason[MAP_COST_TEXT];
	struct bench_repeat repeats[MAP_COST_MAX_REPEATS];
	size_t n_repeats;
	struct repeat_figure map, unmap;
	struct map_cost_trace trace;
	uint32_t map_type;		/* enum p2prig_map_type MAP_BENCH reported */
	uint32_t route;			/* enum p2prig_route its maps took */
};

struct map_cost_report {
	struct map_cost_params params;
	char provider[48], ram[48], initiator[48], initiator_pci[16];
	struct map_cost_entry entries[MAP_COST_MAX_ENTRIES];
	size_t n_entries;
	/* The trace proof as a whole. */
	bool trace_used;		/* false: trace_note says why not */
	char trace_events[128];		/* "dma_map_phys,dma_unmap_phys,..." */
	char trace_file[96];		/* in the results folder */
	char trace_note[MAP_COST_TEXT];
	size_t flagged;			/* figures whose cv exceeds the limit */
	/* kernel-bench=: the kernel's dma_map_benchmark beside ram; NULL when not asked. Owned. */
	struct map_cost_kbench *kbench;
};

struct map_cost_report *map_cost_report_new(void);
void map_cost_report_free(struct map_cost_report *r);

/* The figure of values (one per repeat). */
struct repeat_figure repeat_figure_of(const double *values, size_t n);
/* Fills e->map and e->unmap from e->repeats. */
void map_cost_entry_summarise(struct map_cost_entry *e);

const char *map_cost_outcome_name(enum map_cost_outcome o);
/* {repeats, mean_ns, stddev_ns, cv_percent, cv_flagged}. */
struct json_object *map_cost_figure_json(const struct repeat_figure *f);
struct json_object *map_cost_json(const struct map_cost_report *r);

#endif
