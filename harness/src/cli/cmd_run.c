// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig run FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]
 * [--node server|client --peer ADDR] [--oracle-seed SEED]`, in the guest as
 * root (SEED: the pattern the host filled the BAR's backing with): check the
 * scenario, link up with the other node of a two-node run, prepare
 * providers and initiators, run each step, and keep result.json, ktap.txt
 * and a progress line per step up to date as it goes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "run/run.h"
#include "util/numparse.h"

static void run_usage(FILE *to)
{
	fprintf(to, "usage: p2prig run FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]\n"
		    "                  [--node server|client --peer ADDR] [--oracle-seed SEED]\n");
}

/* Exit status 2 after naming --OPTION's bad VALUE and what it expects. */
static int bad_value(const char *option, const char *value, const char *expected)
{
	fprintf(stderr, "p2prig run: bad --%s '%s' (expected %s)\n", option, value, expected);
	return 2;
}

int cmd_run(int argc, char **argv)
{
	struct run_options opt = { 0 };
	const char *node = NULL, *seed = NULL;
	const struct cli_option options[] = {
		{ "out", 'o', &opt.out_dir },
		{ "rig", 'r', &opt.rig },
		{ "topology", 't', &opt.topology },
		{ "config", 'c', &opt.config },
		{ "node", 'n', &node },
		{ "peer", 'p', &opt.peer },
		{ "oracle-seed", 's', &seed },
	};
	const struct cli_command cmd = {
		.name = "run", .usage = run_usage, CLI_OPTIONS(options), .takes_operands = true,
	};
	int rc = cli_parse_options(&cmd, argc, argv);

	if (rc != CLI_GO_ON)
		return rc;
	if (node && !node_role_parse(node, &opt.role))
		return bad_value("node", node, "server or client");
	if (seed && !parse_number(seed, &opt.oracle_seed))
		return bad_value("oracle-seed", seed, "decimal or 0x hex");
	opt.has_oracle = seed != NULL;
	if (optind + 1 != argc || !opt.out_dir) {
		if (!opt.out_dir)
			fprintf(stderr, "p2prig run: --out DIR is required\n");
		else
			fprintf(stderr, "p2prig run: expected exactly one scenario FILE\n");
		run_usage(stderr);
		return 2;
	}
	if ((opt.role != NODE_SINGLE) != (opt.peer != NULL)) {
		fprintf(stderr, "p2prig run: --node and --peer go together\n");
		run_usage(stderr);
		return 2;
	}
	struct in_addr addr;
	if (opt.peer && inet_pton(AF_INET, opt.peer, &addr) != 1) {
		fprintf(stderr, "p2prig run: bad --peer '%s' (expected an IPv4 address)\n", opt.peer);
		return 2;
	}
	opt.file = argv[optind];
	return run_scenario(&opt);
}
