// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer calls on dma-bufs and on the file itself: EXPORT, EXPORT_STATS,
 * IMPORT, ATTACH_CHECK, unknown ioctl numbers (and known ones with the
 * wrong size or direction encoded), calls on fds that are not open, and
 * closing things mid-use: a dma-buf fd while it is imported, the file
 * while other threads are inside ioctls on it.
 *
 * The fd fields name one of the object's own dma-bufs, a udmabuf (another
 * exporter's), an open fd that is no dma-buf (the module must answer
 * -EINVAL), one that is not open (-EBADF), or any small number at all.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

enum fz_fd_kind {
	FZ_FD_OURS,		/* a dma-buf this object exported */
	FZ_FD_UDMABUF,		/* another exporter's dma-buf */
	FZ_FD_FOREIGN,		/* open, but no dma-buf */
	FZ_FD_CLOSED,		/* not open */
	FZ_FD_RANDOM,		/* whatever has that number */
};

/* An fd for a field that names a dma-buf, its kind and (if known) size. */
static int fz_pick_fd(struct fz_thread *t, bool locked,
		      enum fz_fd_kind *kind, uint64_t *size)
{
	static const int closed[] = { -1, INT_MIN, INT_MAX };
	struct fz_world *w = t->w;
	struct fz_obj *o = t->obj;
	unsigned int pick = (unsigned int)fz_below(&t->rng, 20), i;
	int fd = -1;

	*size = 0;
	if (pick < 8) {
		if (!locked)
			pthread_mutex_lock(&o->lock);
		if (o->nr_dbufs) {
			i = (unsigned int)fz_below(&t->rng, o->nr_dbufs);
			fd = o->dbuf[i].fd;
			*size = o->dbuf[i].size;
		}
		if (!locked)
			pthread_mutex_unlock(&o->lock);
		*kind = FZ_FD_OURS;
		if (fd >= 0)
			return fd;
		pick = 8;
	}
	if (pick < 11 && w->nr_udmabuf) {
		i = (unsigned int)fz_below(&t->rng, w->nr_udmabuf);
		*kind = FZ_FD_UDMABUF;
		*size = w->udmabuf_size[i];
		return w->udmabuf[i];
	}
	if (pick < 15) {
		*kind = FZ_FD_FOREIGN;
		i = (unsigned int)fz_below(&t->rng, w->nr_foreign + 1);
		return i < w->nr_foreign ? w->foreign[i] : o->fd;
	}
	if (pick < 18) {
		*kind = FZ_FD_CLOSED;
		i = (unsigned int)fz_below(&t->rng, 4);
		return i < 3 ? closed[i] : w->closed_fd;
	}
	*kind = FZ_FD_RANDOM;
	return (int)fz_below(&t->rng, 64);
}

/* What a call naming an fd of @kind must answer once its fields pass. */
static uint32_t fz_fd_expect(enum fz_fd_kind kind)
{
	switch (kind) {
	case FZ_FD_FOREIGN:
		return FZ_EINVAL;
	case FZ_FD_CLOSED:
		return FZ_EBADF;
	default:
		return 0;
	}
}

/* Close one of the object's dma-buf fds (@fd, or any if -1); lock held. */
static void fz_close_dbuf_locked(struct fz_thread *t, int fd)
{
	struct fz_obj *o = t->obj;
	bool imported = false;
	unsigned int i;

	if (fd < 0) {
		if (!o->nr_dbufs)
			return;
		fd = o->dbuf[fz_below(&t->rng, o->nr_dbufs)].fd;
	}
	for (i = 0; i < o->nr_maps; i++) {
		if (o->map[i].dbuf == fd) {
			o->map[i].dbuf = -1;
			imported = true;
		}
	}
	close(fd);
	fz_obj_drop_dbuf(o, fd);
	t->st.dbuf_closes++;
	if (imported)
		t->st.dbuf_closes_imported++;
}

void fz_op_close_dbuf(struct fz_thread *t)
{
	pthread_mutex_lock(&t->obj->lock);
	fz_close_dbuf_locked(t, -1);
	pthread_mutex_unlock(&t->obj->lock);
}

/* An export method in export_method_mask (resource is always there). */
static uint32_t fz_export_method(struct fz_thread *t)
{
	uint32_t mask = t->w->info.export_method_mask, m;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		m = (uint32_t)fz_below(&t->rng, P2PRIG_EXPORT_MAX);
		if (mask & (1u << m))
			return m;
	}
	return P2PRIG_EXPORT_RESOURCE;
}

void fz_op_export(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_export a = { 0 };
	struct fz_call c = FZ_CALL_OF(EXPORT, a, fz_pick_ptr(t));
	struct fz_chunk chunk = { .size = FZ_PAGE, .peer = true };
	bool have = false;
	unsigned int i;
	uint64_t pick;

	pthread_mutex_lock(&o->lock);
	if (o->nr_dbufs == FZ_MAX_DBUFS)
		fz_close_dbuf_locked(t, -1);
	c.fd = o->fd;
	for (i = 0; i < 3 && !(have && chunk.peer); i++)
		have = fz_pick_chunk(t, true, &chunk);
	a.chunk = have ? chunk.handle : fz_unknown_chunk(t);
	a.method = fz_export_method(t);
	a.offset = fz_pages(r, 0, chunk.size - FZ_PAGE);
	a.length = fz_pages(r, FZ_PAGE, chunk.size - a.offset);
	a.fd = (int32_t)fz_next(r);

	c.expect = FZ_EINVAL;
	pick = fz_below(r, 16);
	/* 0: a chunk unknown; 1 and on: a rule broken, or a good call. */
	if (!pick) {
		a.chunk = fz_unknown_chunk(t);
		c.what = "a chunk handle the file does not hold";
	} else if (!fz_break_in(r, &c, &fz_export_fields, pick - 1,
				chunk.size)) {
		c.expect = have && chunk.peer ? 0 : FZ_EINVAL;
		c.what = !have ? "a chunk handle the file does not hold" :
			 !chunk.peer ? "a RAM chunk" : NULL;
	}

	if (fz_call_answered(t, &c)) {
		if (a.fd < 0 || !(fcntl(a.fd, F_GETFD) & FD_CLOEXEC))
			fz_fail(t, &c, "EXPORT: fd %d not open or not close-on-exec",
				a.fd);
		else if (!fz_obj_add_dbuf(o, a.fd, a.length))
			close(a.fd);
	}
	pthread_mutex_unlock(&o->lock);
}

void fz_op_export_stats(struct fz_thread *t)
{
	struct p2prig_export_stats a;
	struct fz_call c = FZ_CALL_OF(EXPORT_STATS, a, fz_pick_ptr(t));
	enum fz_fd_kind kind;
	uint64_t size;

	/* The out fields carry junk in: the module must not care. */
	memset(&a, 0xa5, sizeof(a));
	memset(a.reserved, 0, sizeof(a.reserved));
	a.fd = fz_pick_fd(t, false, &kind, &size);
	c.expect = kind == FZ_FD_UDMABUF ? FZ_EINVAL : fz_fd_expect(kind);
	if (kind == FZ_FD_OURS && t->w->single)
		c.expect = FZ_OK;
	if (fz_chance(&t->rng, 10))
		fz_break(&t->rng, &c, &fz_export_stats_fields, 0);
	c.fd = t->obj->fd;
	if (!fz_call_answered(t, &c) || kind != FZ_FD_OURS ||
	    !t->w->single)
		return;
	if (a.method >= P2PRIG_EXPORT_MAX || a.attaches < a.detaches ||
	    a.maps < a.unmaps || a.live_maps != a.maps - a.unmaps ||
	    a.revoked || a.revocations)
		fz_fail(t, &c, "EXPORT_STATS: counters do not add up");
}

void fz_op_import(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_import a = { 0 };
	struct fz_call c = FZ_CALL_OF(IMPORT, a, fz_pick_ptr(t));
	enum fz_fd_kind kind;
	uint64_t size, pick;

	pthread_mutex_lock(&o->lock);
	if (o->nr_maps >= FZ_MAX_MAPS - 2) {
		pthread_mutex_unlock(&o->lock);
		fz_op_unmap(t);
		return;
	}
	c.fd = o->fd;
	a.fd = fz_pick_fd(t, true, &kind, &size);
	a.initiator = P2PRIG_INITIATOR_EDU;
	a.pci = t->w->edu.addr;
	a.dir = (uint32_t)fz_below(r, P2PRIG_DIR_MAX);

	c.expect = FZ_EINVAL;
	pick = fz_below(r, 16);
	switch (pick) {
	case 0:
		/* IMPORT takes P2PRIG_ATTACH_F_PINNED alone, never NO_P2P. */
		a.attach_flags = (uint32_t)fz_nonzero(r) | P2PRIG_ATTACH_F_NO_P2P;
		c.what = "unknown attach_flags";
		break;
	case 1:
		a.pci = fz_chance(r, 50) ? t->w->absent.addr : t->w->nvme.addr;
		fz_expect(&c, FZ_ENODEV, "no initiator there");
		break;
	case 2:
		a.pci = fz_pick_pci(t);
		fz_expect(&c, 0, "any PCI function");
		break;
	case 3:
		/* Pinned: ours must refuse an importer it cannot revoke. */
		a.attach_flags = P2PRIG_ATTACH_F_PINNED;
		c.expect = kind == FZ_FD_OURS && t->w->single ? FZ_EOPNOTSUPP :
			   fz_fd_expect(kind);
		c.what = "pinned";
		break;
	default:
		/* 4 and on: a rule of the struct broken, or a good call. */
		if (fz_break(r, &c, &fz_import_fields, pick - 4))
			break;
		c.expect = fz_fd_expect(kind);
		break;
	}

	if (fz_call_answered(t, &c)) {
		if (!a.handle || !a.nr_segments ||
		    ((kind == FZ_FD_OURS || kind == FZ_FD_UDMABUF) &&
		     a.length != size))
			fz_fail(t, &c, "IMPORT: handle, ranges or length %llu (of %llu)",
				(unsigned long long)a.length,
				(unsigned long long)size);
		fz_model_map(t, &c, a.handle, a.length, a.dir, a.flags,
			     kind == FZ_FD_OURS ? a.fd : -1);
		/* The dma-buf fd goes; the import must keep the memory. */
		if (kind == FZ_FD_OURS && fz_chance(r, 30))
			fz_close_dbuf_locked(t, a.fd);
	}
	pthread_mutex_unlock(&o->lock);
}

void fz_op_attach_check(struct fz_thread *t)
{
	struct fz_world *w = t->w;
	struct fz_rng *r = &t->rng;
	struct p2prig_attach_check a = { 0 };
	struct fz_call c = FZ_CALL_OF(ATTACH_CHECK, a, fz_pick_ptr(t));
	const uint32_t results = FZ_OK | FZ_EOPNOTSUPP | FZ_EREMOTEIO |
				 FZ_ENODEV | FZ_EINVAL | FZ_ENOMEM | FZ_EIO;
	enum fz_fd_kind kind;
	unsigned int pick;
	uint64_t size;

	a.fd = fz_pick_fd(t, false, &kind, &size);
	a.flags = (uint32_t)fz_below(r, 4);
	a.result = (int32_t)fz_next(r);
	pick = (unsigned int)fz_below(r, 10);
	a.pci = pick < 4 ? w->edu.addr :
		pick < 7 ? w->pci[fz_below(r, w->nr_pci)].addr :
		pick < 8 ? w->nvme.addr : w->absent.addr;
	c.expect = pick < 8 ? fz_fd_expect(kind) : FZ_ENODEV;

	pick = (unsigned int)fz_below(r, 12);
	switch (pick) {
	case 0:
		a.flags |= 1u << (2 + fz_below(r, 30));
		fz_expect(&c, FZ_EINVAL, "unknown flags");
		break;
	default:
		/* 1 and on: a rule of the struct broken, or a good call. */
		fz_break(r, &c, &fz_attach_check_fields, pick - 1);
		break;
	}

	c.fd = t->obj->fd;
	if (!fz_call_answered(t, &c))
		return;
	if (a.result > 0 || !(fz_bit(a.result) & results))
		fz_fail(t, &c, "ATTACH_CHECK: result %d", a.result);
	else if (w->single && kind == FZ_FD_OURS && a.flags &&
		 a.result != -EOPNOTSUPP)
		fz_fail(t, &c, "ATTACH_CHECK: ours took a refused importer (%d)",
			a.result);
}

static const unsigned long fz_cmds[] = {
	P2PRIG_IOC_INFO, P2PRIG_IOC_CHUNK_ALLOC, P2PRIG_IOC_CHUNK_FREE,
	P2PRIG_IOC_CHUNK_IO, P2PRIG_IOC_MAP, P2PRIG_IOC_UNMAP,
	P2PRIG_IOC_XFER, P2PRIG_IOC_PROBE, P2PRIG_IOC_EXPORT,
	P2PRIG_IOC_EXPORT_STATS, P2PRIG_IOC_IMPORT, P2PRIG_IOC_ATTACH_CHECK,
	P2PRIG_IOC_MAP_BENCH,
};

#define FZ_NR_CMDS	ARRAY_SIZE(fz_cmds)

static_assert(FZ_NR_CMDS == FZ_UNKNOWN, "one ioctl number per counted ioctl");

static bool fz_cmd_known(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < FZ_NR_CMDS; i++) {
		if (fz_cmds[i] == cmd)
			return true;
	}
	return false;
}

/*
 * Other drivers' ioctl types. Never 0x00, 'T', 'X', 'f', 0x15 or 0x94:
 * the VFS answers some of those itself (FIBMAP, FIONBIO, FIFREEZE,
 * FS_IOC_FIEMAP, FS_IOC_GETFSUUID, FICLONE) before the driver sees them.
 */
static const unsigned char fz_foreign_types[] = { 'x', 'Q', 0xb6, 0xb8, 0xff };

void fz_op_unknown(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct fz_call c = {
		.op = FZ_UNKNOWN, .expect = FZ_ENOTTY, .ptr = FZ_PTR_OK,
	};
	unsigned long cmd, base;
	unsigned int dir;

	do {
		base = fz_cmds[fz_below(r, FZ_NR_CMDS)];
		dir = _IOC_DIR(base);
		switch (fz_below(r, 4)) {
		case 0:
			cmd = _IOC(fz_below(r, 4), P2PRIG_IOC_MAGIC,
				   0x0d + fz_below(r, 0x100 - 0x0d),
				   fz_below(r, 1u << 14));
			c.what = "a number the module does not have";
			break;
		case 1:
			cmd = _IOC(dir, P2PRIG_IOC_MAGIC, _IOC_NR(base),
				   fz_chance(r, 50) ?
				   (_IOC_SIZE(base) + 1 + fz_below(r, 16)) & 0x3fff :
				   fz_below(r, 1u << 14));
			c.what = "a known number with the wrong size";
			break;
		case 2:
			cmd = _IOC((dir + 1 + fz_below(r, 3)) & 3,
				   P2PRIG_IOC_MAGIC, _IOC_NR(base),
				   _IOC_SIZE(base));
			c.what = "a known number with the wrong direction";
			break;
		default:
			cmd = _IOC(fz_below(r, 4),
				   fz_foreign_types[fz_below(r, ARRAY_SIZE(fz_foreign_types))],
				   fz_below(r, 256), fz_below(r, 1u << 14));
			c.what = "another driver's number";
			break;
		}
	} while (fz_cmd_known(cmd));

	switch (fz_below(r, 4)) {
	case 0:
		c.raw = 0;
		break;
	case 1:
		c.raw = (uintptr_t)t->mem.io;
		break;
	case 2:
		c.raw = fz_mem_bad(&t->mem, r);
		break;
	default:
		c.raw = fz_u64_edge(r);
		break;
	}
	c.cmd = cmd;
	c.fd = t->obj->fd;
	fz_call(t, &c);
}

void fz_op_bad_fd(struct fz_thread *t)
{
	static const int fds[] = { -1, INT_MIN, INT_MAX };
	unsigned char arg[256];
	unsigned int i = (unsigned int)fz_below(&t->rng, FZ_NR_CMDS);
	unsigned int k = (unsigned int)fz_below(&t->rng, 4);
	struct fz_call c = {
		.op = (enum fz_op)i, .cmd = fz_cmds[i], .img = arg,
		.size = _IOC_SIZE(fz_cmds[i]), .ptr = fz_pick_ptr(t),
		.expect = FZ_EBADF, .bad_fd = true,
		.what = "an fd that is not open",
	};

	memset(arg, 0, sizeof(arg));
	c.fd = k < 3 ? fds[k] : t->w->closed_fd;
	fz_call(t, &c);
}

void fz_op_reopen(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	int fd;

	pthread_mutex_lock(&o->lock);
	fd = open(P2PRIG_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fz_log(&t->w->log, "thread %u: open %s: %s", t->id,
		       P2PRIG_DEVICE_PATH, strerror(errno));
	} else if (o->replace) {
		/* Other threads may be inside ioctls on the file it replaces. */
		if (dup3(fd, o->fd, O_CLOEXEC) < 0)
			fz_log(&t->w->log, "thread %u: dup3: %s", t->id,
			       strerror(errno));
		close(fd);
	} else {
		close(o->fd);
		o->fd = fd;
	}
	fz_obj_forget(o);
	t->st.reopens++;
	pthread_mutex_unlock(&o->lock);
}
