/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a `map-cost` step line holds (scenarios/README.md, "map-cost
 * steps") and the parsers of its lists. map_cost_parse.c reads the
 * line and reports errors with file:line; the words are judged here.
 */
#ifndef P2PRIG_MAP_COST_SYNTAX_H
#define P2PRIG_MAP_COST_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAP_COST_MAX_GRANULES		8
#define MAP_COST_MIN_GRANULE		4096ULL
#define MAP_COST_MAX_GRANULE		(2ULL << 20)
#define MAP_COST_DEFAULT_ITERATIONS	1000
#define MAP_COST_MAX_ITERATIONS		(1ULL << 24)	/* P2PRIG_BENCH_MAX_ITERATIONS */
#define MAP_COST_MAX_THREADS		16		/* P2PRIG_BENCH_MAX_THREADS */
#define MAP_COST_MAX_SECONDS		60		/* P2PRIG_BENCH_MAX_MS / 1000 */
/* Benchmark discipline: a figure is a mean over at least five repeats. */
#define MAP_COST_MIN_REPEATS		5
#define MAP_COST_DEFAULT_REPEATS	5
#define MAP_COST_MAX_REPEATS		100
/* A figure whose repeats vary more than this (stddev / mean) is flagged. */
#define MAP_COST_CV_LIMIT_PERCENT	3.0
/* Untimed MAP_BENCH calls before the repeats: caches, page tables, IOVA magazines warm. */
#define MAP_COST_WARMUP_REPEATS	1
/*
 * kernel-bench=dma_map_benchmark: the kernel's own benchmark beside the
 * ram method, each run this many seconds (the program's -s).
 */
#define MAP_COST_KBENCH_PROGRAM		"dma_map_benchmark"
#define MAP_COST_KBENCH_DEFAULT_SECONDS	1
#define MAP_COST_KBENCH_MAX_SECONDS	60

/* The ways a map-cost step maps memory, in the order the README lists them. */
enum map_cost_method {
	MAP_COST_MMIO,		/* dma_map_phys(..., DMA_ATTR_MMIO) */
	MAP_COST_RESOURCE,	/* dma_map_resource() */
	MAP_COST_IOVA_LINK,	/* dma_iova_try_alloc + dma_iova_link(MMIO) */
	MAP_COST_P2P_PAGE,	/* dma_map_sgtable() on the p2pmem pages */
	MAP_COST_RAM,		/* dma_map_page() on a RAM chunk: the reference point */
	/* The same calls through the host bridge whatever p2pdma decided (uAPI 8). */
	MAP_COST_MMIO_HOST,
	MAP_COST_RESOURCE_HOST,
	MAP_COST_IOVA_LINK_HOST,
	MAP_COST_METHODS
};

struct map_cost_method_info {
	const char *name;
	uint32_t uapi;		/* enum p2prig_method */
	bool peer;		/* maps the peer provider's chunk; false: the ram provider's */
};

const struct map_cost_method_info *map_cost_method_info(enum map_cost_method m);
bool map_cost_method_parse(const char *name, enum map_cost_method *out);

struct map_cost_params {
	size_t provider;	/* peer memory, index in scenario.providers; NO_INDEX: none */
	size_t ram;		/* the ram method's RAM provider; NO_INDEX: none */
	size_t initiator;
	enum map_cost_method methods[MAP_COST_METHODS];
	size_t n_methods;
	uint64_t granules[MAP_COST_MAX_GRANULES];
	size_t n_granules;
	uint32_t threads;
	uint64_t iterations;	/* per thread and repeat; 0: a timed run of seconds */
	uint32_t seconds;
	uint32_t dir;		/* enum p2prig_dir */
	uint32_t repeats;
	bool kernel_bench;	/* kernel-bench=dma_map_benchmark: also run the kernel's */
	uint32_t kernel_bench_seconds;	/* per run of it; repeats runs per granule */
};

bool map_cost_has_method(const struct map_cost_params *m, enum map_cost_method method);

/*
 * "mmio,resource,ram": known names, no repeats. "4K,64K,2M": page
 * multiples from 4K to 2M, no repeats, at most MAP_COST_MAX_GRANULES.
 * On error false, with what was wrong in why.
 */
bool map_cost_methods_parse(const char *text, enum map_cost_method *methods, size_t *n,
			    char *why, size_t why_size);
bool map_cost_granules_parse(const char *text, uint64_t *granules, size_t *n, char *why,
			     size_t why_size);
/* "bidirectional", "to-device", "from-device": enum p2prig_dir. */
bool map_cost_dir_parse(const char *text, uint32_t *out);
const char *map_cost_dir_name(uint32_t dir);

#endif
