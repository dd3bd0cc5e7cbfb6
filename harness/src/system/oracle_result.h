/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host oracle's verdict, written into a run's result.json: every step
 * the guest left "pending" is checked against the BAR's backing file, its
 * oracle fields filled in, and an unmet oracle fails the step (result,
 * reason, its `expect oracle`, the summary counts and its KTAP line).
 */
#ifndef P2PRIG_ORACLE_RESULT_H
#define P2PRIG_ORACLE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json.h>

struct oracle_job {
	const char *backing;		/* the file behind the BAR */
	const char *ktap_dir;		/* its ktap.txt is amended; NULL: none */
	bool seed_override;		/* check every step against seed instead of its own */
	uint64_t seed;
	const char *images_dir;		/* the NVMe namespaces' images (nvme-copy steps); NULL: none */
};

struct oracle_tally {
	size_t checked, verified, failed;
};

/* Judges the pending steps of ROOT (a parsed result.json) in place, with a line each to LOG. */
void oracle_judge_result(json_object *root, const struct oracle_job *job,
			 struct oracle_tally *tally, FILE *log);

#endif
