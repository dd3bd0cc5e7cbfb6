// SPDX-License-Identifier: GPL-2.0
/*
 * The host oracle's commands, run by harness/run-scenario.sh around a
 * virtual-lab boot:
 *
 *   p2prig oracle-fill FILE SEED              before: the BAR's backing, patterned
 *   p2prig oracle-check RESULT_JSON FILE [--images DIR] [--seed SEED]
 *                                             after: judge the pending oracle steps
 *                                             (DIR: the NVMe namespaces' images,
 *                                             for nvme-copy steps)
 *
 * oracle-check rewrites result.json (and the ktap.txt beside it) in place,
 * atomically. --seed checks every step against another seed's pattern (a
 * test knob: the oracle must be able to fail). Exit 0 when every oracle
 * step was verified (or there was none), 1 when one was not, 2 on bad
 * usage or a result.json that cannot be read or written.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "util/numparse.h"
#include "system/oracle.h"
#include "system/oracle_result.h"
#include "results/result.h"

int cmd_oracle_fill(int argc, char **argv)
{
	uint64_t seed;

	if (argc != 3 || !parse_number(argv[2], &seed)) {
		fprintf(stderr, "usage: p2prig oracle-fill FILE SEED (SEED: decimal or 0x hex)\n");
		return 2;
	}
	int rc = oracle_fill_file(argv[1], seed);
	if (rc) {
		fprintf(stderr, "p2prig oracle-fill: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	return 0;
}

int cmd_oracle_check(int argc, char **argv)
{
	static const char usage[] =
		"usage: p2prig oracle-check RESULT_JSON FILE [--images DIR] [--seed SEED]\n";
	struct oracle_job job = { 0 };
	struct oracle_tally tally = { 0 };

	if (argc < 3) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = 3; i < argc; i += 2) {
		if (i + 1 < argc && strcmp(argv[i], "--images") == 0) {
			job.images_dir = argv[i + 1];
		} else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0 &&
			   parse_number(argv[i + 1], &job.seed)) {
			job.seed_override = true;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	job.backing = argv[2];
	json_object *root = json_object_from_file(argv[1]);
	if (!root) {
		fprintf(stderr, "p2prig oracle-check: cannot read %s: %s\n", argv[1],
			json_util_get_last_err());
		return 2;
	}
	char *dir_copy = strdup(argv[1]);
	if (!dir_copy)
		abort();
	job.ktap_dir = dirname(dir_copy);
	oracle_judge_result(root, &job, &tally, stdout);
	int rc = tally.checked ? result_write_json_file(root, argv[1]) : 0;
	json_object_put(root);
	free(dir_copy);
	if (rc) {
		fprintf(stderr, "p2prig oracle-check: cannot write %s: %s\n", argv[1], strerror(-rc));
		return 2;
	}
	if (tally.checked)
		printf("p2prig oracle-check: %zu oracle step%s, %zu verified by the host\n",
		       tally.checked, tally.checked == 1 ? "" : "s", tally.verified);
	return tally.failed ? 1 : 0;
}
