// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's dma_map_benchmark beside map-cost's ram method: the guest
 * script's output read back, each granule's runs summarised, the ratio
 * to map-cost's figure, and their JSON.
 */
#include "actions/map-cost/map_cost_kbench.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "util/array_size.h"
#include "util/json_write.h"
#include "util/numparse.h"

const char *kbench_differs(void)
{
	return "Both time dma_map_page_attrs() and its unmap on RAM from kthreads with ktime, "
	       "but dma_map_benchmark maps one alloc_pages_exact() buffer of the granule per "
	       "kthread over and over (dma_map_single, the buffer memset before every map, "
	       "untimed) for a fixed number of seconds without warm-up, floors each call to "
	       "100 ns and the mean once more (so its mean reads 0 to 199 ns low) and prints "
	       "the mean and the single calls' standard deviation in 0.1 us, while map-cost's "
	       "ram method makes one MAP_BENCH ioctl of the p2prig module per repeat, whose "
	       "kthreads dma_map_page() successive granule-sized offsets of a RAM chunk a fixed "
	       "number of times after one untimed warm-up repeat, time each call to the ns and "
	       "report its mean, p50 and p99, the figure being the mean of the repeat means.";
}

/* "average map latency(us):1.2 standard deviation:0.3": the two figures in ns. */
static bool latency_line(const char *line, const char *what, uint64_t *mean_ns,
			 uint64_t *stddev_ns)
{
	char format[96];
	double mean, stddev;
	int end = 0;

	snprintf(format, sizeof(format), "average %s latency(us):%%lf standard deviation:%%lf%%n",
		 what);
	if (sscanf(line, format, &mean, &stddev, &end) != 2 || end == 0 || mean < 0 ||
	    stddev < 0 || !isfinite(mean) || !isfinite(stddev))
		return false;
	*mean_ns = (uint64_t)llround(mean * 1000.0);
	*stddev_ns = (uint64_t)llround(stddev * 1000.0);
	return true;
}

/*
 * "dma mapping benchmark(SINGLE_MODE): threads:1 seconds:1 node:-1
 * dir:BIDIRECTIONAL granule:1" (tools/dma, 6.13 and later), or before
 * 6.13 (tools/testing/selftests/dma) without the mode and with
 * "granule: 1".
 */
static bool header_line(const char *line, struct kbench_run *run)
{
	static const char prefix[] = "dma mapping benchmark";
	struct kbench_run h = *run;
	const char *rest = line + sizeof(prefix) - 1;

	if (strncmp(line, prefix, sizeof(prefix) - 1) != 0)
		return false;
	if (*rest == '(') {
		rest = strchr(rest, ')');
		if (!rest)
			return false;
		rest++;
	}
	if (sscanf(rest, ": threads:%" SCNu32 " seconds:%" SCNu32 " node:%" SCNd32
		   " dir:%15[A-Z_] granule:%" SCNu32, &h.threads, &h.seconds, &h.node, h.dir,
		   &h.pages) != 5)
		return false;
	h.header = true;
	*run = h;
	return true;
}

bool kbench_program_line(const char *line, struct kbench_run *run)
{
	if (header_line(line, run))
		return true;
	if (latency_line(line, "map", &run->map_mean_ns, &run->map_stddev_ns)) {
		run->map = true;
		return true;
	}
	if (latency_line(line, "unmap", &run->unmap_mean_ns, &run->unmap_stddev_ns)) {
		run->unmap = true;
		return true;
	}
	return false;
}

/* Truncates, as a reason or a path longer than its field is still worth most of it. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool starts(const char *line, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(line, prefix, n) != 0)
		return false;
	*rest = line + n;
	return true;
}

static bool outcome_of(const char *name, enum map_cost_outcome *out)
{
	static const enum map_cost_outcome all[] = { MAP_COST_MEASURED, MAP_COST_SKIPPED,
						     MAP_COST_FAILED };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(map_cost_outcome_name(all[i]), name) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

static struct kbench_granule *granule_slot(struct map_cost_kbench *k, uint64_t granule)
{
	for (size_t i = 0; i < k->n_granules; i++)
		if (k->granules[i].granule == granule)
			return &k->granules[i];
	if (k->n_granules == MAP_COST_MAX_GRANULES)
		return NULL;
	struct kbench_granule *g = &k->granules[k->n_granules++];
	*g = (struct kbench_granule){ .granule = granule };
	return g;
}

__attribute__((format(printf, 2, 3)))
static void fail(struct map_cost_kbench *k, const char *fmt, ...)
{
	va_list ap;

	if (k->outcome == MAP_COST_FAILED && k->reason[0])
		return;		/* the first failure says the most */
	k->outcome = MAP_COST_FAILED;
	va_start(ap, fmt);
	vsnprintf(k->reason, sizeof(k->reason), fmt, ap);
	va_end(ap);
}

/* The script's lines; k fails on a line it must get right and does not. */
static void read_lines(const char *text, struct map_cost_kbench *k, bool *has_result)
{
	struct kbench_run *run = NULL;
	const char *rest;
	char line[512];

	for (const char *at = text; at && *at;) {
		const char *nl = strchr(at, '\n');
		size_t len = nl ? (size_t)(nl - at) : strlen(at);

		snprintf(line, sizeof(line), "%.*s", (int)len, at);
		at = nl ? nl + 1 : NULL;
		if (starts(line, "program=", &rest)) {
			copy_text(k->path, sizeof(k->path), rest);
		} else if (starts(line, "device=", &rest)) {
			copy_text(k->device, sizeof(k->device), rest);
		} else if (starts(line, "driver=", &rest)) {
			copy_text(k->driver, sizeof(k->driver), rest);
		} else if (starts(line, "dma_bits=", &rest)) {
			uint64_t bits;
			if (parse_number(rest, &bits) && bits >= 20 && bits <= 64)
				k->dma_bits = (uint32_t)bits;
		} else if (starts(line, "run granule=", &rest)) {
			uint64_t granule;
			struct kbench_granule *g;
			char *end;

			run = NULL;
			granule = strtoull(rest, &end, 10);
			g = end != rest ? granule_slot(k, granule) : NULL;
			if (!g || g->n_runs == MAP_COST_MAX_REPEATS) {
				fail(k, "guest-dma-bench.sh: a run line out of place: '%s'", line);
				continue;
			}
			run = &g->runs[g->n_runs++];
			*run = (struct kbench_run){ 0 };
		} else if (starts(line, "result=", &rest)) {
			enum map_cost_outcome o;
			*has_result = outcome_of(rest, &o);
			if (*has_result && k->outcome != MAP_COST_FAILED)
				k->outcome = o;
			else if (!*has_result)
				fail(k, "guest-dma-bench.sh: unknown result '%s'", rest);
		} else if (starts(line, "reason=", &rest)) {
			if (!(k->outcome == MAP_COST_FAILED && k->reason[0]))
				copy_text(k->reason, sizeof(k->reason), rest);
		} else if (run) {
			kbench_program_line(line, run);
		}
	}
}

/* Every granule of the step, with repeats complete runs of the right shape, in the step's order. */
static void check_runs(struct map_cost_kbench *k, const struct map_cost_params *m,
		       uint64_t page_size)
{
	struct kbench_granule ordered[MAP_COST_MAX_GRANULES];
	char size[SIZE_TEXT_MAX];

	for (size_t i = 0; i < m->n_granules; i++) {
		const struct kbench_granule *g = NULL;

		format_size(m->granules[i], size, sizeof(size));
		for (size_t j = 0; j < k->n_granules && !g; j++)
			if (k->granules[j].granule == m->granules[i])
				g = &k->granules[j];
		if (!g || g->n_runs < m->repeats) {
			fail(k, "dma_map_benchmark: %zu of %" PRIu32 " runs at granule %s",
			     g ? g->n_runs : 0, m->repeats, size);
			return;
		}
		for (size_t r = 0; r < g->n_runs; r++) {
			const struct kbench_run *run = &g->runs[r];
			const char *missing = !run->header ? "no 'dma mapping benchmark' line"
					      : !run->map ? "no 'average map latency' line"
					      : !run->unmap ? "no 'average unmap latency' line" : NULL;

			if (missing) {
				fail(k, "dma_map_benchmark run %zu at granule %s: %s", r + 1, size,
				     missing);
				return;
			}
			if ((uint64_t)run->pages * page_size != g->granule ||
			    run->threads != m->threads) {
				fail(k, "dma_map_benchmark run %zu at granule %s says granule:%" PRIu32
				     " threads:%" PRIu32 ", not %" PRIu64 " pages and %" PRIu32
				     " threads", r + 1, size, run->pages, run->threads,
				     g->granule / page_size, m->threads);
				return;
			}
		}
		ordered[i] = *g;
	}
	memcpy(k->granules, ordered, m->n_granules * sizeof(ordered[0]));
	k->n_granules = m->n_granules;
}

void kbench_parse(const char *text, const struct map_cost_params *m, uint64_t page_size,
		  struct map_cost_kbench *k)
{
	bool has_result = false;

	k->outcome = MAP_COST_NOT_RUN;
	k->reason[0] = k->path[0] = k->device[0] = k->driver[0] = '\0';
	k->dma_bits = 0;
	k->n_granules = 0;
	k->page_size = page_size;
	read_lines(text ? text : "", k, &has_result);
	if (k->outcome != MAP_COST_FAILED && !has_result)
		fail(k, "guest-dma-bench.sh said no result=");
	if (k->outcome == MAP_COST_SKIPPED && !k->reason[0])
		snprintf(k->reason, sizeof(k->reason), "guest-dma-bench.sh gave no reason");
	if (k->outcome == MAP_COST_FAILED && !k->reason[0])
		snprintf(k->reason, sizeof(k->reason), "guest-dma-bench.sh failed without a reason");
	if (k->outcome == MAP_COST_MEASURED) {
		k->reason[0] = '\0';
		check_runs(k, m, page_size);
	}
	if (k->outcome != MAP_COST_MEASURED)
		k->n_granules = 0;	/* a half of it is no figure */
}

static const struct map_cost_entry *ram_entry(const struct map_cost_report *r, uint64_t granule)
{
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct map_cost_entry *e = &r->entries[i];

		if (e->method == MAP_COST_RAM && e->granule == granule &&
		    e->outcome == MAP_COST_MEASURED && e->map.repeats > 0)
			return e;
	}
	return NULL;
}

/* The mean of the repeats' p50s, over repeats that timed something. */
static double p50_mean(const struct map_cost_entry *e, bool unmap)
{
	double sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < e->n_repeats; i++) {
		const struct bench_figures *f = unmap ? &e->repeats[i].unmap : &e->repeats[i].map;

		if (f->n) {
			sum += (double)f->p50_ns;
			n++;
		}
	}
	return n ? sum / (double)n : 0.0;
}

static void compare_side(struct kbench_side *s, const double *kernel, size_t n,
			 const struct map_cost_entry *ours, bool unmap)
{
	s->kernel = repeat_figure_of(kernel, n);
	s->has_ours = ours != NULL;
	if (ours) {
		s->ours_mean_ns = unmap ? ours->unmap.mean_ns : ours->map.mean_ns;
		s->ours_p50_ns = p50_mean(ours, unmap);
	}
	s->has_ratio = ours && s->kernel.repeats > 0 && s->kernel.mean_ns > 0;
	if (s->has_ratio) {
		s->ratio = s->ours_mean_ns / s->kernel.mean_ns;
		s->ratio_min = s->ours_mean_ns / (s->kernel.mean_ns + KBENCH_FLOOR_LOSS_MAX_NS);
	}
}

void kbench_compare(struct map_cost_kbench *k, const struct map_cost_report *r)
{
	for (size_t i = 0; i < k->n_granules; i++) {
		struct kbench_granule *g = &k->granules[i];
		double map[MAP_COST_MAX_REPEATS], unmap[MAP_COST_MAX_REPEATS];
		const struct map_cost_entry *ours = ram_entry(r, g->granule);

		for (size_t j = 0; j < g->n_runs; j++) {
			map[j] = (double)g->runs[j].map_mean_ns;
			unmap[j] = (double)g->runs[j].unmap_mean_ns;
		}
		compare_side(&g->map, map, g->n_runs, ours, false);
		compare_side(&g->unmap, unmap, g->n_runs, ours, true);
		g->note[0] = '\0';
		if (!ours)
			snprintf(g->note, sizeof(g->note), "no ratio: map-cost's ram method was not "
				 "measured at this granule");
		else if (!g->map.has_ratio || !g->unmap.has_ratio)
			snprintf(g->note, sizeof(g->note), "no %s ratio: the kernel's figure is 0, "
				 "below its %d ns resolution", !g->map.has_ratio ? "map" : "unmap",
				 KBENCH_RESOLUTION_NS);
	}
}

static json_object *run_json(const struct kbench_run *run)
{
	const struct jw_count_field figures[] = {
		{ "map_mean_ns", run->map_mean_ns }, { "map_stddev_ns", run->map_stddev_ns },
		{ "unmap_mean_ns", run->unmap_mean_ns }, { "unmap_stddev_ns", run->unmap_stddev_ns },
	};

	return jw_add_counts(json_object_new_object(), figures, ARRAY_SIZE(figures));
}

static json_object *side_json(const struct kbench_side *s)
{
	json_object *o = json_object_new_object();

	jw_add(o, "kernel", map_cost_figure_json(&s->kernel));
	jw_add(o, "ours_mean_ns", s->has_ours ? jw_decimal(s->ours_mean_ns, 1) : NULL);
	jw_add(o, "ours_p50_ns", s->has_ours ? jw_decimal(s->ours_p50_ns, 1) : NULL);
	jw_add(o, "ratio", s->has_ratio ? jw_decimal(s->ratio, 3) : NULL);
	jw_add(o, "ratio_min", s->has_ratio ? jw_decimal(s->ratio_min, 3) : NULL);
	return o;
}

static json_object *granule_json(const struct kbench_granule *g, uint64_t page_size)
{
	json_object *o = json_object_new_object();

	jw_add(o, "granule_bytes", jw_count(g->granule));
	jw_add(o, "pages", jw_count(g->granule / page_size));
	JW_ADD_ARRAY(o, "runs", g->runs, g->n_runs, run_json);
	jw_add(o, "map", side_json(&g->map));
	jw_add(o, "unmap", side_json(&g->unmap));
	jw_add(o, "note", jw_text(g->note));
	return o;
}

json_object *kbench_json(const struct map_cost_kbench *k)
{
	json_object *o = json_object_new_object();
	json_object *granules = json_object_new_array();

	jw_add(o, "program", jw_text(MAP_COST_KBENCH_PROGRAM));
	jw_add(o, "compared_with", jw_text(map_cost_method_info(MAP_COST_RAM)->name));
	jw_add(o, "result", jw_text(map_cost_outcome_name(k->outcome)));
	jw_add(o, "reason", k->reason[0] ? jw_text(k->reason)
			    : k->outcome == MAP_COST_NOT_RUN ? jw_text("the step ended before it")
			    : NULL);
	jw_add(o, "path", jw_text(k->path));
	jw_add(o, "device", jw_text(k->device));
	jw_add(o, "driver", jw_text(k->driver));
	jw_add(o, "dma_bits", k->dma_bits ? jw_count(k->dma_bits) : NULL);
	jw_add(o, "threads", jw_count(k->threads));
	jw_add(o, "seconds", jw_count(k->seconds));
	jw_add(o, "repeats", jw_count(k->repeats));
	jw_add(o, "dir", jw_text(map_cost_dir_name(k->dir)));
	jw_add(o, "resolution_ns", jw_count(KBENCH_RESOLUTION_NS));
	jw_add(o, "floor_loss_max_ns", jw_count(KBENCH_FLOOR_LOSS_MAX_NS));
	jw_add(o, "output", jw_text(k->output));
	jw_add(o, "differs", jw_text(kbench_differs()));
	for (size_t i = 0; i < k->n_granules; i++)
		json_object_array_add(granules, granule_json(&k->granules[i], k->page_size));
	jw_add(o, "granules", granules);
	return o;
}
