// SPDX-License-Identifier: GPL-2.0
/*
 * `step NAME map-cost provider=P [ram=R] initiator=I methods=... granules=...
 * [threads=T] [iterations=N | seconds=S] [dir=D] [repeats=K]
 * [kernel-bench=dma_map_benchmark [kernel-bench-seconds=S]]`: the line's
 * keys, then, at the end of the file, its names and granules against the
 * providers they map.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"
#include "actions/map-cost/map_cost.h"
#include "scenario/scenario_parser.h"
#include "uapi/p2prig.h"


enum map_cost_key {
	MK_PROVIDER, MK_RAM, MK_INITIATOR, MK_METHODS, MK_GRANULES, MK_THREADS, MK_ITERATIONS,
	MK_SECONDS, MK_DIR, MK_REPEATS, MK_KBENCH, MK_KBENCH_SECONDS, MAP_COST_KEYS };

static const char map_cost_key_list[] =
	"[provider] [ram] initiator methods granules [threads] [iterations] [seconds] [dir] "
	"[repeats] [kernel-bench] [kernel-bench-seconds]";

static bool read_counts(struct parser *p, const char *const *v, struct map_cost_params *m)
{
	bool ok = true;

	if (v[MK_THREADS])
		ok &= parser_read_count(p, "threads", v[MK_THREADS], 1, MAP_COST_MAX_THREADS,
					&m->threads);
	if (v[MK_ITERATIONS] && v[MK_SECONDS]) {
		ERROR(p, "iterations= and seconds= exclude each other (a run is counted or timed)");
		ok = false;
	} else if (v[MK_ITERATIONS]) {
		ok &= parser_read_bounded(p, "iterations", v[MK_ITERATIONS], 1, MAP_COST_MAX_ITERATIONS,
				   &m->iterations);
	} else if (v[MK_SECONDS]) {
		m->iterations = 0;
		ok &= parser_read_count(p, "seconds", v[MK_SECONDS], 1, MAP_COST_MAX_SECONDS,
					&m->seconds);
	}
	if (v[MK_REPEATS])
		ok &= parser_read_count(p, "repeats", v[MK_REPEATS], MAP_COST_MIN_REPEATS,
					MAP_COST_MAX_REPEATS, &m->repeats);
	return ok;
}

/* The kernel's own benchmark beside the ram method: which, for how long, compared with what. */
static bool read_kernel_bench(struct parser *p, const char *const *v, struct map_cost_params *m)
{
	bool ok = true;

	m->kernel_bench_seconds = MAP_COST_KBENCH_DEFAULT_SECONDS;
	if (!v[MK_KBENCH]) {
		if (v[MK_KBENCH_SECONDS]) {
			ERROR(p, "kernel-bench-seconds= without kernel-bench=%s",
			      MAP_COST_KBENCH_PROGRAM);
			ok = false;
		}
		return ok;
	}
	if (strcmp(v[MK_KBENCH], MAP_COST_KBENCH_PROGRAM) != 0) {
		ERROR(p, "unknown kernel-bench '%s' (expected %s, the kernel's benchmark of "
		      "dma_map_single on RAM)", v[MK_KBENCH], MAP_COST_KBENCH_PROGRAM);
		ok = false;
	}
	if (!map_cost_has_method(m, MAP_COST_RAM)) {
		ERROR(p, "kernel-bench=%s is compared with the ram method: add ram to methods=",
		      MAP_COST_KBENCH_PROGRAM);
		ok = false;
	}
	if (v[MK_KBENCH_SECONDS])
		ok &= parser_read_count(p, "kernel-bench-seconds", v[MK_KBENCH_SECONDS], 1,
					MAP_COST_KBENCH_MAX_SECONDS, &m->kernel_bench_seconds);
	m->kernel_bench = ok;
	return ok;
}

bool map_cost_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
			 struct pending_step *pending)
{
	struct map_cost_params *m = &step->map_cost;
	const char *v[MAP_COST_KEYS];
	bool ok = parser_read_keys(p, words, n, map_cost_key_list, MAP_COST_KEYS, "map-cost steps",
				   v);
	char why[256];

	m->provider = m->ram = m->initiator = SCENARIO_NO_INDEX;
	m->threads = 1;
	m->iterations = MAP_COST_DEFAULT_ITERATIONS;
	m->dir = P2PRIG_DIR_BIDIRECTIONAL;
	m->repeats = MAP_COST_DEFAULT_REPEATS;
	parser_keep_name(pending->provider, v[MK_PROVIDER]);
	parser_keep_name(pending->ram, v[MK_RAM]);
	parser_keep_name(pending->initiator, v[MK_INITIATOR]);
	if (v[MK_METHODS] &&
	    !map_cost_methods_parse(v[MK_METHODS], m->methods, &m->n_methods, why, sizeof(why))) {
		ERROR(p, "%s", why);
		ok = false;
	}
	if (v[MK_GRANULES] &&
	    !map_cost_granules_parse(v[MK_GRANULES], m->granules, &m->n_granules, why, sizeof(why))) {
		ERROR(p, "%s", why);
		ok = false;
	}
	if (v[MK_DIR] && !map_cost_dir_parse(v[MK_DIR], &m->dir))
		ok = parser_unknown(p, "dir", v[MK_DIR], "bidirectional, to-device or from-device");
	ok &= read_counts(p, v, m);
	ok &= read_kernel_bench(p, v, m);

	bool peer = false;
	for (size_t i = 0; i < m->n_methods; i++)
		peer |= map_cost_method_info(m->methods[i])->peer;
	if (peer && !v[MK_PROVIDER]) {
		ERROR(p, "missing key 'provider=' (the peer memory that mmio, resource, iova-link and "
		      "p2p-page map)");
		ok = false;
	}
	if (map_cost_has_method(m, MAP_COST_RAM) && !v[MK_RAM]) {
		ERROR(p, "method ram needs ram=R (a 'provider R ram size=...' line: the RAM mapped "
		      "by dma_map_page)");
		ok = false;
	}
	return ok;
}

static size_t find_provider(const struct scenario *sc, const char *name)
{
	/* The first declaration counts; later duplicates were reported where they are. */
	for (size_t i = sc->n_providers; i-- > 0;)
		if (strcmp(sc->providers[i].name, name) == 0)
			return i;
	return SCENARIO_NO_INDEX;
}

/* A provider named by KEY: declared, of the memory it must be, holding every granule. */
static size_t resolve_provider(struct parser *p, const struct map_cost_params *m, const char *key,
			       const char *name, bool peer)
{
	const struct scenario *sc = p->sc;
	size_t at = find_provider(sc, name);

	if (at == SCENARIO_NO_INDEX) {
		ERROR(p, "unknown provider '%s' (declare it with a provider line)", name);
		return at;
	}
	const struct scenario_provider *prov = &sc->providers[at];
	if (prov->kind && prov->kind->peer != peer) {
		ERROR(p, "%s=%s must be %s, but provider '%s' is %s", key, name,
		      peer ? "peer memory" : "system RAM (kind ram)", name,
		      prov->kind->peer ? "peer memory" : "system RAM");
		return SCENARIO_NO_INDEX;
	}
	for (size_t g = 0; g < m->n_granules; g++) {
		if (prov->size && m->granules[g] > prov->size) {
			char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];
			format_size(m->granules[g], a, sizeof(a));
			format_size(prov->size, b, sizeof(b));
			ERROR(p, "granule %s is larger than provider '%s' (size=%s)", a, name, b);
		}
	}
	return at;
}

void map_cost_check_refs(struct parser *p, struct scenario_step *step,
			 const struct pending_step *pending)
{
	struct map_cost_params *m = &step->map_cost;

	if (pending->provider[0])
		m->provider = resolve_provider(p, m, "provider", pending->provider, true);
	if (pending->ram[0])
		m->ram = resolve_provider(p, m, "ram", pending->ram, false);
	m->initiator = parser_find_initiator(p, pending->initiator);
}
