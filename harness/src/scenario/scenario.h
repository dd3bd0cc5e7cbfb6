/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario file (scenarios/README.md is the format's specification)
 * and its parser. Parsing never stops at the first problem: every error is
 * collected as "FILE:LINE: what was expected", in line order.
 */
#ifndef P2PRIG_SCENARIO_H
#define P2PRIG_SCENARIO_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario/kinds.h"
#include "util/kversion.h"
#include "actions/map-cost/map_cost_syntax.h"
#include "actions/rdma/rdma_syntax.h"
#include "scenario/selector.h"
#include "actions/storage/storage_syntax.h"

#define SCENARIO_NAME_MAX	48	/* bytes, with the NUL */
#define SCENARIO_MAX_PROVIDERS	8
#define SCENARIO_MAX_INITIATORS	8
#define SCENARIO_MAX_STORAGES	8
#define SCENARIO_MAX_STEPS	64
#define SCENARIO_MAX_EXPECTS	8
#define SCENARIO_MAX_ALLOWS	16
#define SCENARIO_DEFAULT_MAP_REPEAT 32
#define SCENARIO_MAX_MAP_REPEAT	100000
/*
 * Map/unmap pairs before the steady ones, reported apart as `cold`: what
 * the IOVA allocator and the IOMMU's page tables pay before they settle.
 * Measured (7.3.4, intel-iommu DMA-FQ, nvme-cmb's 1M, first map of the
 * run; virtual ns): every other map cost ~13470 ns instead of ~8255 (a new
 * page-table page per 2 MiB of fresh IOVA space, 1M ranges being too big
 * for the IOVA caches) until the 256th unmap filled the flush queue, which
 * then freed the ranges for reuse; from the 257th map on, 8250-8330. Own
 * mapping + 255 pairs is the need; 384 is 1.5 times it.
 */
#define SCENARIO_DEFAULT_WARMUP	384
#define SCENARIO_MAX_WARMUP	100000
/* `expect methods-agree` without within=: steady floors at most 3 % apart. */
#define SCENARIO_DEFAULT_AGREE_PERCENT 3.0
#define SCENARIO_PAGE_SIZE	4096
#define SCENARIO_MAX_NODES	2

struct scenario_provider {
	char name[SCENARIO_NAME_MAX];
	const struct provider_kind *kind;
	struct selector selector;
	uint64_t size;
	int line;
};

struct scenario_initiator {
	char name[SCENARIO_NAME_MAX];
	const struct initiator_kind *kind;
	struct selector selector;
	int line;
};

/*
 * `storage NAME nvme CONTROLLER nsid=N [offset=O] [size=S] [scratch]`: a
 * namespace, or the region [offset, offset + size) of it that steps use.
 */
struct scenario_storage {
	char name[SCENARIO_NAME_MAX];
	char controller[STORAGE_CTRL_TEXT_MAX];	/* "serial=p2prig1", "slot=...", "name=nvme1" */
	uint32_t nsid;
	uint64_t offset;
	uint64_t size;		/* 0: to the end of the namespace */
	bool scratch;		/* the rig may overwrite it */
	int line;
};

enum expect_what {
	EXPECT_VERIFIED,
	EXPECT_PATTERN,		/* seed */
	EXPECT_DMA_ADDRESS,	/* dma */
	EXPECT_MAP_TYPE,	/* map_type */
	EXPECT_REFUSED,		/* the MAP must be refused */
	EXPECT_ORACLE,		/* the host checks the BAR's backing: bar providers, virtual lab */
	EXPECT_METHODS_AGREE,	/* steady map/unmap floors as its equivalent steps': within_percent */
};

/* Where a mapping's DMA address points. */
enum expect_dma {
	EXPECT_DMA_BAR,		/* inside the provider's BAR: its bus address */
	EXPECT_DMA_IOVA,	/* an IOMMU translated it */
	EXPECT_DMA_RAM,		/* untranslated, the memory's own address */
	EXPECT_DMA_BOUNCED,	/* untranslated, a swiotlb bounce buffer */
};

/* A p2pdma map type, as the kernel names it, or whatever the doctor predicted. */
enum expect_map_type {
	EXPECT_MAP_NOT_SUPPORTED = 1,	/* values of enum p2prig_map_type */
	EXPECT_MAP_BUS_ADDR = 2,
	EXPECT_MAP_THRU_HOST_BRIDGE = 3,
	EXPECT_MAP_PREDICTED = 100,
};

struct scenario_expect {
	enum expect_what what;
	uint64_t seed;			/* EXPECT_PATTERN */
	enum expect_dma dma;		/* EXPECT_DMA_ADDRESS */
	enum expect_map_type map_type;	/* EXPECT_MAP_TYPE */
	double within_percent;		/* EXPECT_METHODS_AGREE */
	int line;
};

const char *expect_what_name(enum expect_what what);
bool expect_what_parse(const char *text, enum expect_what *out);
const char *expect_dma_name(enum expect_dma dma);
const char *expect_map_type_name(enum expect_map_type type);

enum step_action {
	STEP_TRANSFER,
	STEP_RDMA,
	STEP_DMABUF,		/* a transfer through a dma-buf: export, import, move */
	STEP_FIO,		/* storage I/O by fio, the buffer peer memory or RAM */
	STEP_NVME_COPY,		/* the runner copies between namespaces through a buffer */
	STEP_MAP_COST,		/* map/unmap timed in the kernel, per method and granule */
};

#define SCENARIO_NO_INDEX ((size_t)-1)

struct transfer_params {
	size_t provider;	/* index in scenario.providers */
	size_t initiator;	/* index in scenario.initiators */
	const struct method_kind *method;	/* transfer steps */
	const struct export_method_kind *export_method;	/* dmabuf steps */
	uint64_t offset;	/* of the region within the provider's chunk, page aligned */
	uint64_t size;
	uint64_t piece;
	uint64_t seed;
	uint32_t map_repeat;	/* steady map/unmap pairs, the timing figures */
	uint32_t warmup;	/* pairs before them, reported apart as cold */
	bool vlab_bus_addr_run;	/* hand a bus address out under a translating vlab IOMMU */
};

struct scenario_step {
	char name[SCENARIO_NAME_MAX];
	enum step_action action;
	const char *action_name;
	int line;
	struct transfer_params transfer;	/* STEP_TRANSFER */
	struct rdma_params rdma;		/* STEP_RDMA */
	struct fio_params fio;			/* STEP_FIO */
	struct copy_params copy;		/* STEP_NVME_COPY */
	struct map_cost_params map_cost;	/* STEP_MAP_COST */
	struct scenario_expect expects[SCENARIO_MAX_EXPECTS];
	size_t n_expects;
};

struct scenario_allow {
	char *text;
	regex_t regex;
	int line;
};

struct scenario_error {
	int line;		/* 0: about the file as a whole */
	char *text;		/* "FILE:LINE: message" */
};

struct scenario {
	char *file;		/* as given */
	char *name;		/* the file's base name */
	char *description;
	int describe_line;
	char config[SCENARIO_NAME_MAX];	/* "" when the file names none */
	int config_line;
	unsigned int nodes;		/* guests the scenario runs in: 1, or 2 (a server and a client) */
	int nodes_line;		/* 0: no `nodes` line, one guest */
	bool requires_kernel;
	struct kversion min_kernel;
	char min_kernel_text[24];

	struct scenario_provider providers[SCENARIO_MAX_PROVIDERS];
	size_t n_providers;
	struct scenario_initiator initiators[SCENARIO_MAX_INITIATORS];
	size_t n_initiators;
	struct scenario_storage storages[SCENARIO_MAX_STORAGES];
	size_t n_storages;
	struct scenario_step steps[SCENARIO_MAX_STEPS];
	size_t n_steps;
	struct scenario_allow allows[SCENARIO_MAX_ALLOWS];
	size_t n_allows;

	struct scenario_error *errors;
	size_t n_errors;
};

/* Both return the number of errors; *sc must be freed either way. */
size_t scenario_parse_file(const char *path, struct scenario *sc);
size_t scenario_parse_text(const char *file, const char *text, struct scenario *sc);

void scenario_print_errors(const struct scenario *sc, FILE *to);
void scenario_free(struct scenario *sc);

/* The step's expectation of that kind, or NULL. */
const struct scenario_expect *scenario_step_expect(const struct scenario_step *step,
						   enum expect_what what);

/* The seed whose pattern the read-back is checked against. */
uint64_t scenario_step_check_seed(const struct scenario_step *step);

#endif
