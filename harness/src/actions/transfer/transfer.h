/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transfer action, and what the dmabuf action takes from it: a dmabuf
 * step is a transfer whose mapping is a dma-buf export and import. The
 * parser's calls say which it is with dma_buf; the hooks of both actions'
 * ops tell by the step's action (STEP_DMABUF).
 */
#ifndef P2PRIG_TRANSFER_H
#define P2PRIG_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/action.h"
#include "actions/step.h"
#include "scenario/scenario_parser.h"

/* transfer_parse.c: the step line's keys, and its names at the end of the file. */
bool transfer_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
			 struct pending_step *pending, bool dma_buf);
void transfer_check_refs(struct parser *p, struct scenario_step *step,
			 const struct pending_step *pending, bool dma_buf);

/* Hooks of both actions' ops (transfer_step.c). */
bool transfer_step_parse_keys(struct parser *p, char **words, size_t n,
			      struct scenario_step *step, struct pending_step *pending);
void transfer_step_check_refs(struct parser *p, struct scenario_step *step,
			      const struct pending_step *pending);
/* One step run. */
void transfer_run(const struct step_env *env, const struct scenario_step *step,
		  struct step_report *out, char *progress, size_t progress_size);
bool transfer_chunk_region(const struct scenario_step *step, size_t *provider, uint64_t *start,
			   uint64_t *end);
uint64_t transfer_seed(const struct scenario_step *step);
bool transfer_uses_chunk(const struct scenario_step *step, size_t provider);
bool transfer_pair(const struct scenario_step *step, size_t *provider, size_t *initiator);

/* transfer_summary.c: `p2prig summary`'s map/unmap timings of transfer and dmabuf steps. */
step_summarise_fn transfer_summarise;

#endif
