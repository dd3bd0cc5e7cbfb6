// SPDX-License-Identifier: GPL-2.0
/* The commands' shared option loop over getopt_long (cli_options.h). */
#include "cli/cli_options.h"

#include <getopt.h>
#include <stdlib.h>

static const struct cli_option *option_of(const struct cli_command *cmd, int letter)
{
	for (size_t i = 0; i < cmd->n_options; i++)
		if (cmd->options[i].letter == letter)
			return &cmd->options[i];
	return NULL;
}

int cli_parse_options(const struct cli_command *cmd, int argc, char **argv)
{
	struct option longopts[CLI_MAX_OPTIONS + 2];
	char shortopts[2 * CLI_MAX_OPTIONS + 2];
	size_t n = 0;
	int c;

	if (cmd->n_options > CLI_MAX_OPTIONS)
		abort();
	for (size_t i = 0; i < cmd->n_options; i++) {
		longopts[i] = (struct option){ cmd->options[i].name, required_argument, NULL,
					       cmd->options[i].letter };
		shortopts[n++] = cmd->options[i].letter;
		shortopts[n++] = ':';
	}
	longopts[cmd->n_options] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[cmd->n_options + 1] = (struct option){ 0 };
	shortopts[n++] = 'h';
	shortopts[n] = '\0';

	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *o;

		if (c == 'h') {
			cmd->usage(stdout);
			return 0;
		}
		o = option_of(cmd, c);
		if (!o) {
			cmd->usage(stderr);
			return 2;
		}
		*o->value = optarg;
	}
	if (!cmd->takes_operands && optind != argc) {
		fprintf(stderr, "p2prig %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
		cmd->usage(stderr);
		return 2;
	}
	return CLI_GO_ON;
}
