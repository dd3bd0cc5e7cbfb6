/* SPDX-License-Identifier: GPL-2.0 */
/* The map-cost action's parts, as its ops struct (map_cost_step.c) joins them. */
#ifndef P2PRIG_MAP_COST_H
#define P2PRIG_MAP_COST_H

#include "actions/step.h"
#include "scenario/scenario_parser.h"

/* map_cost_parse.c */
bool map_cost_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
			 struct pending_step *pending);
/* Providers and the initiator resolved, granules against their sizes. */
void map_cost_check_refs(struct parser *p, struct scenario_step *step,
			 const struct pending_step *pending);

#endif
