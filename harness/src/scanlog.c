// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig scan-log: the health watch applied to a saved kernel log. The
 * runner watches the log while steps run; the host applies the same rules
 * to dmesg.txt afterwards, which also covers the module's unload. Given a
 * scenario, only lines after its run's marker count and its allow-dmesg
 * lines excuse; without one (the module's own tests) the whole log counts.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "health.h"
#include "scenario.h"

#define SCANLOG_MARKER "p2prig: begin scenario"

/* "[   12.345678] text" -> "text"; other lines are taken whole. */
static const char *scanlog_text(const char *line)
{
	const char *end;

	if (line[0] != '[')
		return line;
	end = strchr(line, ']');
	if (!end)
		return line;
	end++;
	while (*end == ' ')
		end++;
	return end;
}

int cmd_scan_log(int argc, char **argv)
{
	struct scenario sc = { 0 };
	char line[1024];
	bool after_marker = false;
	unsigned int found = 0;
	FILE *log;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: p2prig scan-log DMESG_FILE [SCENARIO_FILE]\n");
		return 2;
	}
	after_marker = argc == 2;
	if (argc == 3 && scenario_parse_file(argv[2], &sc)) {
		scenario_print_errors(&sc, stderr);
		scenario_free(&sc);
		return 2;
	}
	log = fopen(argv[1], "r");
	if (!log) {
		perror(argv[1]);
		scenario_free(&sc);
		return 2;
	}
	while (fgets(line, sizeof(line), log)) {
		const char *text = scanlog_text(line);

		line[strcspn(line, "\r\n")] = '\0';
		if (strstr(text, SCANLOG_MARKER))
			after_marker = true;
		if (!after_marker || !health_text_is_suspect(text) ||
		    health_text_is_allowed(text, sc.allows, sc.n_allows))
			continue;
		printf("%s\n", text);
		found++;
	}
	fclose(log);
	scenario_free(&sc);
	if (!after_marker) {
		fprintf(stderr, "%s: no \"%s\" marker: the runner never started\n", argv[1],
			SCANLOG_MARKER);
		return 1;
	}
	return found ? 1 : 0;
}
