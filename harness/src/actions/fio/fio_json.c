// SPDX-License-Identifier: GPL-2.0
/* fio's JSON output, read with json-c. */
#include "actions/fio/fio_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "util/json_read.h"
#include "util/read_all.h"

static uint64_t unsigned_field(json_object *obj, const char *key)
{
	int64_t v = json_object_get_int64(json_field(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}

/* clat_ns.percentile keys are printed with six decimals: "99.900000". */
static void read_clat(json_object *clat, struct fio_figures *f)
{
	json_object *pct = json_field(clat, "percentile");

	f->has_clat = unsigned_field(clat, "N") > 0;
	f->clat_mean_ns = json_object_get_double(json_field(clat, "mean"));
	f->clat_p50_ns = unsigned_field(pct, "50.000000");
	f->clat_p99_ns = unsigned_field(pct, "99.000000");
	f->clat_p99_9_ns = unsigned_field(pct, "99.900000");
}

static void read_direction(json_object *dir, struct fio_figures *f)
{
	memset(f, 0, sizeof(*f));
	if (!dir)
		return;
	f->io_bytes = unsigned_field(dir, "io_bytes");
	f->bw_bytes = unsigned_field(dir, "bw_bytes");
	f->iops = json_object_get_double(json_field(dir, "iops"));
	f->total_ios = unsigned_field(dir, "total_ios");
	read_clat(json_field(dir, "clat_ns"), f);
}

static int parse_root(json_object *root, struct fio_output *out, char *why, size_t why_size)
{
	json_object *version = json_field(root, "fio version");
	json_object *jobs = json_field(root, "jobs");

	if (!version || !json_object_is_type(version, json_type_string)) {
		snprintf(why, why_size, "no \"fio version\": not fio's JSON output");
		return -1;
	}
	snprintf(out->version, sizeof(out->version), "%s", json_object_get_string(version));
	if (!jobs || !json_object_is_type(jobs, json_type_array)) {
		snprintf(why, why_size, "no \"jobs\" array in fio's JSON output");
		return -1;
	}
	size_t n = json_object_array_length(jobs);
	if (n > FIO_JSON_MAX_JOBS) {
		snprintf(why, why_size, "fio reported %zu jobs, more than %d", n, FIO_JSON_MAX_JOBS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *job = json_object_array_get_idx(jobs, i);
		struct fio_job *j = &out->jobs[i];

		snprintf(j->name, sizeof(j->name), "%s",
			 json_object_get_string(json_field(job, "jobname")) ?: "");
		j->error = json_object_get_int(json_field(job, "error"));
		read_direction(json_field(job, "read"), &j->read);
		read_direction(json_field(job, "write"), &j->write);
	}
	out->n_jobs = n;
	return 0;
}

int fio_json_parse(const char *text, struct fio_output *out, char *why, size_t why_size)
{
	const char *start = text;
	enum json_tokener_error err;

	memset(out, 0, sizeof(*out));
	while (start && *start != '{') {
		start = strchr(start, '\n');
		if (start)
			start++;
	}
	if (!start) {
		snprintf(why, why_size, "no JSON object in fio's output");
		return -1;
	}
	json_object *root = json_tokener_parse_verbose(start, &err);
	if (!root) {
		snprintf(why, why_size, "fio's JSON does not parse: %s",
			 json_tokener_error_desc(err));
		return -1;
	}
	int rc = parse_root(root, out, why, why_size);
	json_object_put(root);
	return rc;
}

int fio_json_parse_file(const char *path, struct fio_output *out, char *why, size_t why_size)
{
	FILE *f = fopen(path, "r");
	size_t size = 0;
	bool read_error;

	if (!f) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	/* A read cut short leaves text that fio_json_parse() refuses. */
	char *text = read_all_and_close(f, &size, &read_error);
	int rc = fio_json_parse(text, out, why, why_size);
	free(text);
	return rc;
}

const struct fio_job *fio_output_job(const struct fio_output *out, const char *name)
{
	for (size_t i = 0; i < out->n_jobs; i++)
		if (strcmp(out->jobs[i].name, name) == 0)
			return &out->jobs[i];
	return NULL;
}
