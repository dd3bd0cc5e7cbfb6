// SPDX-License-Identifier: GPL-2.0
/*
 * One fuzzer call: put the argument where the call says (a good buffer, a
 * read-only page, across a hole, or a pointer that is no buffer at all),
 * make the ioctl, count the answer, and judge it against what the ioctl
 * may answer and what this input must get.
 *
 * Every handler in the module copies its whole argument in first, so an
 * argument the kernel cannot read must be -EFAULT (unless the fd is bad or
 * the number unknown); one it cannot write back must not be a success,
 * except for the two ioctls that write nothing back.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

static bool fz_writes_back(enum fz_op op)
{
	return op != FZ_CHUNK_FREE && op != FZ_CHUNK_IO && op != FZ_UNKNOWN;
}

/* The outcomes this call may have, within those its ioctl has. */
static uint32_t fz_allowed(const struct fz_thread *t, const struct fz_call *c)
{
	bool exact = c->expect && (!c->racy || fz_owned(t));
	uint32_t allowed = exact ? c->expect : fz_op_set(c->op);

	if (c->op == FZ_UNKNOWN || c->bad_fd)
		return allowed;
	if (!fz_ptr_readable(c->ptr))
		return FZ_EFAULT;
	/* What would have succeeded fails to write its answer back. */
	if (c->ptr == FZ_PTR_RO && fz_writes_back(c->op) && (allowed & FZ_OK))
		allowed = (allowed & ~FZ_OK) | FZ_EFAULT;
	return allowed;
}

/* "MAP (cmd 0xc060b704, arg ok, bad method): 00000001 00000007 ..." */
static void fz_describe(const struct fz_call *c, char *buf, size_t len)
{
	const uint32_t *w = c->img;
	size_t i, n;
	int at;

	at = snprintf(buf, len, "%s (fd %d, cmd %#lx, arg %s, %s)",
		      fz_op_name(c->op), c->fd, c->cmd, fz_ptr_name(c->ptr),
		      c->what ? c->what : "valid");
	n = c->img ? c->size / 4 : 0;
	if (n > 24)
		n = 24;
	for (i = 0; i < n && at > 0 && (size_t)at < len; i++)
		at += snprintf(buf + at, len - at, "%s%08x", i ? " " : ": ",
			       w[i]);
}

void fz_fail(struct fz_thread *t, const struct fz_call *c, const char *fmt,
	     ...)
{
	char why[160], call[FZ_LOG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fz_describe(c, call, sizeof(call));
	t->st.unexpected++;
	fz_log(&t->w->log, "thread %u call %llu: %s; %s", t->id,
	       (unsigned long long)fz_stats_total(&t->st), why, call);
}

int fz_call(struct fz_thread *t, struct fz_call *c)
{
	uint32_t set = fz_op_set(c->op) | c->expect, allowed = fz_allowed(t, c);
	char call[FZ_LOG_LEN];
	uint32_t bit;
	void *at;
	int rc, e;

	at = c->img ? fz_mem_place(&t->mem, c->ptr, c->img, c->size) :
		      (void *)(uintptr_t)c->raw;
	rc = ioctl(c->fd, c->cmd, at) < 0 ? -errno : 0;
	if (c->img && c->ptr == FZ_PTR_OK)
		memcpy(c->img, at, c->size);

	t->st.calls[c->op]++;
	e = -rc < FZ_ERRNOS ? -rc : FZ_ERRNOS - 1;
	t->st.res[c->op][e]++;

	bit = fz_bit(rc);
	if (bit & allowed)
		return rc;
	fz_describe(c, call, sizeof(call));
	if (!(bit & set)) {
		t->st.undefined++;
		fz_log(&t->w->log, "thread %u call %llu: undefined answer %s (%d); %s",
		       t->id, (unsigned long long)fz_stats_total(&t->st),
		       rc ? strerrorname_np(-rc) : "success", rc, call);
	} else {
		t->st.unexpected++;
		fz_log(&t->w->log, "thread %u call %llu: unexpected answer %s; %s",
		       t->id, (unsigned long long)fz_stats_total(&t->st),
		       rc ? strerrorname_np(-rc) : "success", call);
	}
	return rc;
}

bool fz_call_answered(struct fz_thread *t, struct fz_call *c)
{
	return !fz_call(t, c) && c->ptr == FZ_PTR_OK;
}

enum fz_ptr fz_pick_ptr(struct fz_thread *t)
{
	if (fz_chance(&t->rng, 93))
		return FZ_PTR_OK;
	if (fz_chance(&t->rng, 35))
		return FZ_PTR_RO;
	return (enum fz_ptr)(FZ_PTR_STRADDLE +
			     fz_below(&t->rng, FZ_NR_PTRS - FZ_PTR_STRADDLE));
}

struct p2prig_pci_addr fz_pick_pci(struct fz_thread *t)
{
	const struct fz_world *w = t->w;
	struct p2prig_pci_addr a;

	switch (fz_below(&t->rng, 12)) {
	case 0:
		return w->absent.addr;
	case 1:
		return w->nvme.addr;
	case 2:
		return w->pci[fz_below(&t->rng, w->nr_pci)].addr;
	case 3:
		memset(&a, 0, sizeof(a));
		a.domain = fz_u32_edge(&t->rng);
		a.bus = (uint8_t)fz_next(&t->rng);
		a.devfn = (uint8_t)fz_next(&t->rng);
		return a;
	default:
		return w->edu.addr;
	}
}

static const uint32_t fz_peer_methods[] = {
	P2PRIG_METHOD_MMIO, P2PRIG_METHOD_RESOURCE, P2PRIG_METHOD_P2P_PAGE,
	P2PRIG_METHOD_IOVA_LINK, P2PRIG_METHOD_MMIO_HOST, P2PRIG_METHOD_RESOURCE_HOST,
	P2PRIG_METHOD_IOVA_LINK_HOST,
};

uint32_t fz_method_for(struct fz_thread *t, bool peer)
{
	uint32_t mask = t->w->info.method_mask, m;
	unsigned int i;

	if (!peer)
		return P2PRIG_METHOD_PAGE;
	for (i = 0; i < 8; i++) {
		m = fz_peer_methods[fz_below(&t->rng,
						 ARRAY_SIZE(fz_peer_methods))];
		if (mask & (1u << m))
			return m;
	}
	return P2PRIG_METHOD_RESOURCE;
}

uint32_t fz_method_misfit(struct fz_thread *t, bool peer)
{
	return fz_method_for(t, !peer);
}

uint64_t fz_nonzero(struct fz_rng *r)
{
	uint64_t v = fz_u64_edge(r);

	return v ? v : 1;
}

bool fz_pick_chunk(struct fz_thread *t, bool locked, struct fz_chunk *out)
{
	struct fz_obj *o = t->obj;
	bool found = false;

	if (!locked)
		pthread_mutex_lock(&o->lock);
	if (o->nr_chunks) {
		*out = o->chunk[fz_below(&t->rng, o->nr_chunks)];
		found = true;
	}
	if (!locked)
		pthread_mutex_unlock(&o->lock);
	return found;
}

/*
 * A handle the object does not hold: @h (one it held once, or 0), else
 * mostly an edge value; @map says whether maps or chunks are its kind.
 */
static uint32_t fz_unknown(struct fz_thread *t, uint32_t h, bool map)
{
	if (!h && fz_chance(&t->rng, 70))
		h = fz_u32_edge(&t->rng);
	while (h && (map ? !!fz_obj_map(t->obj, h) :
			   !!fz_obj_chunk(t->obj, h)))
		h = fz_u32_edge(&t->rng);
	return h;
}

uint32_t fz_unknown_chunk(struct fz_thread *t)
{
	return fz_unknown(t, fz_obj_dead_chunk(t->obj, &t->rng), false);
}

uint32_t fz_unknown_map(struct fz_thread *t)
{
	return fz_unknown(t, fz_obj_dead_map(t->obj, &t->rng), true);
}

bool fz_owned(const struct fz_thread *t)
{
	return !t->obj->replace;
}
