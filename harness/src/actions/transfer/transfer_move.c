// SPDX-License-Identifier: GPL-2.0
/*
 * A transfer step's bytes: the destination filled with the complement of
 * what must arrive, the initiator moving the region piece by piece each
 * way, every byte checked; or for `expect oracle` the host's bytes read
 * out first and the step's pattern left for the host to check.
 */
#include "actions/transfer/transfer_run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/numparse.h"
#include "util/pattern.h"

/*
 * The BAR's start as the bus sees it: the chunk's bus address less its
 * offset into the BAR. An address in [start, start + bar_size) is the BAR
 * itself, anything else was translated.
 */
bool transfer_dma_in_bar(const struct p2prig_chunk_alloc *c, uint64_t dma)
{
	uint64_t start = c->bus_addr - (c->phys_addr - c->bar_phys);

	return dma >= start && dma - start < c->bar_size;
}

/* Where a mapping points, in the words of `expect dma-address`. */
enum expect_dma transfer_dma_kind(const struct step_report *out)
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
bool transfer_oracle_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
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
bool transfer_cpu_both_ways(struct transfer_run *tr, uint32_t mapping, char *progress,
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
