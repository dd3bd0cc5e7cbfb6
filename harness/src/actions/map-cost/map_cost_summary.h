/* SPDX-License-Identifier: GPL-2.0 */
/* `p2prig summary`: the map-cost steps' figures, read back from result.json. */
#ifndef P2PRIG_SUMMARY_MAP_COST_H
#define P2PRIG_SUMMARY_MAP_COST_H

#include <json.h>

void map_cost_summarise(json_object *steps);

#endif
