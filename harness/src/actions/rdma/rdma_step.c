// SPDX-License-Identifier: GPL-2.0
/*
 * The rdma step: what it reports. The requester's buffer is always host
 * memory, the target's comes from the step's memory backend; for each
 * message size a latency pass and a bandwidth pass of RDMA WRITE
 * (requester -> target) or RDMA READ (target -> requester), the
 * destination checked byte for byte after each (rdma_run_passes.c). In
 * one guest both ends are here; in a two-node run the client is the
 * requester and the server owns the target (rdma_run.h).
 */
#include "actions/step.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "actions/action.h"
#include "scenario/scenario_parser.h"
#include "actions/rdma/rdma.h"
#include "util/json_write.h"
#include "util/numparse.h"
#include "actions/rdma/rdma_bench.h"
#include "actions/rdma/rdma_report.h"
#include "actions/rdma/rdma_run.h"

#define PROGRESS_PREFIX "p2prig:  "

static void fill_identity(struct rdma_run *rr)
{
	const struct rdma_params *r = rr->r;
	struct step_report *out = rr->out;
	struct rdma_report *rep = rr->report;

	rep->used = true;
	snprintf(rep->device, sizeof(rep->device), "%s", r->device);
	snprintf(rep->op, sizeof(rep->op), "%s", rdma_op_name(r->op));
	snprintf(rep->memory, sizeof(rep->memory), "%s", rdma_memory_name(r->memory));
	rep->tx_depth = r->tx_depth;
	rep->timeout_ms = RDMA_TIMEOUT_MS;
	rep->n_sizes = r->n_sizes;
	for (size_t i = 0; i < r->n_sizes; i++) {
		rep->sizes[i].bytes = r->sizes[i];
		rep->sizes[i].iterations = r->iterations;
	}
	out->bytes = rdma_params_max_size(r);
	out->seed = r->seed;

	if (r->memory != RDMA_MEMORY_DMABUF)
		return;
	const struct scenario_provider *p = &rr->env->sc->providers[r->provider];
	const struct provider_state *ps = &rr->env->providers[r->provider];
	snprintf(rep->provider, sizeof(rep->provider), "%s", p->name);
	snprintf(rep->method, sizeof(rep->method), "%s", r->method->name);
	snprintf(out->method, sizeof(out->method), "%s", r->method->name);
	snprintf(out->provider.name, sizeof(out->provider.name), "%s", p->name);
	snprintf(out->provider.kind, sizeof(out->provider.kind), "%s", p->kind->name);
	out->provider.resolved = ps->resolved;
	snprintf(out->provider.pci, sizeof(out->provider.pci), "%s", ps->pci_text);
	out->provider.allocated = ps->allocated;
	if (ps->allocated) {
		out->provider.bar = ps->chunk.bar;
		out->provider.phys_addr = ps->chunk.phys_addr;
		out->provider.bus_addr = ps->chunk.bus_addr;
		out->provider.bar_phys = ps->chunk.bar_phys;
		out->provider.bar_size = ps->chunk.bar_size;
	}
}

static void list_expectations(struct rdma_run *rr)
{
	for (size_t i = 0; i < rr->step->n_expects; i++) {
		const struct scenario_expect *e = &rr->step->expects[i];
		struct expectation_report *x = &rr->out->expectations[i];

		/* The parser lets only these two through for rdma steps. */
		if (e->what == EXPECT_PATTERN) {
			snprintf(x->expect, sizeof(x->expect), "pattern");
			snprintf(x->value, sizeof(x->value), "0x%" PRIx64, e->seed);
		} else {
			snprintf(x->expect, sizeof(x->expect), "verified");
		}
	}
	rr->out->n_expectations = rr->step->n_expects;
}

/* What the run prepared, before touching the device; the provider only where the target is. */
static void check_usable(struct rdma_run *rr)
{
	const struct rdma_params *r = rr->r;
	const struct p2prig_info *info = rr->env->info;

	if (rr->problem.set)
		return;
	if (rr->env->skip_all[0]) {
		rdma_problem_set(&rr->problem, VERDICT_SKIP, "%s", rr->env->skip_all);
		return;
	}
	if (r->memory != RDMA_MEMORY_DMABUF || !rr->owns_target)
		return;
	const struct provider_state *ps = &rr->env->providers[r->provider];
	if (ps->unusable[0])
		rdma_problem_set(&rr->problem, ps->unusable_verdict, "%s", ps->unusable);
	else if (!(info->export_method_mask & (1u << r->method->uapi)))
		rdma_problem_set(&rr->problem, VERDICT_SKIP,
				 "dma-buf export method %s: not offered by the module "
				 "(export_method_mask 0x%x)", r->method->name, info->export_method_mask);
}

/*
 * Like ib_write_bw's banner: what the figures below were measured on. The
 * server of a two-node run only answers: the figures are the client's.
 */
static void print_banner(const struct rdma_run *rr)
{
	const struct rdma_report *rep = rr->report;

	printf(PROGRESS_PREFIX "%s %s, %s memory%s%s: %s port %u (%s), gid[%d] %s, mtu %u, "
	       "tx-depth %u, %u iterations%s%s%s\n",
	       rr->step->name, rr->r->op == RDMA_OP_WRITE ? "RDMA WRITE" : "RDMA READ",
	       rep->memory, rep->method[0] ? " exported by " : "", rep->method, rep->device,
	       rep->port, rep->link_layer, rep->gid_index, rep->gid[0] ? rep->gid : "-",
	       rep->path_mtu, rep->tx_depth, rr->r->iterations,
	       rep->remote_gid[0] ? ", remote " : "", rep->remote_gid,
	       rr->poster ? "" : "; this node holds the target, the client measures");
	if (rr->poster)
		rdma_print_header(stdout, PROGRESS_PREFIX);
	fflush(stdout);
}

static void print_size(const struct rdma_size_report *sr)
{
	rdma_print_row(stdout, PROGRESS_PREFIX, sr->bytes, sr->iterations, sr->bw_peak_mibps,
		       sr->bw_avg_mibps, sr->msg_rate_mpps, (double)sr->latency_ns.min,
		       sr->latency_ns.mean, (double)sr->latency_ns.p99);
	fflush(stdout);
}

static void describe_mismatches(struct rdma_run *rr)
{
	for (size_t i = 0; i < rr->report->n_sizes; i++) {
		const struct rdma_size_report *sr = &rr->report->sizes[i];
		char size[SIZE_TEXT_MAX];

		if (!sr->check.has_mismatch)
			continue;
		format_size(sr->bytes, size, sizeof(size));
		step_add_reason(rr->out, "size %s: %" PRIu64 " mismatched bytes, the first at "
				"offset 0x%" PRIx64, size, sr->check.mismatched_bytes,
				sr->check.first_mismatch);
	}
}

static size_t sizes_verified(const struct rdma_report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n_sizes; i++)
		n += rep->sizes[i].verified;
	return n;
}

static void evaluate(struct rdma_run *rr)
{
	struct step_report *out = rr->out;
	size_t right = sizes_verified(rr->report);
	bool verified = right == rr->report->n_sizes;
	out->verified = verified;
	out->verdict = VERDICT_PASS;
	out->reason[0] = '\0';
	if (rr->problem.set)
		step_set_reason(out, rr->problem.verdict, "%s", rr->problem.why);
	describe_mismatches(rr);
	/* A wrong byte always fails, whatever else stopped the step. */
	for (size_t i = 0; i < rr->report->n_sizes; i++)
		if (rr->report->sizes[i].check.has_mismatch)
			out->verdict = VERDICT_FAIL;
	if (rr->problem.set)
		return;
	for (size_t i = 0; i < rr->step->n_expects; i++) {
		struct expectation_report *x = &out->expectations[i];

		snprintf(x->detail, sizeof(x->detail),
			 "checked against the pattern of seed 0x%" PRIx64 ": %zu of %zu sizes right",
			 rr->check_seed, right, rr->report->n_sizes);
		x->outcome = verified ? EXPECT_MET : EXPECT_UNMET;
		if (!verified)
			step_add_reason(out, "expect %s%s%s not met: %s", x->expect,
					x->value[0] ? " " : "", x->value, x->detail);
	}
	if (out->reason[0])
		out->verdict = VERDICT_FAIL;
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	struct rdma_run rr = {
		.env = env,
		.step = step,
		.r = &step->rdma,
		.out = out,
		.report = &out->rdma,
		.check_seed = scenario_step_check_seed(step),
	};
	size_t sizes_done = 0;

	rdma_run_assign_roles(&rr);
	fill_identity(&rr);
	list_expectations(&rr);
	rdma_run_begin(&rr);
	check_usable(&rr);
	if (rdma_run_set_up(&rr)) {
		print_banner(&rr);
		for (; sizes_done < rr.r->n_sizes; sizes_done++) {
			struct rdma_size_report *sr = &rr.report->sizes[sizes_done];

			if (!rdma_run_size(&rr, sr))
				break;
			if (rr.poster)
				print_size(sr);
		}
	}
	rdma_run_tear_down(&rr);
	evaluate(&rr);

	step_progress(progress, progress_size, "%s %s %s memory: %zu/%zu sizes verified",
		      rr.r->device, rdma_op_name(rr.r->op), rdma_memory_name(rr.r->memory),
		      sizes_verified(rr.report), rr.r->n_sizes);
	if (sizes_done && rr.poster) {
		const struct rdma_size_report *last = &rr.report->sizes[sizes_done - 1];
		char size[SIZE_TEXT_MAX];

		format_size(last->bytes, size, sizeof(size));
		step_progress(progress, progress_size, "%s: %.1f MiB/s average", size,
			      last->bw_avg_mibps);
	}
}

/* An rdma step maps nothing through the module: only the data can be expected. */
static bool check_expect(struct parser *p, const struct scenario_step *step,
			 const struct scenario_expect *e, const char *what)
{
	(void)step;
	if (e->what == EXPECT_VERIFIED || e->what == EXPECT_PATTERN)
		return true;
	ERROR(p, "'expect %s' does not apply to rdma steps (expected verified or pattern SEED)",
	      what);
	return false;
}

/* The target buffer of memory=dmabuf: the chunk's start, every size's bytes. */
static bool chunk_region(const struct scenario_step *step, size_t *provider, uint64_t *start,
			 uint64_t *end)
{
	uint64_t largest = rdma_params_max_size(&step->rdma);

	*provider = step->rdma.provider;
	*start = 0;
	*end = (largest + SCENARIO_PAGE_SIZE - 1) / SCENARIO_PAGE_SIZE * SCENARIO_PAGE_SIZE;
	return true;
}

static uint64_t seed(const struct scenario_step *step)
{
	return step->rdma.seed;
}

static bool uses_chunk(const struct scenario_step *step, size_t provider)
{
	return step->rdma.memory == RDMA_MEMORY_DMABUF && step->rdma.provider == provider;
}

static void write_json(const struct step_report *report, struct json_object *step)
{
	jw_add(step, "rdma", report->rdma.used ? rdma_report_json(&report->rdma) : NULL);
}

const struct step_action_ops rdma_action = {
	.name = "rdma",
	.action = STEP_RDMA,
	.parse_keys = rdma_parse_keys,
	.check_refs = rdma_check_refs,
	.check_expect = check_expect,
	.chunk_region = chunk_region,
	.seed = seed,
	.uses_chunk = uses_chunk,
	.run = run,
	.write_json = write_json,
	.summarise = rdma_summarise,
};
