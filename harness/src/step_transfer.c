// SPDX-License-Identifier: GPL-2.0
/*
 * The transfer step: map [0, size) of the provider's chunk for the
 * initiator, move it piece by piece to peer memory and back, check every
 * byte through the CPU's own view of the chunk, then time map and unmap.
 *
 * Before each direction the destination is filled with the complement of
 * what must arrive, so a transfer that silently moved nothing cannot pass.
 */
#include "step.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "pattern.h"
#include "stats.h"

struct transfer_run {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct transfer_params *t;
	const struct provider_state *prov;
	const struct initiator_state *init;
	const struct initiator_kind *init_kind;
	struct step_report *out;
	char who_method[64], who_initiator[64], who_provider[64];
	uint64_t check_seed;
	uint8_t *region;	/* the whole mapped region, for CPU access */
	uint8_t *piece;		/* one transfer */
	struct samples map_ns, unmap_ns, to_ns, from_ns;
};

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

	snprintf(out->method, sizeof(out->method), "%s", tr->t->method->name);
	out->bytes = tr->t->size;
	out->piece = tr->t->piece;
	out->seed = tr->t->seed;

	snprintf(tr->who_method, sizeof(tr->who_method), "method %s", tr->t->method->name);
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
			snprintf(r->value, sizeof(r->value), "%s", e->dma_in_bar ? "bar" : "iova");
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
	if (!(info->method_mask & (1u << tr->t->method->uapi))) {
		step_set_reason(out, VERDICT_SKIP,
				"%s: not offered by the module (method_mask 0x%x)", tr->who_method,
				info->method_mask);
		return false;
	}
	return true;
}

static int map_region(struct transfer_run *tr, struct p2prig_map *m)
{
	int rc = rigdev_map(tr->env->dev, tr->prov->chunk.handle, tr->t->method->uapi,
			    tr->init_kind->uapi, &tr->init->pci, P2PRIG_DIR_BIDIRECTIONAL, 0,
			    tr->t->size, m);

	if (rc == 0)
		samples_add(&tr->map_ns, m->map_ns);
	return rc;
}

static int unmap_region(struct transfer_run *tr, uint32_t mapping)
{
	uint64_t ns;
	int rc = rigdev_unmap(tr->env->dev, mapping, &ns);

	if (rc == 0)
		samples_add(&tr->unmap_ns, ns);
	return rc;
}

/*
 * The BAR's start as the bus sees it: the chunk's bus address less its
 * offset into the BAR. An address in [start, start + bar_size) is the BAR
 * itself, anything else was translated.
 */
static bool dma_in_bar(const struct p2prig_chunk_alloc *c, uint64_t dma)
{
	uint64_t start = c->bus_addr - (c->phys_addr - c->bar_phys);

	return dma >= start && dma - start < c->bar_size;
}

/* Writes SEED's pattern (in FORM) over the whole region through the CPU. */
static bool cpu_fill_region(struct transfer_run *tr, uint64_t seed, enum pattern_form form)
{
	int rc;

	pattern_fill(tr->region, tr->t->size, seed, 0, form);
	rc = rigdev_chunk_io(tr->env->dev, tr->prov->chunk.handle, P2PRIG_IO_WRITE, 0, tr->region,
			     tr->t->size);
	if (rc)
		step_ioctl_failed(tr->out, rc, tr->who_provider, "CHUNK_IO write");
	return rc == 0;
}

/* Poisons the chunk, DMAs the pattern in piece by piece, reads it all back. */
static bool to_peer(struct transfer_run *tr, uint32_t mapping)
{
	const struct transfer_params *t = tr->t;
	struct direction_report *d = &tr->out->to_peer;
	int rc;

	if (!cpu_fill_region(tr, tr->check_seed, PATTERN_COMPLEMENT))
		return false;
	for (uint64_t off = 0; off < t->size; off += t->piece) {
		uint64_t ns;
		pattern_fill(tr->piece, t->piece, t->seed, off, PATTERN_PLAIN);
		rc = rigdev_xfer(tr->env->dev, mapping, P2PRIG_XFER_TO_PEER, off, tr->piece, t->piece,
				 &ns);
		if (rc) {
			step_ioctl_failed(tr->out, rc, tr->who_initiator, "XFER to peer");
			return false;
		}
		samples_add(&tr->to_ns, ns);
		d->pieces++;
	}
	rc = rigdev_chunk_io(tr->env->dev, tr->prov->chunk.handle, P2PRIG_IO_READ, 0, tr->region,
			     t->size);
	if (rc) {
		step_ioctl_failed(tr->out, rc, tr->who_provider, "CHUNK_IO read");
		return false;
	}
	pattern_check(tr->region, t->size, tr->check_seed, 0, PATTERN_PLAIN, &d->check);
	d->bytes = t->size;
	return true;
}

/* Writes ~pattern through the CPU, DMAs it out piece by piece, checks each piece. */
static bool from_peer(struct transfer_run *tr, uint32_t mapping)
{
	const struct transfer_params *t = tr->t;
	struct direction_report *d = &tr->out->from_peer;
	int rc;

	if (!cpu_fill_region(tr, t->seed, PATTERN_COMPLEMENT))
		return false;
	for (uint64_t off = 0; off < t->size; off += t->piece) {
		uint64_t ns;
		/* The opposite of what must arrive, so every byte has to be written. */
		pattern_fill(tr->piece, t->piece, tr->check_seed, off, PATTERN_PLAIN);
		rc = rigdev_xfer(tr->env->dev, mapping, P2PRIG_XFER_FROM_PEER, off, tr->piece,
				 t->piece, &ns);
		if (rc) {
			step_ioctl_failed(tr->out, rc, tr->who_initiator, "XFER from peer");
			return false;
		}
		samples_add(&tr->from_ns, ns);
		pattern_check(tr->piece, t->piece, tr->check_seed, off, PATTERN_COMPLEMENT, &d->check);
		d->pieces++;
		d->bytes += t->piece;
	}
	return true;
}

/* The extra map/unmap pairs that give the timing samples their spread. */
static bool repeat_mapping(struct transfer_run *tr)
{
	for (uint32_t i = 0; i < tr->t->map_repeat; i++) {
		struct p2prig_map m;
		int rc = map_region(tr, &m);
		if (rc) {
			step_ioctl_failed(tr->out, rc, tr->who_method, "MAP (repeat)");
			return false;
		}
		rc = unmap_region(tr, m.handle);
		if (rc) {
			step_ioctl_failed(tr->out, rc, tr->who_method, "UNMAP (repeat)");
			return false;
		}
	}
	return true;
}

/* Moves the bytes both ways on one mapping; false when an ioctl failed. */
static bool move_bytes(struct transfer_run *tr, char *progress, size_t progress_size)
{
	struct step_report *out = tr->out;
	uint32_t pieces = (uint32_t)(tr->t->size / tr->t->piece);
	struct p2prig_map m;
	int rc = map_region(tr, &m);

	if (rc) {
		step_ioctl_failed(out, rc, tr->who_method, "MAP");
		return false;
	}
	out->mapped = true;
	out->dma_address = m.dma_addr;
	out->p2p_distance = m.p2p_distance;
	out->dma_in_bar = dma_in_bar(&tr->prov->chunk, m.dma_addr);
	step_progress(progress, progress_size, "map dma=0x%" PRIx64 " distance=%d %s",
		      (uint64_t)m.dma_addr,
		      m.p2p_distance, out->dma_in_bar ? "in BAR" : "iova");

	bool ok = to_peer(tr, m.handle);
	step_progress(progress, progress_size, "to-peer %u/%u pieces %" PRIu64 " bad bytes",
		      out->to_peer.pieces, pieces, out->to_peer.check.mismatched_bytes);
	if (ok) {
		ok = from_peer(tr, m.handle);
		step_progress(progress, progress_size, "from-peer %u/%u pieces %" PRIu64 " bad bytes",
			      out->from_peer.pieces, pieces, out->from_peer.check.mismatched_bytes);
	}

	rc = unmap_region(tr, m.handle);
	if (rc && ok) {
		step_ioctl_failed(out, rc, tr->who_method, "UNMAP");
		ok = false;
	}
	if (ok) {
		ok = repeat_mapping(tr);
		step_progress(progress, progress_size, "map/unmap x%zu mean %.0f/%.0f ns",
			      tr->map_ns.n, stats_summarise(tr->map_ns.values, tr->map_ns.n).mean,
			      stats_summarise(tr->unmap_ns.values, tr->unmap_ns.n).mean);
	}
	return ok;
}

static void describe_mismatch(struct step_report *out, const char *direction,
			      const struct direction_report *d)
{
	if (d->check.has_mismatch)
		step_add_reason(out, "%s: %" PRIu64 " mismatched bytes, the first at offset 0x%" PRIx64,
				direction, d->check.mismatched_bytes, d->check.first_mismatch);
}

static void evaluate(struct transfer_run *tr)
{
	struct step_report *out = tr->out;
	const struct p2prig_chunk_alloc *c = &tr->prov->chunk;
	uint64_t bar_start = c->bus_addr - (c->phys_addr - c->bar_phys);
	char range[96];

	snprintf(range, sizeof(range), "BAR%u bus range [0x%" PRIx64 ", 0x%" PRIx64 ")", c->bar,
		 bar_start, bar_start + (uint64_t)c->bar_size);
	out->verified = !out->to_peer.check.has_mismatch && !out->from_peer.check.has_mismatch;

	for (size_t i = 0; i < tr->step->n_expects; i++) {
		const struct scenario_expect *e = &tr->step->expects[i];
		struct expectation_report *r = &out->expectations[i];
		bool met = false;

		switch (e->what) {
		case EXPECT_VERIFIED:
		case EXPECT_PATTERN:
			met = out->verified;
			snprintf(r->detail, sizeof(r->detail),
				 "checked against the pattern of seed 0x%" PRIx64
				 ": %" PRIu64 " bytes wrong to peer, %" PRIu64 " from peer",
				 tr->check_seed, out->to_peer.check.mismatched_bytes,
				 out->from_peer.check.mismatched_bytes);
			break;
		case EXPECT_DMA_ADDRESS:
			met = out->dma_in_bar == e->dma_in_bar;
			snprintf(r->detail, sizeof(r->detail), "0x%" PRIx64 " is %s the %s",
				 out->dma_address, out->dma_in_bar ? "inside" : "outside", range);
			break;
		}
		r->outcome = met ? EXPECT_MET : EXPECT_UNMET;
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
	if (out->reason[0])
		out->verdict = VERDICT_FAIL;
}

void step_transfer_run(const struct step_env *env, const struct scenario_step *step,
		       struct step_report *out, char *progress, size_t progress_size)
{
	struct transfer_run tr = {
		.env = env,
		.step = step,
		.t = &step->transfer,
		.prov = &env->providers[step->transfer.provider],
		.init = &env->initiators[step->transfer.initiator],
		.init_kind = env->sc->initiators[step->transfer.initiator].kind,
		.out = out,
		.check_seed = scenario_step_check_seed(step),
	};

	fill_identity(&tr);
	list_expectations(&tr);
	if (!usable(&tr))
		return;

	tr.region = malloc(tr.t->size);
	tr.piece = malloc(tr.t->piece);
	if (!tr.region || !tr.piece) {
		char size[16];
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
	out->to_peer_xfer_ns = stats_summarise(tr.to_ns.values, tr.to_ns.n);
	out->from_peer_xfer_ns = stats_summarise(tr.from_ns.values, tr.from_ns.n);
	samples_free(&tr.map_ns);
	samples_free(&tr.unmap_ns);
	samples_free(&tr.to_ns);
	samples_free(&tr.from_ns);
	free(tr.region);
	free(tr.piece);
}
