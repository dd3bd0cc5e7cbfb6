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
#include <getopt.h>
#include <stdio.h>

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
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "rig", required_argument, NULL, 'r' },
		{ "topology", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "peer", required_argument, NULL, 'p' },
		{ "oracle-seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct run_options opt = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:t:c:n:p:s:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.out_dir = optarg;
			break;
		case 'r':
			opt.rig = optarg;
			break;
		case 't':
			opt.topology = optarg;
			break;
		case 'c':
			opt.config = optarg;
			break;
		case 'n':
			if (!node_role_parse(optarg, &opt.role))
				return bad_value("node", optarg, "server or client");
			break;
		case 'p':
			opt.peer = optarg;
			break;
		case 's':
			if (!parse_number(optarg, &opt.oracle_seed))
				return bad_value("oracle-seed", optarg, "decimal or 0x hex");
			opt.has_oracle = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return 2;
		}
	}
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
