/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A step's figures from result.json as one line each, the same lines in
 * `p2prig ktap` (as diagnostics) and `p2prig junit` (as system-out): a
 * map-cost entry as ktap.txt words it, a fio job, an nvme-copy
 * combination, an RDMA message size, and a transfer's mean timings.
 * Figures are reported, never judged here.
 */
#ifndef P2PRIG_RESULT_FIGURES_H
#define P2PRIG_RESULT_FIGURES_H

#include <json.h>

#include "util/strlist.h"

/* Appends STEP's figure lines to LINES, in result.json's order. */
void result_figures(json_object *step, struct strlist *lines);

#endif
