// SPDX-License-Identifier: GPL-2.0
/*
 * The transfer step: map [offset, offset + size) of the provider's chunk
 * for the initiator, move it piece by piece to peer memory and back, check
 * every byte through the CPU's own view of the chunk, then time map and
 * unmap: warm-up pairs first, reported apart as cold, then the steady
 * pairs whose figures the step reports. The dma trace sees the transfer's
 * own mapping (its proof) and is off while the pairs are timed.
 *
 * An `expect oracle` step turns the order round and keeps the CPU out of
 * the first half: the initiator reads out what the host wrote into the
 * BAR's backing before the guest booted, then writes the step's pattern
 * and leaves it for the host to check after the guest ends.
 *
 * Before each direction the destination is filled with the complement of
 * what must arrive, so a transfer that silently moved nothing cannot pass.
 */
#include "actions/transfer/transfer_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/action.h"
#include "actions/transfer/transfer_refusal.h"
#include "util/numparse.h"
#include "util/pattern.h"
#include "util/stats.h"

/* The step's action says which of the two it is: the parser set it before the keys. */
static bool is_dmabuf(const struct scenario_step *step)
{
	return step->action == STEP_DMABUF;
}

static const char *method_name(const struct transfer_run *tr)
{
	return tr->dmabuf ? tr->t->export_method->name : tr->t->method->name;
}

static void fill_identity(struct transfer_run *tr)
{
	const struct scenario *sc = tr->env->sc;
	const struct scenario_provider *p = &sc->providers[tr->t->provider];
	const struct scenario_initiator *i = &sc->initiators[tr->t->initiator];
	struct step_report *out = tr->out;

	snprintf(out->provider.name, sizeof(out->provider.name), "%s", p->name);
	snprintf(out->provider.kind, sizeof(out->provider.kind), "%s", p->kind->name);
	out->provider.resolved = tr->prov->resolved;
	snprintf(out->provider.pci, sizeof(out->provider.pci), "%s", tr->prov->pci_text);
	out->provider.allocated = tr->prov->allocated;
	if (tr->prov->allocated) {
		out->provider.bar = tr->prov->chunk.bar;
		out->provider.phys_addr = tr->prov->chunk.phys_addr;
		out->provider.bus_addr = tr->prov->chunk.bus_addr;
		out->provider.bar_phys = tr->prov->chunk.bar_phys;
		out->provider.bar_size = tr->prov->chunk.bar_size;
	}
	snprintf(out->initiator.name, sizeof(out->initiator.name), "%s", i->name);
	snprintf(out->initiator.kind, sizeof(out->initiator.kind), "%s", i->kind->name);
	out->initiator.resolved = tr->init->resolved;
	snprintf(out->initiator.pci, sizeof(out->initiator.pci), "%s", tr->init->pci_text);

	snprintf(out->method, sizeof(out->method), "%s", method_name(tr));
	out->offset = tr->t->offset;
	out->bytes = tr->t->size;
	out->piece = tr->t->piece;
	out->seed = tr->t->seed;

	snprintf(tr->who_method, sizeof(tr->who_method), "%s %s",
		 tr->dmabuf ? "dma-buf export method" : "method", method_name(tr));
	snprintf(tr->who_initiator, sizeof(tr->who_initiator), "initiator %s", i->name);
	snprintf(tr->who_provider, sizeof(tr->who_provider), "provider %s", p->name);
}

static void list_expectations(struct transfer_run *tr)
{
	for (size_t i = 0; i < tr->step->n_expects; i++) {
		const struct scenario_expect *e = &tr->step->expects[i];
		struct expectation_report *r = &tr->out->expectations[i];

		switch (e->what) {
		case EXPECT_VERIFIED:
			snprintf(r->expect, sizeof(r->expect), "verified");
			break;
		case EXPECT_PATTERN:
			snprintf(r->expect, sizeof(r->expect), "pattern");
			snprintf(r->value, sizeof(r->value), "0x%" PRIx64, e->seed);
			break;
		case EXPECT_DMA_ADDRESS:
			snprintf(r->expect, sizeof(r->expect), "dma-address");
			snprintf(r->value, sizeof(r->value), "%s", expect_dma_name(e->dma));
			break;
		case EXPECT_MAP_TYPE:
			snprintf(r->expect, sizeof(r->expect), "map-type");
			snprintf(r->value, sizeof(r->value), "%s", expect_map_type_name(e->map_type));
			break;
		case EXPECT_REFUSED:
			snprintf(r->expect, sizeof(r->expect), "refused");
			break;
		case EXPECT_ORACLE:
			snprintf(r->expect, sizeof(r->expect), "oracle");
			break;
		case EXPECT_METHODS_AGREE:
			snprintf(r->expect, sizeof(r->expect), "methods-agree");
			snprintf(r->value, sizeof(r->value), "within=%.3g%%", e->within_percent);
			break;
		}
	}
	tr->out->n_expectations = tr->step->n_expects;
}

/* Whether the step can run at all with what the run prepared. */
static bool usable(struct transfer_run *tr)
{
	const struct p2prig_info *info = tr->env->info;
	struct step_report *out = tr->out;

	if (tr->env->skip_all[0]) {
		step_set_reason(out, VERDICT_SKIP, "%s", tr->env->skip_all);
		return false;
	}
	if (tr->prov->unusable[0]) {
		step_set_reason(out, tr->prov->unusable_verdict, "%s", tr->prov->unusable);
		return false;
	}
	if (tr->init->unusable[0]) {
		step_set_reason(out, tr->init->unusable_verdict, "%s", tr->init->unusable);
		return false;
	}
	if (!(info->initiator_mask & (1u << tr->init_kind->uapi))) {
		step_set_reason(out, VERDICT_SKIP,
				"initiator kind %s: not offered by the module (initiator_mask 0x%x)",
				tr->init_kind->name, info->initiator_mask);
		return false;
	}
	/* Only the virtual lab's host fills the BAR's backing and reads it back. */
	if (tr->oracle && !tr->env->has_oracle) {
		step_set_reason(out, VERDICT_SKIP,
				"expect oracle: no host oracle in this run (the host fills the BAR's "
				"backing and passes --oracle-seed: the virtual lab's run-scenario.sh)");
		return false;
	}
	uint32_t mask = tr->dmabuf ? info->export_method_mask : info->method_mask;
	uint32_t uapi = tr->dmabuf ? tr->t->export_method->uapi : tr->t->method->uapi;
	if (!(mask & (1u << uapi))) {
		step_set_reason(out, VERDICT_SKIP, "%s: not offered by the module (%s 0x%x)",
				tr->who_method, tr->dmabuf ? "export_method_mask" : "method_mask",
				mask);
		return false;
	}
	return true;
}

/*
 * The route the step's method takes by the doctor's map type (the rule of
 * route_rule.h, as the module applies it), and a note when a "-host"
 * method sends a switch-local pair through a host bridge the kernel's rule
 * would not accept for it: the virtual lab carries it, real hardware may
 * not.
 */
static void predict_route(struct transfer_run *tr, const struct prediction *pred)
{
	const struct method_kind *m = tr->dmabuf ? NULL : tr->t->method;
	struct step_report *out = tr->out;
	uint32_t route;

	if (!m || !m->peer)
		return;
	if (p2prig_route_rule(pred->map_type, m->policy, &route) == 0)
		out->predicted_route = route;
	if (m->policy == P2PRIG_POLICY_HOST && pred->map_type == P2PRIG_MAP_TYPE_BUS_ADDR &&
	    pred->host_route_unaccepted) {
		char note[2 * RESULT_TEXT_MAX];

		snprintf(note, sizeof(note), "method %s maps this switch-local (BUS_ADDR) pair "
			 "through the host bridge, a route the kernel's rule would not accept here "
			 "(%s): real hardware may refuse or fault it", m->name,
			 pred->host_route_text);
		strlist_add(&out->notes, note);
	}
}

/*
 * What the kernel's p2pdma decides for the pair (the module maps one page
 * the way block and RDMA drivers do and reports the map type), and what
 * the doctor predicted from the topology. Peer memory only.
 */
static bool probe_pair(struct transfer_run *tr, char *progress, size_t progress_size)
{
	const struct scenario_provider *p = &tr->env->sc->providers[tr->t->provider];
	struct step_report *out = tr->out;
	struct prediction pred = { .map_type = P2PRIG_MAP_TYPE_UNKNOWN };
	struct p2prig_probe probe;
	int rc;

	if (!p->kind->peer)
		return true;
	rc = rigdev_probe(tr->env->dev, tr->prov->chunk.handle, tr->init_kind->uapi, &tr->init->pci,
			  tr->t->offset, &probe);
	if (rc) {
		step_ioctl_failed(out, rc, tr->who_provider, "PROBE");
		return false;
	}
	out->probed = true;
	out->map_type = probe.map_type;
	out->p2p_distance = probe.p2p_distance;

	if (tr->env->predict)
		tr->env->predict(tr->env, tr->t->provider, tr->t->initiator, &pred);
	else
		snprintf(pred.reason, sizeof(pred.reason), "no doctor in this run");
	out->predicted_map_type = pred.map_type;
	snprintf(out->prediction, sizeof(out->prediction), "%s", pred.reason);
	predict_route(tr, &pred);
	step_progress(progress, progress_size, "p2pdma %s distance %d (doctor: %s)",
		      map_type_name(out->map_type), out->p2p_distance, map_type_name(pred.map_type));
	return true;
}

/*
 * QEMU does not model switch-local routing: every device DMA goes through
 * the IOMMU, so a PCI bus address (a BUS_ADDR mapping) faults there when
 * the IOMMU translates. Real switches route it, so this is the vlab only.
 * Such a step is skipped, unless it says vlab-bus-addr=run: it wants the
 * fault, for the health watch to catch.
 */
static bool vlab_bus_addr_would_fault(const struct transfer_run *tr)
{
	uint32_t flags = tr->out->dma_flags;

	return strcmp(tr->env->rig, "vlab") == 0 && (flags & P2PRIG_MAP_F_BUS_ADDR) &&
	       !(flags & P2PRIG_MAP_F_DIRECT);
}

/* Moves the bytes both ways on one mapping; false when an ioctl failed. */
static bool move_bytes(struct transfer_run *tr, char *progress, size_t progress_size)
{
	struct step_report *out = tr->out;
	struct p2prig_map m;
	int rc;

	if (!probe_pair(tr, progress, progress_size))
		return false;
	rc = transfer_map_region(tr, &m);
	if (rc) {
		bool expected = scenario_step_expect(tr->step, EXPECT_REFUSED) != NULL;
		bool go_on = transfer_map_failed(out, rc, expected, tr->who_method);

		if (out->refused)
			step_progress(progress, progress_size, "map refused: %s%s", strerror(-rc),
				      expected ? "" : " (not expected)");
		return go_on;
	}
	out->mapped = true;
	out->cold.own_map_ns = m.map_ns;
	out->dma_flags = m.flags;
	out->route = m.route;
	out->mapped_map_type = m.map_type;
	out->dma_address = m.dma_addr;
	out->dma_in_bar = transfer_dma_in_bar(&tr->prov->chunk, m.dma_addr);
	if (!out->probed)
		out->p2p_distance = m.p2p_distance;
	step_progress(progress, progress_size, "map dma=0x%" PRIx64 " (%s)", (uint64_t)m.dma_addr,
		      expect_dma_name(transfer_dma_kind(out)));
	if (vlab_bus_addr_would_fault(tr) && tr->t->vlab_bus_addr_run) {
		step_progress(progress, progress_size,
			      "vlab-bus-addr=run: the bus address goes to the initiator under a "
			      "translating IOMMU, which faults it");
	} else if (vlab_bus_addr_would_fault(tr)) {
		step_set_reason(out, VERDICT_SKIP,
				"virtual lab limit: a bus address under a translating IOMMU; QEMU "
				"sends all device DMA through the IOMMU and would fault, where a "
				"real switch routes it locally");
		uint64_t ignored;
		transfer_unmap_region(tr, m.handle, &ignored);
		return false;
	}

	bool ok = tr->oracle ? transfer_oracle_both_ways(tr, m.handle, progress, progress_size)
			     : transfer_cpu_both_ways(tr, m.handle, progress, progress_size);

	rc = transfer_unmap_region(tr, m.handle, &out->cold.own_unmap_ns);
	out->cold.own_timed = rc == 0;
	if (rc && ok) {
		step_ioctl_failed(out, rc, tr->who_method, "UNMAP");
		ok = false;
	}
	return ok && transfer_time_mapping(tr, progress, progress_size);
}

static void describe_mismatch(struct step_report *out, const char *direction,
			      const struct direction_report *d)
{
	if (d->check.has_mismatch)
		step_add_reason(out, "%s: %" PRIu64 " mismatched bytes, the first at offset 0x%" PRIx64,
				direction, d->check.mismatched_bytes, d->check.first_mismatch);
}

/* The map type an `expect map-type` names, the doctor's when it says predicted. */
static uint32_t expected_map_type(const struct step_report *out, const struct scenario_expect *e)
{
	return e->map_type == EXPECT_MAP_PREDICTED ? out->predicted_map_type : (uint32_t)e->map_type;
}

static bool expectation_met(struct transfer_run *tr, const struct scenario_expect *e,
			    struct expectation_report *r)
{
	const struct step_report *out = tr->out;
	const struct p2prig_chunk_alloc *c = &tr->prov->chunk;
	uint64_t bar_start = c->bus_addr - (c->phys_addr - c->bar_phys);
	uint32_t want;

	switch (e->what) {
	case EXPECT_VERIFIED:
	case EXPECT_PATTERN:
		snprintf(r->detail, sizeof(r->detail),
			 "checked against the pattern of seed 0x%" PRIx64
			 ": %" PRIu64 " bytes wrong to peer, %" PRIu64 " from peer%s",
			 tr->check_seed, out->to_peer.check.mismatched_bytes,
			 out->from_peer.check.mismatched_bytes,
			 tr->oracle ? " (against the host's pattern)" : "");
		return out->verified;
	case EXPECT_DMA_ADDRESS:
		snprintf(r->detail, sizeof(r->detail),
			 "0x%" PRIx64 " is %s (BAR%u bus range [0x%" PRIx64 ", 0x%" PRIx64 ")%s%s)",
			 out->dma_address, expect_dma_name(transfer_dma_kind(out)), c->bar, bar_start,
			 bar_start + (uint64_t)c->bar_size,
			 out->dma_flags & P2PRIG_MAP_F_DIRECT ? ", no IOMMU translation" : "",
			 out->dma_flags & P2PRIG_MAP_F_BOUNCED ? ", swiotlb bounce" : "");
		return out->mapped && transfer_dma_kind(out) == e->dma;
	case EXPECT_MAP_TYPE:
		want = expected_map_type(out, e);
		snprintf(r->detail, sizeof(r->detail), "the kernel's p2pdma decided %s, expected %s",
			 out->probed ? map_type_name(out->map_type) : "nothing (no probe)",
			 map_type_name(want));
		return out->probed && want != P2PRIG_MAP_TYPE_UNKNOWN && out->map_type == want;
	case EXPECT_REFUSED:
		snprintf(r->detail, sizeof(r->detail), "%s",
			 out->refused ? strerror(out->refused_errno) : "the mapping was made");
		return out->refused;
	case EXPECT_METHODS_AGREE:
		return true;	/* decided after the last step: methods_agree.c */
	case EXPECT_ORACLE:
		if (tr->oracle_waived) {
			snprintf(r->detail, sizeof(r->detail),
				 "no host oracle on a lab machine (no backing file to read): the CPU "
				 "read-back checked the bytes");
			return true;
		}
		snprintf(r->detail, sizeof(r->detail),
			 "the initiator read the host's pattern (seed 0x%" PRIx64 ") at BAR offset 0x%" PRIx64
			 ": %" PRIu64 " bytes wrong; what it wrote is the host's to check%s",
			 out->oracle.fill_seed, out->oracle.bar_offset,
			 out->from_peer.check.mismatched_bytes,
			 out->oracle.state == ORACLE_PENDING ? "" : " (not written)");
		return out->oracle.state == ORACLE_PENDING && !out->from_peer.check.has_mismatch;
	}
	return false;
}

static void evaluate(struct transfer_run *tr)
{
	struct step_report *out = tr->out;

	out->verified = !out->refused && !out->to_peer.check.has_mismatch &&
			!out->from_peer.check.has_mismatch;
	for (size_t i = 0; i < tr->step->n_expects; i++) {
		struct expectation_report *r = &out->expectations[i];
		bool met = expectation_met(tr, &tr->step->expects[i], r);

		r->outcome = met ? EXPECT_MET : EXPECT_UNMET;
		/* Half an oracle: the host's check after the guest ends decides. */
		if (met && tr->step->expects[i].what == EXPECT_ORACLE)
			r->outcome = EXPECT_NOT_EVALUATED;
		/* Its figures are compared with other steps' once all have run. */
		if (tr->step->expects[i].what == EXPECT_METHODS_AGREE) {
			r->outcome = EXPECT_NOT_EVALUATED;
			snprintf(r->detail, sizeof(r->detail), "decided after the last step");
		}
	}
	out->verdict = VERDICT_PASS;
	out->reason[0] = '\0';
	describe_mismatch(out, "to peer", &out->to_peer);
	describe_mismatch(out, "from peer", &out->from_peer);
	for (size_t i = 0; i < out->n_expectations; i++) {
		const struct expectation_report *r = &out->expectations[i];
		if (r->outcome == EXPECT_UNMET)
			step_add_reason(out, "expect %s%s%s not met: %s", r->expect,
					r->value[0] ? " " : "", r->value, r->detail);
	}
	/* MAP's map type is the module's reading of the tree: p2pdma's own must match. */
	if (out->probed && out->mapped && out->mapped_map_type != P2PRIG_MAP_TYPE_UNKNOWN &&
	    out->mapped_map_type != out->map_type)
		step_add_reason(out, "the module read map type %s for MAP, but p2pdma decided %s",
				map_type_name(out->mapped_map_type), map_type_name(out->map_type));
	/* The route the doctor predicted for the method is the one MAP took. */
	if (out->mapped && out->predicted_route != P2PRIG_ROUTE_NONE &&
	    out->route != out->predicted_route)
		step_add_reason(out, "the doctor predicted route %s but the mapping took %s",
				route_name(out->predicted_route), route_name(out->route));
	/* The doctor read the topology; the kernel decided. They must agree. */
	if (out->probed && out->predicted_map_type != P2PRIG_MAP_TYPE_UNKNOWN &&
	    out->predicted_map_type != out->map_type)
		step_add_reason(out, "the doctor predicted %s but the kernel decided %s (doctor: %s)",
				map_type_name(out->predicted_map_type), map_type_name(out->map_type),
				out->prediction);
	if (out->reason[0])
		out->verdict = VERDICT_FAIL;
}

void transfer_run(const struct step_env *env, const struct scenario_step *step,
		  struct step_report *out, char *progress, size_t progress_size)
{
	bool wants_oracle = scenario_step_expect(step, EXPECT_ORACLE) != NULL;
	/* A lab machine has no backing file for the host to fill and read. */
	bool oracle_waived = wants_oracle && !env->has_oracle && strcmp(env->rig, "lab") == 0;
	struct transfer_run tr = {
		.env = env,
		.step = step,
		.t = &step->transfer,
		.prov = &env->providers[step->transfer.provider],
		.init = &env->initiators[step->transfer.initiator],
		.init_kind = env->sc->initiators[step->transfer.initiator].kind,
		.out = out,
		.check_seed = scenario_step_check_seed(step),
		.dmabuf = is_dmabuf(step),
		.oracle = wants_oracle && !oracle_waived,
		.oracle_waived = oracle_waived,
		.dmabuf_fd = -1,
	};

	out->cold.warmup = tr.t->warmup;
	out->dmabuf.used = tr.dmabuf;
	out->dmabuf.balanced = tr.dmabuf;
	out->oracle.state = tr.oracle ? ORACLE_NOT_REACHED : ORACLE_NONE;
	fill_identity(&tr);
	list_expectations(&tr);
	if (!usable(&tr))
		return;

	tr.region = malloc(tr.t->size);
	tr.piece = malloc(tr.t->piece);
	if (!tr.region || !tr.piece) {
		char size[SIZE_TEXT_MAX];
		format_size(tr.t->size, size, sizeof(size));
		step_set_reason(out, VERDICT_FAIL, "cannot allocate %s of buffers", size);
	} else if (move_bytes(&tr, progress, progress_size)) {
		evaluate(&tr);
	} else {
		/* An ioctl error decided the verdict; still say what was wrong by then. */
		out->verified = false;
		describe_mismatch(out, "to peer", &out->to_peer);
		describe_mismatch(out, "from peer", &out->from_peer);
		if (out->verdict == VERDICT_SKIP &&
		    (out->to_peer.check.has_mismatch || out->from_peer.check.has_mismatch))
			out->verdict = VERDICT_FAIL;	/* a wrong byte always fails */
	}

	out->map_ns = stats_summarise(tr.map_ns.values, tr.map_ns.n);
	out->unmap_ns = stats_summarise(tr.unmap_ns.values, tr.unmap_ns.n);
	out->cold.map_ns = stats_summarise(tr.cold_map_ns.values, tr.cold_map_ns.n);
	out->cold.unmap_ns = stats_summarise(tr.cold_unmap_ns.values, tr.cold_unmap_ns.n);
	samples_free(&tr.cold_map_ns);
	samples_free(&tr.cold_unmap_ns);
	out->to_peer_xfer_ns = stats_summarise(tr.to_ns.values, tr.to_ns.n);
	out->from_peer_xfer_ns = stats_summarise(tr.from_ns.values, tr.from_ns.n);
	samples_free(&tr.map_ns);
	samples_free(&tr.unmap_ns);
	samples_free(&tr.to_ns);
	samples_free(&tr.from_ns);
	free(tr.region);
	free(tr.piece);
}

bool transfer_chunk_region(const struct scenario_step *step, size_t *provider, uint64_t *start,
			   uint64_t *end)
{
	*provider = step->transfer.provider;
	*start = step->transfer.offset;
	*end = step->transfer.offset + step->transfer.size;
	return true;
}

uint64_t transfer_seed(const struct scenario_step *step)
{
	return step->transfer.seed;
}

bool transfer_uses_chunk(const struct scenario_step *step, size_t provider)
{
	return step->transfer.provider == provider;
}

bool transfer_pair(const struct scenario_step *step, size_t *provider, size_t *initiator)
{
	*provider = step->transfer.provider;
	*initiator = step->transfer.initiator;
	return true;
}

bool transfer_step_parse_keys(struct parser *p, char **words, size_t n,
			      struct scenario_step *step, struct pending_step *pending)
{
	return transfer_parse_keys(p, words, n, step, pending, is_dmabuf(step));
}

void transfer_step_check_refs(struct parser *p, struct scenario_step *step,
			      const struct pending_step *pending)
{
	transfer_check_refs(p, step, pending, is_dmabuf(step));
}

const struct step_action_ops transfer_action = {
	.name = "transfer",
	.action = STEP_TRANSFER,
	.parse_keys = transfer_step_parse_keys,
	.check_refs = transfer_step_check_refs,
	.compares_methods = true,
	.chunk_region = transfer_chunk_region,
	.seed = transfer_seed,
	.uses_chunk = transfer_uses_chunk,
	.pair = transfer_pair,
	.traced = true,
	.run = transfer_run,
	.summarise = transfer_summarise,
};
