/* SPDX-License-Identifier: GPL-2.0 */
/* The host oracle of nvme-copy steps (oracle_copy.c says how). */
#ifndef P2PRIG_ORACLE_COPY_H
#define P2PRIG_ORACLE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "system/oracle_result.h"
#include "util/pattern.h"

struct oracle_copy_verdict {
	size_t ranges;			/* copied combinations compared */
	uint64_t copy_bytes;
	struct pattern_check check;	/* destination image against source image */
	size_t bar_regions;		/* a BAR buffer's regions compared */
	uint64_t bar_bytes, bar_mismatched_bytes;
	char why[1024];			/* when the host could not judge */
};

/*
 * Compares what STEP (a result.json step with a "copy" object) says it
 * copied. 0 when everything could be compared (mismatches are in *v), or a
 * negative errno with v->why.
 */
int oracle_judge_copy(json_object *step, const struct oracle_job *job,
		      struct oracle_copy_verdict *v);

#endif
