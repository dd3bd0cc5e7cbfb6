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
#include "actions/transfer/transfer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/action.h"
#include "util/numparse.h"
#include "util/pattern.h"
#include "util/stats.h"

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
	struct samples map_ns, unmap_ns, to_ns, from_ns;	/* map and unmap: steady only */
	struct samples cold_map_ns, cold_unmap_ns;		/* the warm-up pairs */
	bool dmabuf;		/* a dmabuf step: export and import instead of MAP */
	bool oracle;		/* `expect oracle`: from peer first, the host's bytes */
	/* `expect oracle` on a lab machine: no backing file; the CPU read-back checks */
	bool oracle_waived;
	int dmabuf_fd;		/* the live export, -1 between mappings */
};

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
 * A dmabuf step's mapping: the module exports the region as a dma-buf and
 * the initiator imports it the way an RDMA driver does. What the import
 * returns is a mapping handle like MAP's.
 */
static int import_region(struct transfer_run *tr, struct p2prig_map *m)
{
	struct p2prig_import imp;
	int rc = rigdev_export(tr->env->dev, tr->prov->chunk.handle, tr->t->export_method->uapi,
			       tr->t->offset, tr->t->size, &tr->dmabuf_fd);

	if (rc)
		return rc;
	tr->out->dmabuf.exports++;
	rc = rigdev_import(tr->env->dev, tr->dmabuf_fd, tr->init_kind->uapi, &tr->init->pci,
			   P2PRIG_DIR_BIDIRECTIONAL, &imp);
	if (rc) {
		close(tr->dmabuf_fd);
		tr->dmabuf_fd = -1;
		return rc;
	}
	memset(m, 0, sizeof(*m));
	m->handle = imp.handle;
	m->dma_addr = imp.dma_addr;
	m->map_ns = imp.map_ns;
	m->flags = imp.flags;
	m->p2p_distance = tr->out->p2p_distance;
	return 0;
}

/*
 * Once the importer is gone, the exporter's counters must balance: every
 * attach detached, every map unmapped. They add up over the step.
 */
static int release_export(struct transfer_run *tr)
{
	struct p2prig_export_stats st;
	int rc = rigdev_export_stats(tr->env->dev, tr->dmabuf_fd, &st);
	struct step_report *out = tr->out;

	close(tr->dmabuf_fd);
	tr->dmabuf_fd = -1;
	if (rc)
		return rc;
	out->dmabuf.attaches += st.attaches;
	out->dmabuf.detaches += st.detaches;
	out->dmabuf.maps += st.maps;
	out->dmabuf.unmaps += st.unmaps;
	if (st.attaches != st.detaches || st.maps != st.unmaps || st.live_maps)
		out->dmabuf.balanced = false;
	return 0;
}

/* Every map call's figure, in call order, for the first few calls of the step. */
static void note_map_call(struct transfer_run *tr, uint64_t ns)
{
	struct cold_timings *c = &tr->out->cold;

	if (c->n_first_map_calls < RESULT_FIRST_MAP_CALLS)
		c->first_map_calls_ns[c->n_first_map_calls++] = ns;
}

/* Maps the region (m->map_ns: what the call took); the caller files the figure. */
static int map_region(struct transfer_run *tr, struct p2prig_map *m)
{
	int rc;

	if (tr->dmabuf)
		rc = import_region(tr, m);
	else
		rc = rigdev_map(tr->env->dev, tr->prov->chunk.handle, tr->t->method->uapi,
				tr->init_kind->uapi, &tr->init->pci, P2PRIG_DIR_BIDIRECTIONAL,
				tr->t->offset, tr->t->size, m);
	if (rc == 0)
		note_map_call(tr, m->map_ns);
	return rc;
}

static int unmap_region(struct transfer_run *tr, uint32_t mapping, uint64_t *ns)
{
	int rc = rigdev_unmap(tr->env->dev, mapping, ns);

	if (tr->dmabuf && tr->dmabuf_fd >= 0) {
		int stats_rc = release_export(tr);
		rc = rc ? rc : stats_rc;
	}
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

/* Where a mapping points, in the words of `expect dma-address`. */
static enum expect_dma dma_kind(const struct step_report *out)
{
	if (out->dma_in_bar)
		return EXPECT_DMA_BAR;
	if (!(out->dma_flags & P2PRIG_MAP_F_DIRECT))
		return EXPECT_DMA_IOVA;
	if (out->dma_flags & P2PRIG_MAP_F_BOUNCED)
		return EXPECT_DMA_BOUNCED;
	return EXPECT_DMA_RAM;
}

/* Writes SEED's pattern (in FORM) over the whole region through the CPU. */
static bool cpu_fill_region(struct transfer_run *tr, uint64_t seed, enum pattern_form form)
{
	int rc;

	pattern_fill(tr->region, tr->t->size, seed, 0, form);
	rc = rigdev_chunk_io(tr->env->dev, tr->prov->chunk.handle, P2PRIG_IO_WRITE, tr->t->offset,
			     tr->region, tr->t->size);
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
	rc = rigdev_chunk_io(tr->env->dev, tr->prov->chunk.handle, P2PRIG_IO_READ, t->offset,
			     tr->region, t->size);
	if (rc) {
		step_ioctl_failed(tr->out, rc, tr->who_provider, "CHUNK_IO read");
		return false;
	}
	pattern_check(tr->region, t->size, tr->check_seed, 0, PATTERN_PLAIN, &d->check);
	d->bytes = t->size;
	return true;
}

/*
 * What the initiator must read out of the region: byte o of it is byte
 * base + o of SEED's pattern in FORM.
 */
struct peer_contents {
	uint64_t seed;
	uint64_t base;
	enum pattern_form form;
};

/* DMAs the region out piece by piece and checks each piece against WANT. */
static bool from_peer(struct transfer_run *tr, uint32_t mapping, const struct peer_contents *want)
{
	const struct transfer_params *t = tr->t;
	struct direction_report *d = &tr->out->from_peer;
	enum pattern_form opposite = want->form == PATTERN_PLAIN ? PATTERN_COMPLEMENT : PATTERN_PLAIN;
	int rc;

	for (uint64_t off = 0; off < t->size; off += t->piece) {
		struct pattern_check piece_check = { 0 };
		uint64_t ns;
		/* The opposite of what must arrive, so every byte has to be written. */
		pattern_fill(tr->piece, t->piece, want->seed, want->base + off, opposite);
		rc = rigdev_xfer(tr->env->dev, mapping, P2PRIG_XFER_FROM_PEER, off, tr->piece,
				 t->piece, &ns);
		if (rc) {
			step_ioctl_failed(tr->out, rc, tr->who_initiator, "XFER from peer");
			return false;
		}
		samples_add(&tr->from_ns, ns);
		pattern_check(tr->piece, t->piece, want->seed, want->base + off, want->form,
			      &piece_check);
		pattern_check_merge(&d->check, &piece_check, want->base);
		d->pieces++;
		d->bytes += t->piece;
	}
	return true;
}

/* Writes ~pattern through the CPU, then has the initiator read it out. */
static bool from_peer_cpu_seeded(struct transfer_run *tr, uint32_t mapping)
{
	const struct peer_contents want = { tr->check_seed, 0, PATTERN_COMPLEMENT };

	return cpu_fill_region(tr, tr->t->seed, PATTERN_COMPLEMENT) &&
	       from_peer(tr, mapping, &want);
}

/* The region's offset within its BAR: where the host's pattern is addressed. */
static uint64_t bar_offset(const struct transfer_run *tr)
{
	return tr->prov->chunk.phys_addr - tr->prov->chunk.bar_phys + tr->t->offset;
}

/*
 * The oracle's order: the initiator reads out what only the host wrote
 * (the CPU never touched the region), then writes the step's pattern,
 * which stays there for the host to check after the guest ends.
 */
static bool oracle_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
			     size_t progress_size)
{
	struct step_report *out = tr->out;
	struct oracle_report *o = &out->oracle;
	uint32_t pieces = (uint32_t)(tr->t->size / tr->t->piece);
	bool ok;

	o->fill_seed = tr->env->oracle_seed;
	o->bar_offset = bar_offset(tr);
	o->seed = tr->check_seed;
	const struct peer_contents host_wrote = { o->fill_seed, o->bar_offset, PATTERN_PLAIN };
	ok = from_peer(tr, mapping, &host_wrote);
	step_progress(progress, progress_size,
		      "from-peer (the host's bytes at BAR offset 0x%" PRIx64 ") %u/%u pieces %" PRIu64
		      " bad bytes", o->bar_offset, out->from_peer.pieces, pieces,
		      out->from_peer.check.mismatched_bytes);
	if (!ok)
		return false;
	ok = to_peer(tr, mapping);
	step_progress(progress, progress_size,
		      "to-peer %u/%u pieces %" PRIu64 " bad bytes, left for the host",
		      out->to_peer.pieces, pieces, out->to_peer.check.mismatched_bytes);
	if (ok)
		o->state = ORACLE_PENDING;
	return ok;
}

/* To peer, then from peer, both seeded and checked through the CPU. */
static bool cpu_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
			  size_t progress_size)
{
	struct step_report *out = tr->out;
	uint32_t pieces = (uint32_t)(tr->t->size / tr->t->piece);
	bool ok = to_peer(tr, mapping);

	step_progress(progress, progress_size, "to-peer %u/%u pieces %" PRIu64 " bad bytes",
		      out->to_peer.pieces, pieces, out->to_peer.check.mismatched_bytes);
	if (ok) {
		ok = from_peer_cpu_seeded(tr, mapping);
		step_progress(progress, progress_size, "from-peer %u/%u pieces %" PRIu64 " bad bytes",
			      out->from_peer.pieces, pieces, out->from_peer.check.mismatched_bytes);
	}
	return ok;
}

/* COUNT map/unmap pairs, their figures into MAP and UNMAP. */
static bool timed_pairs(struct transfer_run *tr, uint32_t count, struct samples *map,
			struct samples *unmap, const char *what)
{
	char call[32];

	for (uint32_t i = 0; i < count; i++) {
		struct p2prig_map m;
		uint64_t ns;
		int rc = map_region(tr, &m);
		if (rc) {
			snprintf(call, sizeof(call), "MAP (%s)", what);
			step_ioctl_failed(tr->out, rc, tr->who_method, call);
			return false;
		}
		samples_add(map, m.map_ns);
		rc = unmap_region(tr, m.handle, &ns);
		if (rc) {
			snprintf(call, sizeof(call), "UNMAP (%s)", what);
			step_ioctl_failed(tr->out, rc, tr->who_method, call);
			return false;
		}
		samples_add(unmap, ns);
	}
	return true;
}

/*
 * The timing: the trace off (its tracepoints would be inside every figure),
 * then the warm-up pairs, which pay the IOVA allocator's and the page
 * tables' cold start, then the steady pairs the step reports.
 */
static bool time_mapping(struct transfer_run *tr, char *progress, size_t progress_size)
{
	const struct step_env *env = tr->env;

	if (env->trace_off)
		env->trace_off(env->trace_data);
	if (!timed_pairs(tr, tr->t->warmup, &tr->cold_map_ns, &tr->cold_unmap_ns, "warm-up") ||
	    !timed_pairs(tr, tr->t->map_repeat, &tr->map_ns, &tr->unmap_ns, "repeat"))
		return false;
	struct stats_summary map = stats_summarise(tr->map_ns.values, tr->map_ns.n);
	struct stats_summary unmap = stats_summarise(tr->unmap_ns.values, tr->unmap_ns.n);
	step_progress(progress, progress_size, "map/unmap x%zu after %u warm-up, p50 %" PRIu64
		      "/%" PRIu64 " ns", tr->map_ns.n, tr->t->warmup, map.p50, unmap.p50);
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

/* Whether a MAP error is the refusal this step expects. */
static bool refusal_expected(struct transfer_run *tr, int rc)
{
	return (rc == -EREMOTEIO || rc == -EIO) &&
	       scenario_step_expect(tr->step, EXPECT_REFUSED) != NULL;
}

/* Moves the bytes both ways on one mapping; false when an ioctl failed. */
static bool move_bytes(struct transfer_run *tr, char *progress, size_t progress_size)
{
	struct step_report *out = tr->out;
	struct p2prig_map m;
	int rc;

	if (!probe_pair(tr, progress, progress_size))
		return false;
	rc = map_region(tr, &m);
	if (rc && refusal_expected(tr, rc)) {
		out->refused = true;
		out->refused_errno = -rc;
		step_progress(progress, progress_size, "map refused: %s", strerror(-rc));
		return true;
	}
	if (rc) {
		step_ioctl_failed(out, rc, tr->who_method, "MAP");
		return false;
	}
	out->mapped = true;
	out->cold.own_map_ns = m.map_ns;
	out->dma_flags = m.flags;
	out->route = m.route;
	out->mapped_map_type = m.map_type;
	out->dma_address = m.dma_addr;
	out->dma_in_bar = dma_in_bar(&tr->prov->chunk, m.dma_addr);
	if (!out->probed)
		out->p2p_distance = m.p2p_distance;
	step_progress(progress, progress_size, "map dma=0x%" PRIx64 " (%s)", (uint64_t)m.dma_addr,
		      expect_dma_name(dma_kind(out)));
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
		unmap_region(tr, m.handle, &ignored);
		return false;
	}

	bool ok = tr->oracle ? oracle_both_ways(tr, m.handle, progress, progress_size)
			     : cpu_both_ways(tr, m.handle, progress, progress_size);

	rc = unmap_region(tr, m.handle, &out->cold.own_unmap_ns);
	out->cold.own_timed = rc == 0;
	if (rc && ok) {
		step_ioctl_failed(out, rc, tr->who_method, "UNMAP");
		ok = false;
	}
	return ok && time_mapping(tr, progress, progress_size);
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
			 out->dma_address, expect_dma_name(dma_kind(out)), c->bar, bar_start,
			 bar_start + (uint64_t)c->bar_size,
			 out->dma_flags & P2PRIG_MAP_F_DIRECT ? ", no IOMMU translation" : "",
			 out->dma_flags & P2PRIG_MAP_F_BOUNCED ? ", swiotlb bounce" : "");
		return out->mapped && dma_kind(out) == e->dma;
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
		  struct step_report *out, char *progress, size_t progress_size, bool dma_buf)
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
		.dmabuf = dma_buf,
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

static bool parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		       struct pending_step *pending)
{
	return transfer_parse_keys(p, words, n, step, pending, false);
}

static void check_refs(struct parser *p, struct scenario_step *step,
		       const struct pending_step *pending)
{
	transfer_check_refs(p, step, pending, false);
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	transfer_run(env, step, out, progress, progress_size, false);
}

const struct step_action_ops transfer_action = {
	.name = "transfer",
	.action = STEP_TRANSFER,
	.parse_keys = parse_keys,
	.check_refs = check_refs,
	.compares_methods = true,
	.chunk_region = transfer_chunk_region,
	.seed = transfer_seed,
	.uses_chunk = transfer_uses_chunk,
	.pair = transfer_pair,
	.traced = true,
	.run = run,
	.summarise = transfer_summarise,
};
