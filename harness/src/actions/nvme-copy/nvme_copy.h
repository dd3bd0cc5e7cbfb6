/* SPDX-License-Identifier: GPL-2.0 */
/* The nvme-copy action's parts, as its ops struct (copy_step.c) joins them. */
#ifndef P2PRIG_NVME_COPY_H
#define P2PRIG_NVME_COPY_H

#include "actions/step.h"
#include "scenario/scenario_parser.h"

/* copy_parse.c */
bool copy_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		     struct pending_step *pending);
void copy_check_refs(struct parser *p, struct scenario_step *step,
		     const struct pending_step *pending);

#endif
