/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The option loop of the commands that take --NAME VALUE options (run,
 * doctor, nvme): each value is kept as the text given, the last one
 * winning; what it means is the command's to check afterwards. --help
 * prints the command's usage on stdout; an unknown option or a missing
 * value prints it on stderr.
 */
#ifndef P2PRIG_CLI_OPTIONS_H
#define P2PRIG_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* --NAME VALUE or -LETTER VALUE, VALUE stored in *value. */
struct cli_option {
	const char *name;
	char letter;
	const char **value;
};

#define CLI_MAX_OPTIONS 16

struct cli_command {
	const char *name;		/* in messages: "p2prig NAME: ..." */
	void (*usage)(FILE *to);
	const struct cli_option *options;
	size_t n_options;		/* at most CLI_MAX_OPTIONS */
	bool takes_operands;		/* false: a word left after the options is an error */
};

/* A cli_command's options and their count, from an array of struct cli_option. */
#define CLI_OPTIONS(array) .options = (array), .n_options = sizeof(array) / sizeof((array)[0])

/* cli_parse_options went through argv: the operands are argv[optind..argc). */
#define CLI_GO_ON (-1)

/*
 * Parses argv with getopt_long, so options may stand between operands.
 * Returns CLI_GO_ON, or the exit status the command returns now: 0
 * after --help, 2 after a bad option or an unexpected operand.
 */
int cli_parse_options(const struct cli_command *cmd, int argc, char **argv);

#endif
