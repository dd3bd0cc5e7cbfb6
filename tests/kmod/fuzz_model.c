// SPDX-License-Identifier: GPL-2.0
/*
 * What an open file of /dev/p2prig holds, as the fuzzer knows it: its
 * chunk and mapping handles (with what a transfer needs to know about
 * each), the dma-buf fds exported through it, and handles released
 * lately, for stale-handle calls. The caller holds the object's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static void fz_dead_add(struct fz_dead *dead, uint32_t handle)
{
	dead->handle[dead->released++ % FZ_DEAD] = handle;
}

/* One of the handles @dead remembers, or 0 when none was released yet. */
static uint32_t fz_dead_pick(const struct fz_dead *dead, struct fz_rng *r)
{
	unsigned int n = dead->released < FZ_DEAD ? dead->released : FZ_DEAD;

	return n ? dead->handle[fz_below(r, n)] : 0;
}

int fz_obj_open(struct fz_obj *o, bool replace)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
	o->replace = replace;
	o->fd = open(P2PRIG_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	return o->fd < 0 ? -errno : 0;
}

void fz_obj_forget(struct fz_obj *o)
{
	o->nr_chunks = 0;
	o->nr_maps = 0;
	o->dead_chunks.released = 0;
	o->dead_maps.released = 0;
}

void fz_obj_close(struct fz_obj *o)
{
	unsigned int i;

	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	for (i = 0; i < o->nr_dbufs; i++)
		close(o->dbuf[i].fd);
	o->nr_dbufs = 0;
	fz_obj_forget(o);
}

struct fz_chunk *fz_obj_chunk(struct fz_obj *o, uint32_t handle)
{
	unsigned int i;

	for (i = 0; i < o->nr_chunks; i++) {
		if (o->chunk[i].handle == handle)
			return &o->chunk[i];
	}
	return NULL;
}

struct fz_map *fz_obj_map(struct fz_obj *o, uint32_t handle)
{
	unsigned int i;

	for (i = 0; i < o->nr_maps; i++) {
		if (o->map[i].handle == handle)
			return &o->map[i];
	}
	return NULL;
}

struct fz_dbuf *fz_obj_dbuf(struct fz_obj *o, int fd)
{
	unsigned int i;

	for (i = 0; i < o->nr_dbufs; i++) {
		if (o->dbuf[i].fd == fd)
			return &o->dbuf[i];
	}
	return NULL;
}

bool fz_obj_add_chunk(struct fz_obj *o, const struct fz_chunk *c)
{
	if (o->nr_chunks == FZ_MAX_CHUNKS)
		return false;
	o->chunk[o->nr_chunks++] = *c;
	return true;
}

bool fz_obj_add_map(struct fz_obj *o, const struct fz_map *m)
{
	if (o->nr_maps == FZ_MAX_MAPS)
		return false;
	o->map[o->nr_maps++] = *m;
	return true;
}

void fz_model_map(struct fz_thread *t, const struct fz_call *c,
		  uint32_t handle, uint64_t length, uint32_t dir,
		  uint32_t flags, int dbuf)
{
	const struct fz_map map = {
		.handle = handle,
		.length = length,
		.dir = dir,
		.deliverable = !(flags & P2PRIG_MAP_F_BUS_ADDR) ||
			       (flags & P2PRIG_MAP_F_DIRECT),
		.dbuf = dbuf,
	};

	if (!fz_obj_add_map(t->obj, &map))
		fz_fail(t, c, "%s: no room in the model (a fuzzer bug)",
			fz_op_name(c->op));
}

bool fz_obj_add_dbuf(struct fz_obj *o, int fd, uint64_t size)
{
	if (o->nr_dbufs == FZ_MAX_DBUFS)
		return false;
	o->dbuf[o->nr_dbufs].fd = fd;
	o->dbuf[o->nr_dbufs].size = size;
	o->nr_dbufs++;
	return true;
}

void fz_obj_drop_chunk(struct fz_obj *o, uint32_t handle)
{
	struct fz_chunk *c = fz_obj_chunk(o, handle);

	if (!c)
		return;
	fz_dead_add(&o->dead_chunks, handle);
	*c = o->chunk[--o->nr_chunks];
}

void fz_obj_drop_map(struct fz_obj *o, uint32_t handle)
{
	struct fz_map *m = fz_obj_map(o, handle);

	if (!m)
		return;
	fz_dead_add(&o->dead_maps, handle);
	*m = o->map[--o->nr_maps];
}

void fz_obj_drop_dbuf(struct fz_obj *o, int fd)
{
	struct fz_dbuf *d = fz_obj_dbuf(o, fd);

	if (d)
		*d = o->dbuf[--o->nr_dbufs];
}

uint32_t fz_obj_dead_chunk(struct fz_obj *o, struct fz_rng *r)
{
	uint32_t h = fz_dead_pick(&o->dead_chunks, r);

	return fz_obj_chunk(o, h) ? 0 : h;
}

uint32_t fz_obj_dead_map(struct fz_obj *o, struct fz_rng *r)
{
	uint32_t h = fz_dead_pick(&o->dead_maps, r);

	return fz_obj_map(o, h) ? 0 : h;
}
