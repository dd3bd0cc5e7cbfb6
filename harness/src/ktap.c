// SPDX-License-Identifier: GPL-2.0
/* KTAP v1 writer for ktap.txt. */
#include "ktap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numparse.h"

/* Result and diagnostic lines are single lines whatever the kernel printed. */
static void put_one_line(FILE *f, const char *text)
{
	for (const char *c = text; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
}

static void end_line(struct ktap *k)
{
	fputc('\n', k->f);
	fflush(k->f);
}

int ktap_open(struct ktap *k, const char *dir, size_t planned)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/%s", dir, KTAP_FILE_NAME) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	k->f = fopen(path, "w");
	if (!k->f)
		return -errno;
	fprintf(k->f, "KTAP version 1\n1..%zu", planned);
	end_line(k);
	return 0;
}

/* "# LABEL: TEXT", or "# TEXT" without a label. */
static void labelled_diagnostic(struct ktap *k, const char *label, const char *text)
{
	if (!k->f)
		return;
	fputs("# ", k->f);
	if (label) {
		put_one_line(k->f, label);
		fputs(": ", k->f);
	}
	put_one_line(k->f, text);
	end_line(k);
}

void ktap_diagnostic(struct ktap *k, const char *text)
{
	labelled_diagnostic(k, NULL, text);
}

static void result_line(struct ktap *k, bool ok, size_t number, const char *name,
			const char *skip_reason)
{
	if (!k->f)
		return;
	fprintf(k->f, "%s %zu %s", ok ? "ok" : "not ok", number, name);
	if (skip_reason) {
		fputs(" # SKIP ", k->f);
		put_one_line(k->f, skip_reason);
	}
	end_line(k);
}

/* A map-cost step's figures as diagnostics: one line per method x granule, flags included. */
static void map_cost_diagnostics(struct ktap *k, const struct map_cost_report *r)
{
	for (size_t i = 0; r && i < r->n_entries; i++) {
		const struct map_cost_entry *e = &r->entries[i];
		char line[512], size[16], flag[32];

		snprintf(flag, sizeof(flag), " > %.0f %%, flagged", MAP_COST_CV_LIMIT_PERCENT);
		format_size(e->granule, size, sizeof(size));
		if (e->outcome != MAP_COST_MEASURED) {
			snprintf(line, sizeof(line), "map-cost %s %s: %s: %s",
				 map_cost_method_info(e->method)->name, size,
				 map_cost_outcome_name(e->outcome), e->reason);
		} else {
			snprintf(line, sizeof(line), "map-cost %s %s: map %.0f +- %.0f ns (cv %.1f %%%s), "
				 "unmap %.0f +- %.0f ns (cv %.1f %%%s), trace %s",
				 map_cost_method_info(e->method)->name, size, e->map.mean_ns,
				 e->map.stddev_ns, e->map.cv_percent,
				 e->map.cv_flagged ? flag : "", e->unmap.mean_ns,
				 e->unmap.stddev_ns, e->unmap.cv_percent,
				 e->unmap.cv_flagged ? flag : "",
				 !e->trace.ran ? "not run" : e->trace.passed ? "pass" : "fail");
		}
		ktap_diagnostic(k, line);
	}
}

void ktap_step(struct ktap *k, size_t number, const struct step_report *step)
{
	map_cost_diagnostics(k, step->map_cost);
	switch (step->verdict) {
	case VERDICT_PASS:
		result_line(k, true, number, step->name, NULL);
		break;
	case VERDICT_SKIP:
		result_line(k, true, number, step->name, step->reason);
		break;
	case VERDICT_FAIL:
		if (step->reason[0])
			ktap_diagnostic(k, step->reason);
		for (size_t i = 0; i < step->health.n; i++)
			labelled_diagnostic(k, "kernel", step->health.items[i]);
		result_line(k, false, number, step->name, NULL);
		break;
	}
}

void ktap_health(struct ktap *k, size_t number, const struct run_report *r)
{
	const struct health_report *h = &r->health;

	if (!h->watched && h->n_findings == 0) {
		result_line(k, true, number, KTAP_HEALTH_TEST, h->why[0] ? h->why : "not watched");
		return;
	}
	for (size_t i = 0; i < h->n_findings; i++)
		labelled_diagnostic(k, h->findings[i].step ? h->findings[i].step : "outside any step",
				    h->findings[i].line);
	result_line(k, h->n_findings == 0, number, KTAP_HEALTH_TEST, NULL);
}

void ktap_close(struct ktap *k)
{
	if (k->f)
		fclose(k->f);
	k->f = NULL;
}

int ktap_fail_test(const char *dir, size_t number, const char *reason)
{
	char path[4096], tmp[4096], ok[32];
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	int rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, KTAP_FILE_NAME) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	snprintf(ok, sizeof(ok), "ok %zu ", number);
	FILE *in = fopen(path, "r");
	if (!in)
		return -errno;
	struct ktap out = { .f = fopen(tmp, "w") };
	if (!out.f) {
		rc = -errno;
		fclose(in);
		return rc;
	}
	while (getline(&line, &cap, in) > 0) {
		if (!found && strncmp(line, ok, strlen(ok)) == 0 && !strstr(line, " # SKIP")) {
			ktap_diagnostic(&out, reason);
			fprintf(out.f, "not %s", line);
			found = true;
		} else {
			fputs(line, out.f);
		}
	}
	free(line);
	if (ferror(in) || fflush(out.f))
		rc = -EIO;
	fclose(in);
	if (fclose(out.f) && !rc)
		rc = -EIO;
	if (!rc && found && rename(tmp, path))
		rc = -errno;
	if (rc || !found)
		unlink(tmp);
	return rc ? rc : found ? 0 : -ENOENT;
}
