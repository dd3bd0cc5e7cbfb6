/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run found, in memory, and its result.json (json-c). The field
 * names written are stable: reports and `p2prig summary` read them.
 * result.json is rewritten whole after every step, through a temporary
 * file and rename(), so a reader never sees half a file and a run that
 * dies leaves everything up to its last step, with "complete": false.
 */
#ifndef P2PRIG_RESULT_H
#define P2PRIG_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/pattern.h"
#include "actions/map-cost/map_cost_report.h"
#include "actions/rdma/rdma_report.h"
#include "scenario/scenario.h"
#include "scenario/selector.h"
#include "util/stats.h"
#include "run/step_trace.h"
#include "actions/storage/storage_report.h"
#include "util/strlist.h"

struct json_object;

#define RESULT_FORMAT 2
#define RESULT_JSON_NAME "result.json"
#define RESULT_TEXT_MAX 256
/* result.json's "oracle" of a step: the guest writes the first two, the host's check the last. */
#define RESULT_ORACLE_NOT_REACHED "not reached"
#define RESULT_ORACLE_PENDING "pending"
#define RESULT_ORACLE_HOST "host"

enum step_verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_SKIP,
};

const char *verdict_name(enum step_verdict verdict);

struct provider_report {
	char name[SCENARIO_NAME_MAX];
	char kind[16];
	bool resolved;			/* pci is known */
	char pci[PCI_ADDRESS_TEXT_MAX];
	bool allocated;			/* the fields below are known */
	uint32_t bar;
	uint64_t phys_addr, bus_addr, bar_phys, bar_size;
};

struct initiator_report {
	char name[SCENARIO_NAME_MAX];
	char kind[16];
	bool resolved;
	char pci[PCI_ADDRESS_TEXT_MAX];
};

/* How many of a step's first map calls result.json keeps one by one. */
#define RESULT_FIRST_MAP_CALLS 512

/*
 * The map/unmap calls a transfer step makes before its steady figures:
 * the transfer's own mapping (traced, the one whose bytes were checked),
 * then the warm-up pairs, which fill the IOVA allocator's caches and the
 * IOMMU's page tables. Never mixed into the steady figures.
 */
struct cold_timings {
	uint32_t warmup;		/* pairs asked for */
	bool own_timed;			/* own_map_ns and own_unmap_ns are known */
	uint64_t own_map_ns, own_unmap_ns;
	struct stats_summary map_ns, unmap_ns;	/* the warm-up pairs */
	/* Every map call of the step in order (own, warm-up, steady), the first few. */
	uint64_t first_map_calls_ns[RESULT_FIRST_MAP_CALLS];
	size_t n_first_map_calls;
};

/* One direction of a transfer step. */
struct direction_report {
	uint64_t bytes;			/* moved and checked */
	uint32_t pieces;
	struct pattern_check check;
};

/*
 * An `expect oracle` step: the host filled the BAR's backing with the
 * pattern of fill_seed (addressed by BAR offset) before the guest booted;
 * the initiator read it out first (checked as from_peer), then wrote the
 * pattern of seed over the region and left it for the host to check after
 * the guest ends (`p2prig oracle-check`, which writes
 * the oracle_verified, oracle_mismatched_bytes and oracle_first_mismatch
 * fields of result.json).
 */
enum oracle_state {
	ORACLE_NONE,		/* not an oracle step */
	ORACLE_NOT_REACHED,	/* the step stopped before the initiator wrote the region */
	ORACLE_PENDING,		/* written; the host has yet to look */
};

struct oracle_report {
	enum oracle_state state;
	uint64_t fill_seed;		/* the host's pattern, by BAR offset */
	uint64_t bar_offset;		/* of the region within the BAR */
	uint64_t seed;			/* what the host must find there, by region offset */
};

enum expect_outcome {
	EXPECT_NOT_EVALUATED,		/* the step did not get that far */
	EXPECT_MET,
	EXPECT_UNMET,
	EXPECT_SKIPPED,			/* cannot apply here; detail says why */
};

struct expectation_report {
	char expect[24];		/* "verified", "pattern", "dma-address" */
	char value[24];			/* "" when the expectation has none */
	enum expect_outcome outcome;
	char detail[RESULT_TEXT_MAX];
};

struct step_report {
	char name[SCENARIO_NAME_MAX];
	char action[16];
	enum step_verdict verdict;
	char reason[RESULT_TEXT_MAX];	/* why it failed or skipped; "" on a pass */
	struct provider_report provider;
	struct initiator_report initiator;
	char method[16];
	bool probed;			/* map_type and p2p_distance are known */
	uint32_t map_type;		/* enum p2prig_map_type: what the kernel decided */
	uint32_t predicted_map_type;	/* what the doctor said; UNKNOWN: no prediction */
	uint32_t route;			/* enum p2prig_route MAP took; NONE: RAM, an import, unmapped */
	uint32_t predicted_route;	/* the route the doctor predicted for the method; NONE: none */
	uint32_t mapped_map_type;	/* MAP's map type, the module's reading; UNKNOWN: none */
	char prediction[RESULT_TEXT_MAX];	/* the doctor's reason */
	bool refused;			/* MAP was refused with refused_errno */
	int refused_errno;
	bool mapped;			/* the four fields below are known */
	uint64_t dma_address;
	bool dma_in_bar;
	int32_t p2p_distance;
	uint32_t dma_flags;		/* P2PRIG_MAP_F_* */
	struct {			/* dmabuf steps: the exporter's counters, summed */
		bool used;
		uint64_t exports, attaches, detaches, maps, unmaps;
		bool balanced;		/* after every export's last importer left */
	} dmabuf;
	uint64_t offset;		/* of the region within the chunk */
	uint64_t bytes, piece, seed;
	bool verified;
	struct oracle_report oracle;	/* `expect oracle` steps */
	struct direction_report to_peer, from_peer;
	/* map_ns, unmap_ns: the steady pairs only (map-repeat), after the warm-up */
	struct stats_summary map_ns, unmap_ns, to_peer_xfer_ns, from_peer_xfer_ns;
	struct cold_timings cold;	/* transfer and dmabuf steps */
	struct rdma_report rdma;		/* rdma steps: device, sizes, figures */
	struct storage_io_report *storage_io;	/* fio and nvme-copy steps; owned */
	struct map_cost_report *map_cost;	/* map-cost steps; owned */
	struct step_trace_report trace;	/* transfer steps: the dma trace around them */
	struct expectation_report expectations[SCENARIO_MAX_EXPECTS];
	size_t n_expectations;
	struct strlist health;		/* kernel lines that failed this step */
	struct strlist notes;		/* flagged, never a failure: result.json's "notes" */
};

struct health_finding {
	char *step;			/* NULL: outside any step */
	char *line;
};

struct health_report {
	bool watched;			/* false: why says what kept the watch away */
	char why[RESULT_TEXT_MAX];
	struct health_finding *findings;
	size_t n_findings;
};

struct run_report {
	char *scenario, *description, *file, *rig, *topology, *kernel;
	char *config;			/* the rig configuration's name, or NULL */
	char *node, *peer;		/* a two-node run: "server" or "client", the other's address; else NULL */
	time_t started, finished;	/* finished: 0 until the end */
	bool complete;
	char error[RESULT_TEXT_MAX];	/* what stopped the run early; "" if nothing */
	struct step_report *steps;
	size_t n_steps;
	struct health_report health;
	struct json_object *doctor;	/* the doctor's findings, owned; NULL: none */
};

struct run_counts {
	size_t passed, failed, skipped;
};

/* Any of the strings may be NULL (written as null). */
void run_report_init(struct run_report *r, const char *scenario, const char *description,
		     const char *file, const char *rig, const char *topology, const char *kernel);
/* A zeroed step appended to the report; valid until the next call. */
struct step_report *run_report_add_step(struct run_report *r);
void run_report_add_finding(struct run_report *r, const char *step, const char *line);
struct run_counts run_report_counts(const struct run_report *r);
bool run_report_health_clean(const struct run_report *r);
/* kselftest style: 0 all passed, 1 anything failed, 4 everything skipped. */
int run_report_exit_code(const struct run_report *r);
void run_report_free(struct run_report *r);
/* The findings and their text; H is left with none. */
void health_report_free(struct health_report *h);

/* A timing summary as result.json writes them: n, min, mean, stddev, max, p50, p99. */
struct json_object *result_stats_json(const struct stats_summary *s);

/* Writes DIR/result.json atomically; 0 or a negative errno. */
int result_write_json(const struct run_report *r, const char *dir);
/* Writes ROOT to PATH the same way (a temporary file, fsync, rename). */
int result_write_json_file(struct json_object *root, const char *path);

/* "2025-01-31T12:00:00Z" */
void result_format_time(time_t t, char *buf, size_t size);

#endif
