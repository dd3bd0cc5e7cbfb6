// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig kcidb: a run's or a night's results as KCIDB I/O JSON on stdout
 * (kcidb/kcidb.h says what maps to what). Each PATH is a run folder
 * (result.json, or server/ and client/ with one each), a result.json, or
 * a night's folder (night.json and its runs, oldest first). Every file is
 * read and checked before a byte is written; exit 2 on bad usage or bad
 * input, with "FILE: what is wrong" on stderr, 1 when stdout fails.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "kcidb/kcidb.h"
#include "results/result_view.h"
#include "util/array_size.h"
#include "util/json_read.h"
#include "util/strlist.h"

#define PATH_MAX_TEXT 4096

struct input {
	struct strlist files;	/* result.json files, in order */
	struct strlist nights;	/* each file's night folder name, "" for none */
};

static void kcidb_usage(FILE *to)
{
	fprintf(to, "usage: p2prig kcidb PATH... [--origin NAME] [--lab NAME]\n"
		    "  KCIDB I/O JSON (schema v%d.%d) on stdout for runs and nights: PATH is a\n"
		    "  run folder, a result.json or a night's folder (night.json and its runs).\n"
		    "  --origin NAME  the CI system's name in every id (default %s; a-z, 0-9, _)\n"
		    "  --lab NAME     the lab, in each test's environment.misc (default: the\n"
		    "                 run's rig)\n",
		    KCIDB_SCHEMA_MAJOR, KCIDB_SCHEMA_MINOR, KCIDB_DEFAULT_ORIGIN);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR's result.json files when it is a run; how many. */
static size_t add_run(struct input *in, const char *dir, const char *night)
{
	static const char *const names[] = { "result.json", "server/result.json",
					     "client/result.json" };
	char path[PATH_MAX_TEXT];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!is_file(path))
			continue;
		strlist_add(&in->files, path);
		strlist_add(&in->nights, night);
		n++;
	}
	return n;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* A night: night.json must be one, then every run folder in it, oldest (by name) first. */
static int add_night(struct input *in, const char *dir, const char *night_json)
{
	json_object *night = json_object_from_file(night_json);
	size_t listed = json_length(json_field(night, "runs")), found = 0;
	struct dirent **entries;
	char name[256];
	int n;

	if (!json_object_is_type(night, json_type_object) ||
	    !json_object_is_type(json_field(night, "runs"), json_type_array)) {
		fprintf(stderr, "p2prig kcidb: %s: not a night.json: expected an object with a "
			"\"runs\" list\n", night_json);
		json_object_put(night);
		return -1;
	}
	json_object_put(night);
	snprintf(name, sizeof(name), "%s", base_name(dir));
	n = scandir(dir, &entries, not_hidden, alphasort);
	if (n < 0) {
		fprintf(stderr, "p2prig kcidb: %s: cannot list: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char sub[PATH_MAX_TEXT];

		snprintf(sub, sizeof(sub), "%s/%s", dir, entries[i]->d_name);
		found += add_run(in, sub, name) ? 1 : 0;
		free(entries[i]);
	}
	free(entries);
	if (found < listed)
		fprintf(stderr, "p2prig kcidb: %s lists %zu runs, %s holds %zu: the others left "
			"no result.json\n", night_json, listed, dir, found);
	return 0;
}

static int add_path(struct input *in, const char *arg)
{
	char path[PATH_MAX_TEXT], night_json[PATH_MAX_TEXT + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s", arg);
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	if (stat(path, &st) != 0) {
		fprintf(stderr, "p2prig kcidb: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		strlist_add(&in->files, path);
		strlist_add(&in->nights, "");
		return 0;
	}
	if (add_run(in, path, ""))
		return 0;
	snprintf(night_json, sizeof(night_json), "%s/night.json", path);
	if (is_file(night_json))
		return add_night(in, path, night_json);
	fprintf(stderr, "p2prig kcidb: %s: not a run folder (no result.json, server/result.json "
		"or client/result.json) nor a night (no night.json)\n", path);
	return -1;
}

/* Every file loaded and checked, then the document. */
static json_object *document(const struct input *in, const char *origin, const char *lab)
{
	struct result_view *views = calloc(in->files.n ? in->files.n : 1, sizeof(*views));
	json_object *doc = NULL;
	char why[1024];
	size_t loaded = 0;

	if (!views)
		abort();
	for (; loaded < in->files.n; loaded++) {
		if (result_view_load(&views[loaded], in->files.items[loaded], why, sizeof(why))) {
			fprintf(stderr, "p2prig kcidb: %s\n", why);
			break;
		}
	}
	if (loaded == in->files.n) {
		doc = kcidb_document();
		for (size_t i = 0; i < loaded; i++) {
			struct kcidb_context ctx = {
				.origin = origin, .lab = lab,
				.night = in->nights.items[i][0] ? in->nights.items[i] : NULL,
			};

			kcidb_add_run(doc, &views[i], &ctx);
		}
	}
	for (size_t i = 0; i < loaded; i++)
		result_view_free(&views[i]);
	free(views);
	return doc;
}

int cmd_kcidb(int argc, char **argv)
{
	const char *origin = KCIDB_DEFAULT_ORIGIN, *lab = NULL;
	const struct cli_option options[] = {
		{ "origin", 'o', &origin },
		{ "lab", 'l', &lab },
	};
	const struct cli_command cmd = {
		.name = "kcidb", .usage = kcidb_usage, CLI_OPTIONS(options),
		.takes_operands = true,
	};
	struct input in = { 0 };
	json_object *doc = NULL;
	int rc = cli_parse_options(&cmd, argc, argv);

	if (rc != CLI_GO_ON)
		return rc;
	if (optind >= argc) {
		kcidb_usage(stderr);
		return 2;
	}
	if (!kcidb_origin_ok(origin)) {
		fprintf(stderr, "p2prig kcidb: --origin '%s': expected lowercase letters, digits "
			"and _ (KCIDB's origin)\n", origin);
		return 2;
	}
	if (lab && !lab[0]) {
		fprintf(stderr, "p2prig kcidb: --lab: expected a lab's name, not nothing\n");
		return 2;
	}
	for (int i = optind; i < argc && rc == CLI_GO_ON; i++)
		if (add_path(&in, argv[i]))
			rc = 2;
	if (rc == CLI_GO_ON) {
		doc = document(&in, origin, lab);
		rc = doc ? 0 : 2;
	}
	strlist_free(&in.files);
	strlist_free(&in.nights);
	if (doc) {
		int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;

		printf("%s\n", json_object_to_json_string_ext(doc, flags));
		json_object_put(doc);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "p2prig kcidb: cannot write the document to stdout\n");
			rc = 1;
		}
	}
	return rc;
}
