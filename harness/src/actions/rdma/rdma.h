/* SPDX-License-Identifier: GPL-2.0 */
/* The rdma action's parts, as its ops struct (rdma_step.c) joins them. */
#ifndef P2PRIG_RDMA_H
#define P2PRIG_RDMA_H

#include "actions/action.h"

/* rdma_parse.c */
step_parse_keys_fn rdma_parse_keys;
step_check_refs_fn rdma_check_refs;

/* rdma_summary.c: `p2prig summary`'s rdma figures. */
step_summarise_fn rdma_summarise;

#endif
