/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One transfer (or dmabuf) step being run, shared by its parts:
 * transfer_step.c (the step: checks, expectations, verdict),
 * transfer_map.c (mapping, unmapping and their timed pairs) and
 * transfer_move.c (moving the bytes each way and checking them).
 */
#ifndef P2PRIG_TRANSFER_RUN_H
#define P2PRIG_TRANSFER_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "actions/transfer/transfer.h"
#include "util/stats.h"

struct transfer_run {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct transfer_params *t;
	const struct provider_state *prov;
	const struct initiator_state *init;
	const struct initiator_kind *init_kind;
	struct step_report *out;
	char who_method[64], who_initiator[64], who_provider[64];
	uint64_t check_seed;
	uint8_t *region;	/* the whole mapped region, for CPU access */
	uint8_t *piece;		/* one transfer */
	struct samples map_ns, unmap_ns, to_ns, from_ns;	/* map and unmap: steady only */
	struct samples cold_map_ns, cold_unmap_ns;		/* the warm-up pairs */
	bool dmabuf;		/* a dmabuf step: export and import instead of MAP */
	bool oracle;		/* `expect oracle`: from peer first, the host's bytes */
	/* `expect oracle` on a lab machine: no backing file; the CPU read-back checks */
	bool oracle_waived;
	int dmabuf_fd;		/* the live export, -1 between mappings */
};

/* transfer_map.c: MAP (or export and import) and UNMAP, and timed pairs of them. */
int transfer_map_region(struct transfer_run *tr, struct p2prig_map *m);
int transfer_unmap_region(struct transfer_run *tr, uint32_t mapping, uint64_t *ns);
bool transfer_time_mapping(struct transfer_run *tr, char *progress, size_t progress_size);

/* transfer_move.c: the bytes each way through MAPPING, checked. */
bool transfer_dma_in_bar(const struct p2prig_chunk_alloc *c, uint64_t dma);
enum expect_dma transfer_dma_kind(const struct step_report *out);
bool transfer_oracle_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
			       size_t progress_size);
bool transfer_cpu_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
			    size_t progress_size);

#endif
