// SPDX-License-Identifier: GPL-2.0
/*
 * Reports for CI, made from result.json alone (on the host, after a run):
 *
 *   p2prig ktap RESULT_JSON          KTAP version 1 on stdout
 *   p2prig junit RESULT_JSON...      one JUnit XML document on stdout, a
 *                                    <testsuite> per file (a two-node run:
 *                                    server/result.json client/result.json)
 *
 * Exit 0 when the report is written, whatever the run's verdict (the
 * report carries it); 2 on bad usage or a file that is missing or not a
 * result.json, with "FILE: what is wrong" on stderr and nothing on stdout;
 * 1 when stdout cannot be written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "results/junit.h"
#include "results/ktap_from_result.h"
#include "results/result_view.h"

/* Every file is read and checked before a byte is written: no half a report. */
static int load_all(const char *command, int n, char **paths, struct result_view *views)
{
	char why[1024];

	for (int i = 0; i < n; i++) {
		if (result_view_load(&views[i], paths[i], why, sizeof(why)) == 0)
			continue;
		fprintf(stderr, "p2prig %s: %s\n", command, why);
		while (i--)
			result_view_free(&views[i]);
		return -1;
	}
	return 0;
}

static int written(const char *command, int rc)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "p2prig %s: cannot write the report to stdout\n", command);
	return 1;
}

int cmd_ktap(int argc, char **argv)
{
	struct result_view v;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: p2prig ktap RESULT_JSON\n");
		return 2;
	}
	if (load_all("ktap", 1, argv + 1, &v))
		return 2;
	rc = ktap_from_result(stdout, &v);
	result_view_free(&v);
	return written("ktap", rc);
}

int cmd_junit(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)argc - 1 : 0;
	struct result_view *views;
	int rc;

	if (n == 0) {
		fprintf(stderr, "usage: p2prig junit RESULT_JSON...\n");
		return 2;
	}
	views = calloc(n, sizeof(*views));
	if (!views)
		abort();
	if (load_all("junit", argc - 1, argv + 1, views)) {
		free(views);
		return 2;
	}
	rc = junit_write(stdout, views, n);
	for (size_t i = 0; i < n; i++)
		result_view_free(&views[i]);
	free(views);
	return written("junit", rc);
}
