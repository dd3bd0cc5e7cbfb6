/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run of one scenario in the guest (`p2prig run`, cli/cmd_run.c reads
 * its options): check the scenario, link up with the other node of a
 * two-node run, prepare providers and initiators, run each step, and keep
 * result.json, ktap.txt and a progress line per step up to date.
 */
#ifndef P2PRIG_RUN_H
#define P2PRIG_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "run/node_link.h"

struct run_options {
	const char *file, *out_dir, *rig, *topology, *config;
	enum node_role role;		/* NODE_SINGLE unless --node */
	const char *peer;		/* --peer: the other node's address */
	bool has_oracle;		/* --oracle-seed: the host filled the BAR's backing */
	uint64_t oracle_seed;
};

/* The process's exit code: 0 all passed, 1 a failure, 4 skips only (run_report_exit_code). */
int run_scenario(const struct run_options *opt);

#endif
