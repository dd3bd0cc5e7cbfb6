// SPDX-License-Identifier: GPL-2.0
/*
 * The rdma step: two RC QPs on one verbs device connected to each other,
 * the requester's buffer always host memory, the responder's (the target)
 * from the step's memory backend. For each message size: a latency pass
 * and a bandwidth pass of RDMA WRITE (requester -> target) or RDMA READ
 * (target -> requester), the destination checked byte for byte after
 * each pass.
 *
 * Before each pass the source holds the seed's pattern and the
 * destination its complement, so a pass that silently moved nothing
 * cannot pass.
 */
#include "step.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "pattern.h"
#include "rdma_bench.h"
#include "rdma_device.h"
#include "rdma_figures.h"
#include "rdma_loopback.h"
#include "rdma_memory.h"
#include "rdma_report.h"
#include "stats.h"

#define PROGRESS_PREFIX "p2prig:  "

struct rdma_run {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct rdma_params *r;
	struct step_report *out;
	struct rdma_report *report;
	uint64_t check_seed;
	struct rdma_problem problem;
	struct rdma_device dev;
	bool dev_open;
	struct rdma_loopback lb;
	struct rdma_buffer *local, *target;
	uint8_t *staging;		/* CPU copy of one destination, for checking */
	uint64_t *posted, *completed;	/* bandwidth pass times */
};

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

/* What the run prepared, before touching the device. */
static bool usable(struct rdma_run *rr)
{
	const struct rdma_params *r = rr->r;
	const struct p2prig_info *info = rr->env->info;

	if (rr->env->skip_all[0]) {
		rdma_problem_set(&rr->problem, VERDICT_SKIP, "%s", rr->env->skip_all);
		return false;
	}
	if (r->memory != RDMA_MEMORY_DMABUF)
		return true;
	const struct provider_state *ps = &rr->env->providers[r->provider];
	if (ps->unusable[0]) {
		rdma_problem_set(&rr->problem, ps->unusable_verdict, "%s", ps->unusable);
		return false;
	}
	if (!(info->export_method_mask & (1u << r->method->uapi))) {
		rdma_problem_set(&rr->problem, VERDICT_SKIP,
				 "dma-buf export method %s: not offered by the module "
				 "(export_method_mask 0x%x)", r->method->name, info->export_method_mask);
		return false;
	}
	return true;
}

static void record_device(struct rdma_run *rr)
{
	struct rdma_report *rep = rr->report;

	rep->opened = true;
	rep->port = rr->dev.port;
	snprintf(rep->link_layer, sizeof(rep->link_layer), "%s", rdma_device_link_layer(&rr->dev));
	rep->gid_index = rr->dev.gid_index;
	rdma_device_gid_text(&rr->dev, rep->gid, sizeof(rep->gid));
	rep->path_mtu = rdma_mtu_bytes(rr->dev.port_attr.active_mtu);
}

/* Every size must fit one message of the port. */
static bool sizes_fit(struct rdma_run *rr)
{
	uint64_t largest = rdma_params_max_size(rr->r);
	char shown[16];

	if (largest <= rr->dev.port_attr.max_msg_sz)
		return true;
	format_size(largest, shown, sizeof(shown));
	rdma_problem_set(&rr->problem, VERDICT_SKIP,
			 "RDMA device %s: size %s is larger than its largest message (%u bytes)",
			 rr->dev.name, shown, rr->dev.port_attr.max_msg_sz);
	return false;
}

static struct rdma_buffer *create_target(struct rdma_run *rr, uint64_t size)
{
	const struct rdma_params *r = rr->r;
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

	if (r->memory == RDMA_MEMORY_HOST)
		return rdma_host_memory_create(r->device, rr->dev.pd, size, access, &rr->problem);
	struct rdma_dmabuf_source source = {
		.rig = rr->env->dev,
		.chunk = rr->env->providers[r->provider].chunk.handle,
		.method = r->method->uapi,
		.method_name = r->method->name,
		.provider_name = rr->env->sc->providers[r->provider].name,
	};
	return rdma_dmabuf_memory_create(r->device, rr->dev.pd, &source, size, access,
					 &rr->problem);
}

/* Device, both buffers and the connected QP pair; false with the problem set. */
static bool set_up(struct rdma_run *rr)
{
	uint64_t size = rdma_params_max_size(rr->r);

	if (!rdma_device_open(rr->r->device, &rr->dev, &rr->problem))
		return false;
	rr->dev_open = true;
	record_device(rr);
	if (!sizes_fit(rr))
		return false;
	rr->target = create_target(rr, size);
	if (!rr->target)
		return false;
	rr->local = rdma_host_memory_create(rr->r->device, rr->dev.pd, size, IBV_ACCESS_LOCAL_WRITE,
					    &rr->problem);
	if (!rr->local)
		return false;
	if (!rdma_loopback_create(&rr->dev, rr->r->tx_depth, &rr->lb, &rr->problem))
		return false;
	rr->report->tx_depth = rr->lb.tx_depth;
	rr->staging = malloc(size);
	rr->posted = calloc(rr->r->iterations, sizeof(*rr->posted));
	rr->completed = calloc(rr->r->iterations, sizeof(*rr->completed));
	if (!rr->staging || !rr->posted || !rr->completed)
		abort();
	return true;
}

static void tear_down(struct rdma_run *rr)
{
	rdma_loopback_destroy(&rr->lb);
	if (rr->local)
		rr->local->destroy(rr->local);
	if (rr->target)
		rr->target->destroy(rr->target);
	if (rr->dev_open)
		rdma_device_close(&rr->dev);
	free(rr->staging);
	free(rr->posted);
	free(rr->completed);
}

static bool cpu_copy_failed(struct rdma_run *rr, int rc, const struct rdma_buffer *m,
			    const char *what)
{
	if (rc)
		rdma_problem_set(&rr->problem, VERDICT_FAIL, "%s memory: CPU %s failed: %s",
				 m->backend, what, strerror(-rc));
	return rc != 0;
}

/* The seed's pattern in the source, the complement of what must arrive in the destination. */
static bool seed_buffers(struct rdma_run *rr, struct rdma_buffer *src, struct rdma_buffer *dst,
			 uint64_t size)
{
	pattern_fill(rr->staging, size, rr->r->seed, 0, PATTERN_PLAIN);
	if (cpu_copy_failed(rr, src->cpu_write(src, 0, rr->staging, size), src, "write"))
		return false;
	pattern_fill(rr->staging, size, rr->check_seed, 0, PATTERN_COMPLEMENT);
	return !cpu_copy_failed(rr, dst->cpu_write(dst, 0, rr->staging, size), dst, "write");
}

static bool check_destination(struct rdma_run *rr, struct rdma_buffer *dst, uint64_t size,
			      struct rdma_size_report *sr)
{
	if (cpu_copy_failed(rr, dst->cpu_read(dst, 0, rr->staging, size), dst, "read"))
		return false;
	pattern_check(rr->staging, size, rr->check_seed, 0, PATTERN_PLAIN, &sr->check);
	sr->checked_bytes += size;
	return true;
}

static bool run_size(struct rdma_run *rr, struct rdma_size_report *sr)
{
	sr->signal_every = (uint16_t)rdma_signal_every(sr->bytes, rr->lb.tx_depth);

	bool write = rr->r->op == RDMA_OP_WRITE;
	struct rdma_buffer *src = write ? rr->local : rr->target;
	struct rdma_buffer *dst = write ? rr->target : rr->local;
	struct rdma_pass pass = {
		.lb = &rr->lb,
		.message = {
			.op = rr->r->op,
			.local_addr = rr->local->iova,
			.lkey = rr->local->mr->lkey,
			.remote_addr = rr->target->iova,
			.rkey = rr->target->mr->rkey,
			.length = (uint32_t)sr->bytes,
		},
		.iterations = rr->r->iterations,
		.signal_every = sr->signal_every,
		.timeout_ms = RDMA_TIMEOUT_MS,
	};
	struct samples latency = { 0 };
	bool ok = seed_buffers(rr, src, dst, sr->bytes) &&
		  rdma_bench_latency(&pass, &latency, &rr->problem) &&
		  check_destination(rr, dst, sr->bytes, sr) &&
		  seed_buffers(rr, src, dst, sr->bytes) &&
		  rdma_bench_bandwidth(&pass, rr->posted, rr->completed, &rr->problem) &&
		  check_destination(rr, dst, sr->bytes, sr);

	sr->latency_ns = stats_summarise(latency.values, latency.n);
	samples_free(&latency);
	if (!ok)
		return false;
	struct rdma_bw_figures f = rdma_bw_figures(rr->posted, rr->completed, rr->r->iterations,
						   sr->bytes);
	sr->measured = true;
	sr->verified = !sr->check.has_mismatch;
	sr->elapsed_ns = f.elapsed_ns;
	sr->bw_peak_mib_s = f.peak_mib_s;
	sr->bw_avg_mib_s = f.avg_mib_s;
	sr->msg_rate_mpps = f.msg_rate_mpps;
	return true;
}

/* Like ib_write_bw's banner: what the figures below were measured on. */
static void print_banner(const struct rdma_run *rr)
{
	const struct rdma_report *rep = rr->report;

	printf(PROGRESS_PREFIX "%s %s, %s memory%s%s: %s port %u (%s), gid[%d] %s, mtu %u, "
	       "tx-depth %u, %u iterations\n",
	       rr->step->name, rr->r->op == RDMA_OP_WRITE ? "RDMA WRITE" : "RDMA READ",
	       rep->memory, rep->method[0] ? " exported by " : "", rep->method, rep->device,
	       rep->port, rep->link_layer, rep->gid_index, rep->gid[0] ? rep->gid : "-",
	       rep->path_mtu, rep->tx_depth, rr->r->iterations);
	rdma_print_header(stdout, PROGRESS_PREFIX);
	fflush(stdout);
}

static void print_size(const struct rdma_size_report *sr)
{
	rdma_print_row(stdout, PROGRESS_PREFIX, sr->bytes, sr->iterations, sr->bw_peak_mib_s,
		       sr->bw_avg_mib_s, sr->msg_rate_mpps, (double)sr->latency_ns.min,
		       sr->latency_ns.mean, (double)sr->latency_ns.p99);
	fflush(stdout);
}

static void describe_mismatches(struct rdma_run *rr)
{
	for (size_t i = 0; i < rr->report->n_sizes; i++) {
		const struct rdma_size_report *sr = &rr->report->sizes[i];
		char size[16];

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

void step_rdma_run(const struct step_env *env, const struct scenario_step *step,
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

	fill_identity(&rr);
	list_expectations(&rr);
	if (usable(&rr) && set_up(&rr)) {
		print_banner(&rr);
		for (; sizes_done < rr.r->n_sizes; sizes_done++) {
			struct rdma_size_report *sr = &rr.report->sizes[sizes_done];

			if (!run_size(&rr, sr))
				break;
			print_size(sr);
		}
	}
	tear_down(&rr);
	evaluate(&rr);

	step_progress(progress, progress_size, "%s %s %s memory: %zu/%zu sizes verified",
		      rr.r->device, rdma_op_name(rr.r->op), rdma_memory_name(rr.r->memory),
		      sizes_verified(rr.report), rr.r->n_sizes);
	if (sizes_done) {
		const struct rdma_size_report *last = &rr.report->sizes[sizes_done - 1];
		char size[16];

		format_size(last->bytes, size, sizeof(size));
		step_progress(progress, progress_size, "%s: %.1f MiB/s average", size,
			      last->bw_avg_mib_s);
	}
}
