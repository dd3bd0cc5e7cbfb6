/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own dma_map_benchmark beside a map-cost step's ram method
 * (`kernel-bench=dma_map_benchmark`): harness/vlab/guest-dma-bench.sh runs
 * tools/dma/dma_map_benchmark on the step's initiator, bound for the while
 * to kernel/dma/map_benchmark.c, and prints what it did as key=value lines
 * with the program's own output in between. Read back here, summarised
 * per granule across runs the way map-cost summarises its repeats, and
 * held against the ram method: ratio = map-cost's mean / the kernel's.
 *
 * The kernel floors each call's time to 100 ns and the mean once more,
 * so its mean reads between 0 and 199 ns low: ratio_min is the ratio had
 * it lost all 199.
 */
#ifndef P2PRIG_MAP_COST_KBENCH_H
#define P2PRIG_MAP_COST_KBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/map-cost/map_cost_report.h"

struct json_object;
struct scenario_step;
struct step_env;

#define KBENCH_RESOLUTION_NS	100
#define KBENCH_FLOOR_LOSS_MAX_NS	199

/* One run of the program, as it printed it. */
struct kbench_run {
	bool header, map, unmap;	/* which of its three lines came */
	uint32_t threads, seconds, pages;
	int32_t node;
	char dir[16];			/* "BIDIRECTIONAL", ... */
	uint64_t map_mean_ns, map_stddev_ns;	/* stddev: of single calls, in that run */
	uint64_t unmap_mean_ns, unmap_stddev_ns;
};

/* One of map and unmap at one granule: the kernel's figure, ours, their ratio. */
struct kbench_side {
	struct repeat_figure kernel;	/* mean of the run means, their stddev, CV */
	bool has_ours;
	double ours_mean_ns;		/* the ram entry's mean of repeat means */
	double ours_p50_ns;		/* the mean of its repeats' p50s */
	bool has_ratio;
	double ratio;			/* ours_mean_ns / kernel.mean_ns */
	double ratio_min;		/* ours_mean_ns / (kernel.mean_ns + FLOOR_LOSS_MAX) */
};

struct kbench_granule {
	uint64_t granule;
	struct kbench_run runs[MAP_COST_MAX_REPEATS];
	size_t n_runs;
	struct kbench_side map, unmap;
	char note[160];			/* why there is no ratio, or "" */
};

struct map_cost_kbench {
	enum map_cost_outcome outcome;
	char reason[MAP_COST_TEXT];
	char path[256];			/* the program the guest ran */
	char device[16];		/* the initiator it ran on */
	char driver[48];		/* the driver it was taken from and given back to */
	uint32_t dma_bits;		/* the program's -b: the mask that driver had set */
	uint32_t threads, seconds, repeats, dir;
	uint64_t page_size;		/* the program's granule unit */
	char output[96];		/* the script's output, in the results folder */
	struct kbench_granule granules[MAP_COST_MAX_GRANULES];
	size_t n_granules;
};

/* What differs between the two measurements, in one sentence (result.json's "differs"). */
const char *kbench_differs(void);

/*
 * Feeds one line of dma_map_benchmark's output into run: its header
 * ("dma mapping benchmark(SINGLE_MODE): threads:1 ...", or before 6.13
 * "dma mapping benchmark: threads:1 ... granule: 1"), or an "average
 * map/unmap latency(us):X standard deviation:Y" line. False for any other line.
 */
bool kbench_program_line(const char *line, struct kbench_run *run);

/*
 * Reads guest-dma-bench.sh's output into k (threads, seconds, repeats and
 * dir already set from the step m): its key=value lines, each run's
 * program lines, and its result= and reason=. A run that misses a line,
 * or whose program says another granule or thread count, fails it; so
 * does a granule of m with fewer runs than m's repeats. page_size turns
 * bytes into the program's pages.
 */
void kbench_parse(const char *text, const struct map_cost_params *m, uint64_t page_size,
		  struct map_cost_kbench *k);

/* Each granule's figures across its runs, and the ratio to r's ram entry of that granule. */
void kbench_compare(struct map_cost_kbench *k, const struct map_cost_report *r);

struct json_object *kbench_json(const struct map_cost_kbench *k);

/*
 * Runs guest-dma-bench.sh for step on device (the step's initiator), its
 * output into the results folder, and fills r->kbench from it, compared
 * with r's ram entries. Outside the virtual lab (no P2PRIG_DMA_BENCH) a
 * skip with that reason.
 */
void kbench_run(const struct step_env *env, const struct scenario_step *step,
		struct map_cost_report *r, const char *device);

#endif
