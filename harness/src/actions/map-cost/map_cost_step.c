// SPDX-License-Identifier: GPL-2.0
/*
 * The map-cost step: for every method x granule, MAP_BENCH `repeats`
 * times (the kernel times each map and unmap call), the figures summarised
 * across repeats with their coefficient of variation, which is flagged
 * above 3 % and never fails the step. Then a short run of the same calls
 * with the dma trace events on proves what the DMA layer was asked to do
 * (MMIO attributes, every map with its unmap). The proof runs apart from
 * the timed repeats, so tracing never inflates the figures.
 */
#include "actions/step.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "actions/action.h"
#include "scenario/scenario_parser.h"
#include "actions/map-cost/map_cost.h"
#include "actions/map-cost/map_cost_kbench.h"
#include "actions/map-cost/map_cost_report.h"
#include "actions/map-cost/map_cost_summary.h"
#include "util/numparse.h"
#include "system/dma_trace_read.h"
#include "system/trace_instance.h"
#include "util/json_write.h"

/* Calls in a proof run: enough to see pairing, few enough that no event is lost. */
#define PROOF_ITERATIONS 32
#define PROOF_BUFFER_KB 4096

struct map_cost_run {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct map_cost_params *m;
	struct step_report *out;
	struct map_cost_report *report;
	const struct initiator_state *init;
	uint32_t initiator_kind;
	bool no_bench;			/* the module answered MAP_BENCH -ENOTTY */
	struct trace_instance trace;	/* the run's own tracefs instance */
	struct dma_event_set events;
	FILE *trace_file;
};

static void fill_identity(struct map_cost_run *mc)
{
	const struct scenario *sc = mc->env->sc;
	const struct map_cost_params *m = mc->m;
	struct map_cost_report *r = mc->report;
	struct step_report *out = mc->out;
	const struct scenario_initiator *i = &sc->initiators[m->initiator];

	r->params = *m;
	if (m->provider != SCENARIO_NO_INDEX) {
		const struct scenario_provider *p = &sc->providers[m->provider];
		const struct provider_state *ps = &mc->env->providers[m->provider];

		snprintf(r->provider, sizeof(r->provider), "%s", p->name);
		snprintf(out->provider.name, sizeof(out->provider.name), "%s", p->name);
		snprintf(out->provider.kind, sizeof(out->provider.kind), "%s", p->kind->name);
		out->provider.resolved = ps->resolved;
		snprintf(out->provider.pci, sizeof(out->provider.pci), "%s", ps->pci_text);
	}
	if (m->ram != SCENARIO_NO_INDEX)
		snprintf(r->ram, sizeof(r->ram), "%s", sc->providers[m->ram].name);
	snprintf(r->initiator, sizeof(r->initiator), "%s", i->name);
	snprintf(r->initiator_pci, sizeof(r->initiator_pci), "%s", mc->init->pci_text);
	snprintf(out->initiator.name, sizeof(out->initiator.name), "%s", i->name);
	snprintf(out->initiator.kind, sizeof(out->initiator.kind), "%s", i->kind->name);
	out->initiator.resolved = mc->init->resolved;
	snprintf(out->initiator.pci, sizeof(out->initiator.pci), "%s", mc->init->pci_text);
	mc->initiator_kind = i->kind->uapi;
}

static bool has_event(const char *name, void *data)
{
	return trace_instance_has_dma_event(data, name);
}

/*
 * Creates the run's own tracefs instance (the global one is never touched),
 * chooses this kernel's dma events and opens trace-STEP.txt; a rig without
 * tracefs says why.
 */
static void trace_setup(struct map_cost_run *mc)
{
	struct map_cost_report *r = mc->report;
	char path[4096];
	int rc = trace_instance_open(&mc->trace);

	if (rc) {
		snprintf(r->trace_note, sizeof(r->trace_note),
			 "no tracefs instance (%s): nothing proven",
			 strerror(-rc));
		return;
	}
	if (!dma_event_set_choose(has_event, &mc->trace, &mc->events)) {
		snprintf(r->trace_note, sizeof(r->trace_note),
			 "this kernel has no dma map trace events: nothing proven");
		trace_instance_close(&mc->trace);
		return;
	}
	rc = trace_instance_buffer_kb(&mc->trace, PROOF_BUFFER_KB);
	if (rc) {
		snprintf(r->trace_note, sizeof(r->trace_note), "tracefs buffer_size_kb: %s",
			 strerror(-rc));
		trace_instance_close(&mc->trace);
		return;
	}
	snprintf(r->trace_file, sizeof(r->trace_file), "trace-%s.txt", mc->step->name);
	snprintf(path, sizeof(path), "%s/%s", mc->env->out_dir ? mc->env->out_dir : ".",
		 r->trace_file);
	mc->trace_file = fopen(path, "w");
	if (!mc->trace_file) {
		snprintf(r->trace_note, sizeof(r->trace_note), "cannot write %s: %s", r->trace_file,
			 strerror(errno));
		r->trace_file[0] = '\0';
		trace_instance_close(&mc->trace);
		return;
	}
	r->trace_used = true;
	dma_event_set_text(&mc->events, r->trace_events, sizeof(r->trace_events));
	if (map_cost_has_method(mc->m, MAP_COST_IOVA_LINK) ||
	    map_cost_has_method(mc->m, MAP_COST_IOVA_LINK_HOST))
		snprintf(r->trace_note, sizeof(r->trace_note),
			 "no trace events for the dma_iova_link path: iova-link is proven by their "
			 "absence only");
}

/*
 * What the trace must show for a method, by the route MAP_BENCH took: the
 * bus address of a BUS_ADDR pair (the kernel's rule, uAPI 8) is no DMA-layer
 * call at all, so mmio, resource and iova-link leave no event then.
 */
static enum dma_trace_attrs expected_attrs(const struct map_cost_run *mc, enum map_cost_method m,
					   uint32_t route)
{
	if (route == P2PRIG_ROUTE_BUS_ADDR && m != MAP_COST_P2P_PAGE)
		return DMA_TRACE_ATTRS_NO_EVENTS;
	switch (m) {
	case MAP_COST_MMIO:
	case MAP_COST_RESOURCE:
	case MAP_COST_MMIO_HOST:
	case MAP_COST_RESOURCE_HOST:
		/* Before 6.18 dma_map_resource had its own path and event, without MMIO. */
		return mc->events.phys ? DMA_TRACE_ATTRS_MMIO : DMA_TRACE_ATTRS_ANY;
	case MAP_COST_RAM:
		return DMA_TRACE_ATTRS_NO_MMIO;
	case MAP_COST_IOVA_LINK:
	case MAP_COST_IOVA_LINK_HOST:
		return DMA_TRACE_ATTRS_NO_EVENTS;
	default:
		return DMA_TRACE_ATTRS_ANY;	/* p2p pages: the DMA layer decides */
	}
}

static void copy_figures(struct bench_figures *to, const struct p2prig_bench_stats *from)
{
	*to = (struct bench_figures){
		.n = from->n, .min_ns = from->min_ns, .max_ns = from->max_ns,
		.mean_ns = from->mean_ns, .stddev_ns = from->stddev_ns,
		.p50_ns = from->p50_ns, .p99_ns = from->p99_ns,
	};
}

/* MAP_BENCH once; false (with the entry's outcome set) when the entry cannot go on. */
static bool bench_once(struct map_cost_run *mc, struct map_cost_entry *e,
		       const struct p2prig_map_bench *request, struct p2prig_map_bench *result)
{
	const char *name = map_cost_method_info(e->method)->name;
	int rc = rigdev_map_bench(mc->env->dev, request, result);

	if (rc == -ENOTTY) {
		mc->no_bench = true;
		return false;
	}
	if (rc == -EOPNOTSUPP || (rc == 0 && result->first_error == -EOPNOTSUPP)) {
		e->outcome = MAP_COST_SKIPPED;
		snprintf(e->reason, sizeof(e->reason), "method %s: not supported by this kernel or "
			 "for this initiator (EOPNOTSUPP)", name);
		return false;
	}
	if (rc) {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "method %s: MAP_BENCH failed: %s", name,
			 strerror(-rc));
		return false;
	}
	if (result->first_error) {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "method %s: the kernel refused a map after "
			 "%" PRIu64 " calls: %s", name, (uint64_t)result->map.n,
			 strerror(-result->first_error));
		return false;
	}
	if (result->interrupted) {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "method %s: interrupted by a signal", name);
		return false;
	}
	return true;
}

/* The traced run of one entry; a broken proof fails the entry. */
static void prove(struct map_cost_run *mc, struct map_cost_entry *e,
		  struct p2prig_map_bench request)
{
	struct map_cost_trace *t = &e->trace;
	struct p2prig_map_bench result;
	char size[SIZE_TEXT_MAX];
	struct trace_instance *tf = &mc->trace;

	request.threads = 1;
	request.iterations = PROOF_ITERATIONS;
	request.duration_ms = 0;
	int rc = trace_instance_clear(tf);
	if (!rc)
		rc = trace_instance_enable(tf, &mc->events, true);
	if (!rc)
		rc = trace_instance_tracing(tf, true);
	bool ran = !rc && bench_once(mc, e, &request, &result);
	trace_instance_tracing(tf, false);
	trace_instance_enable(tf, &mc->events, false);
	if (rc) {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "trace: tracefs: %s", strerror(-rc));
		return;
	}
	if (!ran)
		return;	/* bench_once said why */
	t->expect = expected_attrs(mc, e->method, result.route);
	format_size(e->granule, size, sizeof(size));
	fprintf(mc->trace_file, "# p2prig map-cost %s: method %s, granule %s, %" PRIu64
		" calls of initiator %s\n", mc->step->name, map_cost_method_info(e->method)->name,
		size, (uint64_t)result.map.n, mc->init->pci_text);
	rc = dma_trace_read(tf, mc->init->pci_text, mc->trace_file, &t->tally);
	fflush(mc->trace_file);
	if (rc) {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "trace: cannot read it: %s", strerror(-rc));
		return;
	}
	t->ran = true;
	t->calls = result.map.n;
	t->passed = dma_trace_check(&t->tally, t->calls, t->expect, t->verdict, sizeof(t->verdict));
	if (t->passed) {
		snprintf(t->verdict, sizeof(t->verdict), "%zu maps, %zu unmaps paired, %zu with MMIO%s",
			 t->tally.maps, t->tally.unmaps, t->tally.mmio_maps,
			 t->expect == DMA_TRACE_ATTRS_NO_EVENTS
				 ? " (no trace events for the dma_iova_link path)" : "");
	} else {
		e->outcome = MAP_COST_FAILED;
		snprintf(e->reason, sizeof(e->reason), "trace: method %s at %s: %s",
			 map_cost_method_info(e->method)->name, size, t->verdict);
	}
}

/* Why the entry's memory cannot be mapped, or NULL. */
static const char *memory_unusable(struct map_cost_run *mc, size_t provider,
				   enum step_verdict *verdict)
{
	const struct provider_state *ps = &mc->env->providers[provider];

	*verdict = ps->unusable_verdict;
	if (ps->unusable[0])
		return ps->unusable;
	*verdict = VERDICT_SKIP;
	return ps->allocated ? NULL : "the provider's chunk was not allocated";
}

static void run_entry(struct map_cost_run *mc, struct map_cost_entry *e, char *progress,
		      size_t progress_size)
{
	const struct map_cost_method_info *info = map_cost_method_info(e->method);
	const struct map_cost_params *m = mc->m;
	size_t provider = info->peer ? m->provider : m->ram;
	enum step_verdict verdict;
	const char *why = memory_unusable(mc, provider, &verdict);
	struct p2prig_map_bench result;

	/* The method first: what the kernel lacks says more than what is not there. */
	if (!(mc->env->info->method_mask & (1u << info->uapi))) {
		e->outcome = MAP_COST_SKIPPED;
		snprintf(e->reason, sizeof(e->reason), "method %s: not in the module's method_mask "
			 "(0x%x): this kernel lacks it", info->name, mc->env->info->method_mask);
		return;
	}
	if (why) {
		e->outcome = verdict == VERDICT_FAIL ? MAP_COST_FAILED : MAP_COST_SKIPPED;
		snprintf(e->reason, sizeof(e->reason), "%s", why);
		return;
	}
	/* The inputs only: the kernel's outputs and the reserved fields stay zero. */
	struct p2prig_map_bench request = {
		.chunk = mc->env->providers[provider].chunk.handle,
		.method = info->uapi,
		.initiator = mc->initiator_kind,
		.dir = m->dir,
		.pci = mc->init->pci,
		.granule = e->granule,
		.iterations = m->iterations,
		.duration_ms = m->iterations ? 0 : m->seconds * 1000,
		.threads = m->threads,
	};
	/* The first calls of a method pay for cold caches and page tables: not timed. */
	for (uint32_t w = 0; w < MAP_COST_WARMUP_REPEATS; w++)
		if (!bench_once(mc, e, &request, &result))
			return;
	for (uint32_t r = 0; r < m->repeats; r++) {
		struct bench_repeat *rep = &e->repeats[e->n_repeats];

		if (!bench_once(mc, e, &request, &result))
			return;
		copy_figures(&rep->map, &result.map);
		e->map_type = result.map_type;
		e->route = result.route;
		copy_figures(&rep->unmap, &result.unmap);
		rep->elapsed_ns = result.elapsed_ns;
		rep->first_error = result.first_error;
		rep->interrupted = result.interrupted;
		e->n_repeats++;
	}
	e->outcome = MAP_COST_MEASURED;
	map_cost_entry_summarise(e);
	mc->report->flagged += e->map.cv_flagged + e->unmap.cv_flagged;

	char size[SIZE_TEXT_MAX];
	format_size(e->granule, size, sizeof(size));
	step_progress(progress, progress_size, "%s %s %.0f/%.0f ns", info->name, size,
		      e->map.mean_ns, e->unmap.mean_ns);
	if (mc->report->trace_used)
		prove(mc, e, request);
}

/*
 * The kernel's dma_map_benchmark beside the ram method (kernel-bench=):
 * after every entry, so taking the initiator from its driver for the
 * while disturbs none of them. A skip is a note; a failure fails the step.
 */
static void kernel_bench(struct map_cost_run *mc, char *progress, size_t progress_size)
{
	const struct map_cost_kbench *k = mc->report->kbench;

	kbench_run(mc->env, mc->step, mc->report, mc->init->pci_text);
	if (k->outcome == MAP_COST_SKIPPED) {
		char note[RESULT_TEXT_MAX];

		snprintf(note, sizeof(note), "kernel-bench: %s skipped: %.200s",
			 MAP_COST_KBENCH_PROGRAM, k->reason);
		strlist_add(&mc->out->notes, note);
	} else if (k->outcome == MAP_COST_MEASURED && k->n_granules &&
		   k->granules[0].map.has_ratio) {
		char size[SIZE_TEXT_MAX];

		format_size(k->granules[0].granule, size, sizeof(size));
		step_progress(progress, progress_size, "%s %s %.0f ns, ours/kernel %.2f",
			      MAP_COST_KBENCH_PROGRAM, size, k->granules[0].map.kernel.mean_ns,
			      k->granules[0].map.ratio);
	}
}

/*
 * The step's verdict from its entries: a failed entry fails it; all
 * skipped skips it. A kernel-bench that failed fails it too.
 */
static void judge(struct map_cost_run *mc)
{
	const struct map_cost_report *r = mc->report;
	size_t measured = 0, failed = 0;

	for (size_t i = 0; i < r->n_entries; i++) {
		const struct map_cost_entry *e = &r->entries[i];

		if (e->outcome == MAP_COST_FAILED) {
			if (!failed++)
				step_set_reason(mc->out, VERDICT_FAIL, "%s", e->reason);
			else
				step_add_reason(mc->out, "%s", e->reason);
		}
		measured += e->outcome == MAP_COST_MEASURED;
	}
	if (r->kbench && r->kbench->outcome == MAP_COST_FAILED) {
		if (!failed++)
			step_set_reason(mc->out, VERDICT_FAIL, "kernel-bench: %s", r->kbench->reason);
		else
			step_add_reason(mc->out, "kernel-bench: %s", r->kbench->reason);
	}
	if (failed)
		return;
	if (measured) {
		mc->out->verdict = VERDICT_PASS;
		return;
	}
	step_set_reason(mc->out, VERDICT_SKIP, "no method could be measured");
	for (size_t i = 0; i < r->n_entries && i < 3; i++)
		step_add_reason(mc->out, "%s", r->entries[i].reason);
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	const struct map_cost_params *m = &step->map_cost;
	struct map_cost_run mc = {
		.env = env, .step = step, .m = m, .out = out,
		.report = map_cost_report_new(),
		.init = &env->initiators[m->initiator],
	};

	out->map_cost = mc.report;
	if (m->kernel_bench) {
		mc.report->kbench = calloc(1, sizeof(*mc.report->kbench));
		if (!mc.report->kbench)
			abort();
	}
	snprintf(out->method, sizeof(out->method), "%zu methods", m->n_methods);
	fill_identity(&mc);
	if (env->skip_all && env->skip_all[0]) {
		step_set_reason(out, VERDICT_SKIP, "%s", env->skip_all);
		return;
	}
	if (mc.init->unusable[0]) {
		step_set_reason(out, mc.init->unusable_verdict, "%s", mc.init->unusable);
		return;
	}
	trace_setup(&mc);
	for (size_t i = 0; i < m->n_methods && !mc.no_bench; i++) {
		for (size_t g = 0; g < m->n_granules && !mc.no_bench; g++) {
			struct map_cost_entry *e = &mc.report->entries[mc.report->n_entries++];

			e->method = m->methods[i];
			e->granule = m->granules[g];
			run_entry(&mc, e, progress, progress_size);
		}
	}
	if (mc.trace_file)
		fclose(mc.trace_file);
	trace_instance_close(&mc.trace);
	if (mc.no_bench) {
		mc.report->n_entries = 0;
		step_set_reason(out, VERDICT_SKIP, "module has no MAP_BENCH (uAPI < 5)");
		return;
	}
	if (mc.report->kbench)
		kernel_bench(&mc, progress, progress_size);
	judge(&mc);
}

/* A map-cost step's figures are reported, never asserted. */
static bool check_expect(struct parser *p, const struct scenario_step *step,
			 const struct scenario_expect *e, const char *what)
{
	(void)step;
	(void)e;
	ERROR(p, "'expect %s' does not apply to map-cost steps (their figures are reported, "
	      "not asserted; the trace proof is checked anyway)", what);
	return false;
}

static bool uses_chunk(const struct scenario_step *step, size_t provider)
{
	return step->map_cost.provider == provider || step->map_cost.ram == provider;
}

static void write_json(const struct step_report *report, struct json_object *step)
{
	if (report->map_cost)
		jw_add(step, "map_cost", map_cost_json(report->map_cost));
}

const struct step_action_ops map_cost_action = {
	.name = "map-cost",
	.action = STEP_MAP_COST,
	.parse_keys = map_cost_parse_keys,
	.check_refs = map_cost_check_refs,
	.check_expect = check_expect,
	.uses_chunk = uses_chunk,
	.run = run,
	.write_json = write_json,
	.summarise = map_cost_summarise,
};
