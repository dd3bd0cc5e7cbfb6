/* SPDX-License-Identifier: GPL-2.0 */
/* The nvme-copy action's parts, as its ops struct (copy_step.c) joins them. */
#ifndef P2PRIG_NVME_COPY_H
#define P2PRIG_NVME_COPY_H

#include "actions/action.h"

/* copy_parse.c */
step_parse_keys_fn copy_parse_keys;
step_check_refs_fn copy_check_refs;

#endif
