// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer calls that reach the DMA side: XFER, PROBE and MAP_BENCH.
 *
 * XFER moves bytes with the initiator, which is slow in the virtual lab
 * and faults on a PCI bus address behind a translating IOMMU. So a
 * transfer that may reach the initiator is rare, small (one edu DMA), on
 * a mapping the fuzzer knows is deliverable, and counted against the
 * thread's budget; every other transfer has a field the module checks
 * before any DMA. MAP_BENCH runs likewise: a few calls or a millisecond,
 * within a budget; every other one is refused by its parameter checks.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"

/* Past the end of any mapping: larger than the largest chunk. */
#define FZ_BEYOND	(P2PRIG_MAX_CHUNK_SIZE + FZ_PAGE)
/* The most a transfer that reaches the initiator moves: one edu DMA. */
#define FZ_XFER_MAX	2048u

/* Which transfer directions a mapping made for @dir allows. */
static bool fz_xfer_allowed(uint32_t dir, uint32_t xdir)
{
	if (dir == P2PRIG_DIR_BIDIRECTIONAL)
		return true;
	if (xdir == P2PRIG_XFER_TO_PEER)
		return dir == P2PRIG_DIR_FROM_DEVICE;
	return dir == P2PRIG_DIR_TO_DEVICE;
}

/* A transfer that may reach the initiator: small, on a deliverable map. */
static void fz_xfer_real(struct fz_thread *t, const struct fz_map *m,
			 struct p2prig_xfer *a, struct fz_call *c)
{
	struct fz_rng *r = &t->rng;
	uint64_t most;

	a->mapping = m->handle;
	do {
		a->dir = (uint32_t)fz_below(r, P2PRIG_XFER_MAX);
	} while (!fz_xfer_allowed(m->dir, a->dir));
	a->offset = fz_below(r, m->length);
	most = m->length - a->offset;
	a->length = 1 + fz_below(r, most < FZ_XFER_MAX ? most : FZ_XFER_MAX);
	a->user_ptr = (uintptr_t)t->mem.io +
		      fz_below(r, FZ_IO_SIZE - a->length + 1);
	c->what = "a transfer through a live mapping";
	if (a->dir == P2PRIG_XFER_FROM_PEER && fz_chance(r, 15)) {
		a->user_ptr = fz_chance(r, 50) ? (uintptr_t)t->mem.ro :
						 fz_mem_bad(&t->mem, r);
		fz_expect(c, fz_op_set(FZ_XFER) & ~FZ_OK,
			  "a transfer into a buffer that cannot be written");
	}
	t->xfer_budget--;
	if (fz_ptr_readable(c->ptr))
		t->st.xfer_dma++;
}

/*
 * A transfer the module must refuse before any DMA: every variant has a
 * field it checks first, or a range no mapping has.
 */
static void fz_xfer_refused(struct fz_thread *t, const struct fz_map *m,
			    struct p2prig_xfer *a, struct fz_call *c)
{
	struct fz_rng *r = &t->rng;
	uint64_t k, pick;

	a->mapping = m ? m->handle : fz_unknown_map(t);
	a->dir = (uint32_t)fz_below(r, P2PRIG_XFER_MAX);
	a->length = 1 + fz_below(r, P2PRIG_MAX_XFER_SIZE);
	a->offset = FZ_BEYOND + fz_below(r, 1ull << 40);
	a->user_ptr = (uintptr_t)t->mem.io;
	c->expect = FZ_EINVAL;
	pick = fz_below(r, 8);
	switch (pick) {
	case 0:
		a->length = 0;
		a->offset = 0;
		c->what = "length 0";
		break;
	case 1:
		a->length = P2PRIG_MAX_XFER_SIZE + 1 +
			    (fz_chance(r, 50) ? 0 : fz_u64_edge(r) % (1ull << 62));
		a->offset = 0;
		c->what = "longer than an initiator moves";
		break;
	case 2:
		k = fz_below(r, a->length);
		a->offset = ~0ull - k;
		c->what = "offset + length overflows";
		break;
	case 3:
		if (m && m->dir != P2PRIG_DIR_BIDIRECTIONAL) {
			a->dir = m->dir == P2PRIG_DIR_TO_DEVICE ?
				 P2PRIG_XFER_TO_PEER : P2PRIG_XFER_FROM_PEER;
			a->offset = 0;
			a->length = 1;
			c->what = "a direction the mapping does not allow";
			break;
		}
		c->what = "past the end of any mapping";
		break;
	case 4:
		if (m && fz_xfer_allowed(m->dir, P2PRIG_XFER_TO_PEER)) {
			a->dir = P2PRIG_XFER_TO_PEER;
			a->length = 1 + fz_below(r, m->length < FZ_PAGE ?
						 m->length : FZ_PAGE);
			a->offset = fz_below(r, m->length - a->length + 1);
			if (fz_chance(r, 50) && a->length > 1)
				a->user_ptr = (uintptr_t)t->mem.io +
					      FZ_IO_SIZE - a->length / 2;
			else
				a->user_ptr = fz_mem_bad(&t->mem, r);
			fz_expect(c, FZ_EFAULT,
				  "a source buffer that cannot be read");
			break;
		}
		c->what = "past the end of any mapping";
		break;
	default:
		/* 5 and on: a rule of the struct broken, or a bad handle. */
		if (fz_break(r, c, &fz_xfer_fields, pick - 5)) {
			a->offset = 0;
			break;
		}
		a->mapping = fz_chance(r, 50) ? fz_unknown_map(t) :
						fz_u32_edge(r);
		c->what = "random handle, past the end of any mapping";
		break;
	}
}

void fz_op_xfer(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_xfer a = { 0 };
	struct fz_call c = FZ_CALL_OF(XFER, a, fz_pick_ptr(t));
	const struct fz_map *m = NULL;

	fz_lock_obj(t, &c);
	if (o->nr_maps)
		m = &o->map[fz_below(r, o->nr_maps)];
	if (m && m->deliverable && t->xfer_budget && fz_chance(r, 10))
		fz_xfer_real(t, m, &a, &c);
	else
		fz_xfer_refused(t, m, &a, &c);
	fz_call(t, &c);
	pthread_mutex_unlock(&o->lock);
}

void fz_op_probe(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct p2prig_probe a = { 0 };
	struct fz_call c = FZ_CALL_OF(PROBE, a, fz_pick_ptr(t));
	struct fz_chunk chunk = { .size = FZ_PAGE, .peer = true };
	uint64_t pick;

	if (fz_pick_chunk(t, false, &chunk))
		a.chunk = chunk.handle;
	else
		a.chunk = fz_u32_edge(r);
	a.initiator = P2PRIG_INITIATOR_EDU;
	a.pci = t->w->edu.addr;
	a.offset = fz_pages(r, 0, chunk.size - FZ_PAGE);
	c.expect = FZ_EINVAL;
	pick = fz_below(r, 12);
	switch (pick) {
	case 0:
		a.offset += 1 + fz_below(r, FZ_PAGE - 1);
		c.what = "offset not page aligned";
		break;
	case 1:
		a.offset = ~0ull - (FZ_PAGE - 1) - fz_below(r, 2) * FZ_PAGE;
		c.what = "offset at the top of the address space";
		break;
	case 2:
		a.offset = chunk.size + fz_below(r, 4) * FZ_PAGE;
		c.what = "past the end of the chunk";
		c.racy = true;
		break;
	case 3:
		a.pci = t->w->absent.addr;
		fz_expect(&c, chunk.peer ? FZ_ENODEV | FZ_EINVAL : FZ_EINVAL,
			  "no initiator there");
		/* A RAM chunk freed by another thread may come back as peer. */
		c.racy = true;
		break;
	case 4:
		a.chunk = fz_u32_edge(r);
		a.pci = fz_pick_pci(t);
		fz_expect(&c, 0, "random handle and function");
		break;
	default:
		/* 5 and on: a rule of the struct broken, or a good call. */
		if (fz_break(r, &c, &fz_probe_fields, pick - 5))
			break;
		fz_expect(&c, chunk.peer ? 0 : FZ_EINVAL,
			  chunk.peer ? NULL : "a RAM chunk");
		c.racy = true;
		break;
	}
	c.fd = t->obj->fd;
	fz_call(t, &c);
}

/* MAP_BENCH's output, when it ran: figures that hold together. */
static void fz_bench_check(struct fz_thread *t, const struct fz_call *c,
			   const struct p2prig_map_bench *a)
{
	uint64_t most = a->iterations * a->threads;
	int e = -a->first_error;

	if (e && e != EOPNOTSUPP && e != EIO && e != EREMOTEIO && e != ENOMEM)
		fz_fail(t, c, "MAP_BENCH: first_error %d", a->first_error);
	if (a->interrupted || a->map.n != a->unmap.n ||
	    (a->iterations && a->map.n > most) ||
	    a->map.reserved[0] | a->map.reserved[1] |
	    a->unmap.reserved[0] | a->unmap.reserved[1])
		fz_fail(t, c, "MAP_BENCH: inconsistent figures (n %llu/%llu)",
			(unsigned long long)a->map.n,
			(unsigned long long)a->unmap.n);
}

/* A benchmark field made wrong: all refused before the run, -EINVAL. */
static void fz_bench_bad(struct fz_thread *t, struct p2prig_map_bench *a,
			 struct fz_call *c, const struct fz_chunk *chunk)
{
	struct fz_rng *r = &t->rng;
	uint64_t pick;

	c->expect = FZ_EINVAL;
	pick = fz_below(r, 14);
	switch (pick) {
	case 0:
		switch (fz_below(r, 4)) {
		case 0:
			a->granule = fz_below(r, FZ_PAGE);
			break;
		case 1:
			a->granule += 1 + fz_below(r, FZ_PAGE - 1);
			break;
		default:
			a->granule = (2u << 20) + FZ_PAGE *
				     (1 + fz_below(r, 1u << 20));
			break;
		}
		c->what = "granule out of range or unaligned";
		break;
	case 1:
		a->threads = fz_chance(r, 30) ? 0 :
			     fz_enum_bad(r, P2PRIG_BENCH_MAX_THREADS + 1);
		c->what = "threads out of range";
		break;
	case 2:
		a->duration_ms = 1 + (uint32_t)fz_below(r, 10);
		c->what = "iterations and duration both set";
		break;
	case 3:
		a->iterations = 0;
		c->what = "neither iterations nor duration";
		break;
	case 4:
		a->iterations = P2PRIG_BENCH_MAX_ITERATIONS + 1 +
				fz_below(r, 1ull << 40);
		c->what = "iterations past the limit";
		break;
	case 5:
		a->iterations = 0;
		a->duration_ms = P2PRIG_BENCH_MAX_MS + 1 +
				 (uint32_t)fz_below(r, 1u << 30);
		c->what = "duration past the limit";
		break;
	case 6:
		if (chunk->size < (2u << 20)) {
			a->granule = chunk->size + FZ_PAGE;
			c->what = "granule larger than the chunk";
			c->racy = true;
		} else {
			a->method = fz_method_misfit(t, chunk->peer);
			c->what = "a method that does not fit the chunk";
			c->racy = true;
		}
		break;
	case 7:
		a->method = fz_method_misfit(t, chunk->peer);
		c->what = "a method that does not fit the chunk";
		c->racy = true;
		break;
	default:
		/* 8 and on: a rule of the struct broken, or no initiator. */
		if (fz_break(r, c, &fz_map_bench_fields, pick - 8))
			break;
		a->pci = t->w->absent.addr;
		fz_expect(c, FZ_ENODEV | FZ_EINVAL, "no initiator there");
		break;
	}
}

void fz_op_map_bench(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct p2prig_map_bench a = { 0 };
	struct fz_call c = FZ_CALL_OF(MAP_BENCH, a, fz_pick_ptr(t));
	struct fz_chunk chunk = { .size = FZ_PAGE, .peer = true };
	bool have = fz_pick_chunk(t, false, &chunk);
	uint64_t most = chunk.size < (64u << 10) ? chunk.size : 64u << 10;

	a.chunk = have ? chunk.handle : fz_u32_edge(r);
	a.method = fz_method_for(t, chunk.peer);
	a.initiator = P2PRIG_INITIATOR_EDU;
	a.dir = (uint32_t)fz_below(r, P2PRIG_DIR_MAX);
	a.pci = t->w->edu.addr;
	a.granule = fz_pages(r, FZ_PAGE, most);
	a.iterations = 1 + fz_below(r, 3);
	a.threads = 1 + (uint32_t)fz_below(r, 2);

	if (have && t->bench_budget && fz_chance(r, 25)) {
		/* A tiny run: a few calls, or a millisecond or two. */
		if (fz_chance(r, 20)) {
			a.iterations = 0;
			a.duration_ms = 1 + (uint32_t)fz_below(r, 2);
		}
		t->bench_budget--;
		if (fz_ptr_readable(c.ptr))
			t->st.bench_runs++;
	} else {
		fz_bench_bad(t, &a, &c, &chunk);
	}
	c.fd = t->obj->fd;
	if (fz_call_answered(t, &c))
		fz_bench_check(t, &c, &a);
}
