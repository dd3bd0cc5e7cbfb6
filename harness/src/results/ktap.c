// SPDX-License-Identifier: GPL-2.0
/* KTAP v1 writer for ktap.txt. */
#include "results/ktap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/numparse.h"

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

void ktap_labelled_diagnostic(struct ktap *k, const char *label, const char *text)
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
	ktap_labelled_diagnostic(k, NULL, text);
}

static void result_line(struct ktap *k, bool ok, size_t number, const char *name,
			const char *skip_reason)
{
	if (!k->f)
		return;
	fprintf(k->f, "%s %zu ", ok ? "ok" : "not ok", number);
	put_one_line(k->f, name);
	if (skip_reason) {
		fputs(" # SKIP", k->f);
		if (skip_reason[0])
			fputc(' ', k->f);
		put_one_line(k->f, skip_reason);
	}
	end_line(k);
}

/* " > 3 %, flagged" after a figure whose CV passed the limit, else nothing. */
static const char *cv_flag(const struct repeat_figure *f, double limit, char *buf, size_t size)
{
	if (!f->cv_flagged)
		return "";
	snprintf(buf, size, " > %.0f %%, flagged", limit);
	return buf;
}

void ktap_format_map_cost(const struct ktap_map_cost_line *l, char *buf, size_t size)
{
	char granule[SIZE_TEXT_MAX], map_flag[32], unmap_flag[32];

	format_size(l->granule, granule, sizeof(granule));
	if (l->outcome) {
		snprintf(buf, size, "map-cost %s %s: %s: %s", l->method, granule, l->outcome,
			 l->reason);
		return;
	}
	snprintf(buf, size, "map-cost %s %s: map %.0f +- %.0f ns (cv %.1f %%%s), "
		 "unmap %.0f +- %.0f ns (cv %.1f %%%s), trace %s", l->method, granule,
		 l->map->mean_ns, l->map->stddev_ns, l->map->cv_percent,
		 cv_flag(l->map, l->cv_limit_percent, map_flag, sizeof(map_flag)),
		 l->unmap->mean_ns, l->unmap->stddev_ns, l->unmap->cv_percent,
		 cv_flag(l->unmap, l->cv_limit_percent, unmap_flag, sizeof(unmap_flag)),
		 l->trace);
}

/* A map-cost step's figures as diagnostics: one line per method x granule, flags included. */
static void map_cost_diagnostics(struct ktap *k, const struct map_cost_report *r)
{
	for (size_t i = 0; r && i < r->n_entries; i++) {
		const struct map_cost_entry *e = &r->entries[i];
		struct ktap_map_cost_line l = {
			.method = map_cost_method_info(e->method)->name,
			.granule = e->granule,
			.outcome = e->outcome == MAP_COST_MEASURED ? NULL
				   : map_cost_outcome_name(e->outcome),
			.reason = e->reason,
			.map = &e->map,
			.unmap = &e->unmap,
			.cv_limit_percent = MAP_COST_CV_LIMIT_PERCENT,
			.trace = !e->trace.ran ? "not run" : e->trace.passed ? "pass" : "fail",
		};
		char line[512];

		ktap_format_map_cost(&l, line, sizeof(line));
		ktap_diagnostic(k, line);
	}
}

void ktap_test(struct ktap *k, size_t number, const char *name, enum step_verdict verdict,
	       const char *reason, const char *label, const struct strlist *lines)
{
	bool skipped = verdict == VERDICT_SKIP, failed = verdict == VERDICT_FAIL;

	if (failed && reason && reason[0])
		ktap_diagnostic(k, reason);
	for (size_t i = 0; lines && i < lines->n; i++)
		ktap_labelled_diagnostic(k, label, lines->items[i]);
	result_line(k, !failed, number, name, skipped ? (reason ? reason : "") : NULL);
}

void ktap_step(struct ktap *k, size_t number, const struct step_report *step)
{
	map_cost_diagnostics(k, step->map_cost);
	ktap_test(k, number, step->name, step->verdict, step->reason, "kernel", &step->health);
}

void ktap_health_report(struct ktap *k, size_t number, const struct health_report *h)
{
	if (!h->watched && h->n_findings == 0) {
		result_line(k, true, number, KTAP_HEALTH_TEST, h->why[0] ? h->why : "not watched");
		return;
	}
	for (size_t i = 0; i < h->n_findings; i++)
		ktap_labelled_diagnostic(k, h->findings[i].step ? h->findings[i].step
					 : "outside any step", h->findings[i].line);
	result_line(k, h->n_findings == 0, number, KTAP_HEALTH_TEST, NULL);
}

void ktap_health(struct ktap *k, size_t number, const struct run_report *r)
{
	ktap_health_report(k, number, &r->health);
}

void ktap_close(struct ktap *k)
{
	if (k->f)
		fclose(k->f);
	k->f = NULL;
}

/* Rewrites test NUMBER of DIR/ktap.txt, a pass, as a failure (REASON before it) or a skip. */
static int rewrite_test(const char *dir, size_t number, enum step_verdict verdict,
			const char *reason)
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
			found = true;
			if (verdict == VERDICT_SKIP) {
				line[strcspn(line, "\n")] = '\0';
				fprintf(out.f, "%s # SKIP ", line);
				put_one_line(out.f, reason);
				end_line(&out);
				continue;
			}
			ktap_diagnostic(&out, reason);
			fprintf(out.f, "not %s", line);
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

int ktap_fail_test(const char *dir, size_t number, const char *reason)
{
	return rewrite_test(dir, number, VERDICT_FAIL, reason);
}

int ktap_amend_test(struct ktap *k, const char *dir, size_t number, enum step_verdict verdict,
		    const char *reason)
{
	char path[4096];
	int rc;

	if (!k->f)
		return -EBADF;
	if (snprintf(path, sizeof(path), "%s/%s", dir, KTAP_FILE_NAME) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	ktap_close(k);
	rc = rewrite_test(dir, number, verdict, reason);
	k->f = fopen(path, "a");
	if (!k->f && !rc)
		rc = -errno;
	return rc;
}
