/* SPDX-License-Identifier: GPL-2.0 */
/* The rdma action's parts, as its ops struct (rdma_step.c) joins them. */
#ifndef P2PRIG_RDMA_H
#define P2PRIG_RDMA_H

#include "actions/step.h"
#include "scenario/scenario_parser.h"

/* rdma_parse.c */
bool rdma_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		     struct pending_step *pending);
void rdma_check_refs(struct parser *p, struct scenario_step *step,
		     const struct pending_step *pending);

/* rdma_summary.c: `p2prig summary`'s rdma figures. */
struct json_object;
void rdma_summarise(struct json_object *steps);

#endif
