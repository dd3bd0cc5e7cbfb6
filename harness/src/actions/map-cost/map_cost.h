/* SPDX-License-Identifier: GPL-2.0 */
/* The map-cost action's parts, as its ops struct (map_cost_step.c) joins them. */
#ifndef P2PRIG_MAP_COST_H
#define P2PRIG_MAP_COST_H

#include "actions/action.h"

/* map_cost_parse.c */
step_parse_keys_fn map_cost_parse_keys;
/* Providers and the initiator resolved, granules against their sizes. */
step_check_refs_fn map_cost_check_refs;

#endif
