// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer calls on chunks and mappings: INFO, CHUNK_ALLOC, CHUNK_FREE,
 * CHUNK_IO, MAP and UNMAP. Each picks a variant: a valid call on what the
 * file holds, or one field made wrong (reserved set, an enum out of
 * range, zero, unaligned, overflowing or past-the-end sizes, a released
 * or random handle, a bad user buffer), and says what that input must
 * answer where the module's order of checks makes it certain.
 *
 * Calls that make or release handles hold the object's lock, so the model
 * stays exact and a handle it does not hold is certain to be unknown to
 * the file: -EINVAL. The others run unlocked, and a handle they picked
 * may be gone by the time the call runs.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"

void fz_op_info(struct fz_thread *t)
{
	struct p2prig_info info;
	struct fz_call c = {
		.op = FZ_INFO, .fd = t->obj->fd, .cmd = P2PRIG_IOC_INFO,
		.img = &info, .size = sizeof(info), .ptr = fz_pick_ptr(t),
	};
	unsigned int i;
	bool zero = true;

	memset(&info, 0xa5, sizeof(info));
	if (!fz_call_answered(t, &c))
		return;
	for (i = 0; i < sizeof(info.reserved1); i++)
		zero &= !info.reserved1[i];
	for (i = 0; i < 2; i++)
		zero &= !info.reserved[i];
	if (!zero || info.uapi_version != P2PRIG_UAPI_VERSION ||
	    info.max_bar_chunk_size != P2PRIG_MAX_BAR_CHUNK_SIZE ||
	    !memchr(info.kernel_release, 0, sizeof(info.kernel_release)))
		fz_fail(t, &c, "INFO: bad version, release or reserved output");
}

/* Whether [phys, phys + size) lies in one of the provider's BARs. */
static bool fz_in_bar(const struct fz_world *w,
		      const struct p2prig_chunk_alloc *a)
{
	unsigned int i;

	for (i = 0; i < 6; i++) {
		if (a->bar_phys != w->bar_start[i] || a->bar_size != w->bar_len[i])
			continue;
		return i == a->bar && a->phys_addr >= a->bar_phys &&
		       a->size <= a->bar_size &&
		       a->phys_addr - a->bar_phys <= a->bar_size - a->size;
	}
	return false;
}

static void fz_free_now(struct fz_thread *t, uint32_t handle)
{
	struct p2prig_handle h = { .handle = handle };
	struct fz_call c = {
		.op = FZ_CHUNK_FREE, .fd = t->obj->fd,
		.cmd = P2PRIG_IOC_CHUNK_FREE, .img = &h, .size = sizeof(h),
		.expect = FZ_OK, .what = "a chunk the fuzzer has no room for",
	};

	fz_call(t, &c);
}

void fz_op_chunk_alloc(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_chunk_alloc a;
	struct fz_call c = {
		.op = FZ_CHUNK_ALLOC, .cmd = P2PRIG_IOC_CHUNK_ALLOC, .img = &a,
		.size = sizeof(a),
	};
	bool peer = fz_chance(r, 75);
	struct fz_chunk chunk;
	unsigned int pick, i;

	memset(&a, 0, sizeof(a));
	a.provider = peer ? P2PRIG_PROVIDER_NVME_CMB : P2PRIG_PROVIDER_RAM;
	if (peer)
		a.pci = t->w->nvme.addr;
	a.size = peer ? fz_pages(r, FZ_PAGE, 512u << 10) :
			fz_pages(r, FZ_PAGE, 256u << 10);

	pick = (unsigned int)fz_below(r, 24);
	c.expect = FZ_EINVAL;
	switch (pick) {
	case 0:
		a.size = 0;
		c.what = "size 0";
		break;
	case 1:
		a.size += 1 + fz_below(r, FZ_PAGE - 1);
		c.what = "size not a page multiple";
		break;
	case 2:
		a.size = fz_chance(r, 50) ? P2PRIG_MAX_CHUNK_SIZE + FZ_PAGE :
			 (fz_u64_edge(r) | (1ull << 40));
		c.what = "size huge";
		break;
	case 3:
		a.provider = P2PRIG_PROVIDER_RAM;
		a.pci = t->w->edu.addr;
		c.what = "RAM with a PCI address";
		break;
	case 4:
		a.provider = P2PRIG_PROVIDER_RAM;
		memset(&a.pci, 0, sizeof(a.pci));
		a.size = P2PRIG_MAX_RAM_CHUNK_SIZE +
			 fz_pages(r, FZ_PAGE, P2PRIG_MAX_CHUNK_SIZE -
				  P2PRIG_MAX_RAM_CHUNK_SIZE);
		c.what = "RAM larger than its limit";
		break;
	case 5:
		a.provider = fz_chance(r, 50) ? P2PRIG_PROVIDER_NVME_CMB :
						P2PRIG_PROVIDER_BAR;
		a.pci = t->w->absent.addr;
		fz_expect(&c, FZ_ENODEV, "no such PCI function");
		break;
	case 6:
		a.provider = fz_chance(r, 50) ? P2PRIG_PROVIDER_NVME_CMB :
						P2PRIG_PROVIDER_BAR;
		i = (unsigned int)fz_below(r, t->w->nr_pci);
		a.pci = t->w->lends[i] ? t->w->edu.addr : t->w->pci[i].addr;
		fz_expect(&c, FZ_EOPNOTSUPP | FZ_ENODEV,
			  "a function that lends no memory");
		break;
	case 7:
		a.size = P2PRIG_MAX_CHUNK_SIZE;
		fz_expect(&c, 0, "the largest size");
		break;
	case 8:
		a.provider = fz_u32_edge(r);
		a.pci.domain = fz_chance(r, 50) ? 0 : fz_u32_edge(r);
		a.pci.bus = (uint8_t)fz_next(r);
		a.pci.devfn = (uint8_t)fz_next(r);
		a.size = fz_u64_edge(r);
		fz_expect(&c, 0, "random fields");
		break;
	default:
		/* 9 and on: a rule of the struct broken, or none. */
		if (!fz_break(r, &c, &fz_chunk_alloc_fields, pick - 9))
			c.expect = 0;
		break;
	}

	c.ptr = fz_pick_ptr(t);
	fz_lock_obj(t, &c);
	if (fz_call_answered(t, &c)) {
		if (!a.handle)
			fz_fail(t, &c, "CHUNK_ALLOC: handle 0");
		if (a.provider == P2PRIG_PROVIDER_RAM ?
		    a.bus_addr || a.bar_phys || a.bar_size :
		    !fz_in_bar(t->w, &a))
			fz_fail(t, &c, "CHUNK_ALLOC: memory outside the provider's BAR");
		chunk.handle = a.handle;
		chunk.size = a.size;
		chunk.peer = a.provider != P2PRIG_PROVIDER_RAM;
		if (!fz_obj_add_chunk(o, &chunk))
			fz_free_now(t, a.handle);
	}
	pthread_mutex_unlock(&o->lock);
}

void fz_op_chunk_free(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_handle h = { 0 };
	struct fz_call c = FZ_CALL_OF(CHUNK_FREE, h, fz_pick_ptr(t));
	struct fz_chunk chunk;
	unsigned int pick = (unsigned int)fz_below(r, 10);
	int rc;

	fz_lock_obj(t, &c);
	if (pick < 6 && fz_pick_chunk(t, true, &chunk)) {
		h.handle = chunk.handle;
	} else if (pick == 9 && fz_pick_chunk(t, true, &chunk)) {
		h.handle = chunk.handle;
		fz_break(r, &c, &fz_handle_fields, 0);
	} else {
		h.handle = fz_unknown_chunk(t);
		fz_expect(&c, FZ_EINVAL, "a handle the file does not hold");
	}
	rc = fz_call(t, &c);
	if (!rc || rc == -ENODEV)
		fz_obj_drop_chunk(o, h.handle);
	pthread_mutex_unlock(&o->lock);
}

void fz_op_chunk_io(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct p2prig_chunk_io a = { 0 };
	struct fz_call c = FZ_CALL_OF(CHUNK_IO, a, fz_pick_ptr(t));
	uint64_t size = FZ_PAGE, len, k, pick;
	struct fz_chunk chunk;

	if (fz_pick_chunk(t, false, &chunk)) {
		a.handle = chunk.handle;
		size = chunk.size;
	} else {
		a.handle = fz_u32_edge(r);
	}
	a.op = (uint32_t)fz_below(r, P2PRIG_IO_MAX);
	len = 1 + fz_below(r, size < 16384 ? size : 16384);
	a.offset = fz_below(r, size - len + 1);
	a.length = len;
	a.user_ptr = (uintptr_t)t->mem.io + fz_below(r, FZ_IO_SIZE - len + 1);

	c.expect = FZ_EINVAL;
	pick = fz_below(r, 16);
	switch (pick) {
	case 0:
		a.length = 0;
		c.what = "length 0";
		break;
	case 1:
		k = 1 + fz_below(r, 4096);
		a.offset = ~0ull - k + 1;
		a.length = k + fz_below(r, 4096);
		c.what = "offset + length overflows";
		break;
	case 2:
		k = fz_below(r, len < size ? len : size);
		a.offset = size - k;
		a.length = k + 1 + fz_below(r, 4096);
		c.what = "past the end of the chunk";
		c.racy = true;
		break;
	case 3:
		a.length = fz_chance(r, 50) ? size : fz_u64_edge(r);
		a.offset = 0;
		fz_expect(&c, 0,
			  "length of the whole chunk or more, into a hole");
		break;
	case 4:
		a.user_ptr = fz_mem_bad(&t->mem, r);
		fz_expect(&c, fz_op_set(FZ_CHUNK_IO) & ~FZ_OK,
			  "user buffer unmapped or not user memory");
		break;
	case 5:
		len = len < 2 ? 2 : len;
		a.length = len;
		a.user_ptr = (uintptr_t)t->mem.io + FZ_IO_SIZE -
			     (1 + fz_below(r, len - 1));
		fz_expect(&c, fz_op_set(FZ_CHUNK_IO) & ~FZ_OK,
			  "user buffer running into a hole");
		break;
	case 6:
		a.op = P2PRIG_IO_READ;
		if (a.length > FZ_PAGE)
			a.length = FZ_PAGE;
		a.user_ptr = (uintptr_t)t->mem.ro +
			     fz_below(r, FZ_PAGE - a.length + 1);
		fz_expect(&c, fz_op_set(FZ_CHUNK_IO) & ~FZ_OK,
			  "reading into a read-only buffer");
		break;
	case 7:
		a.handle = fz_u32_edge(r);
		fz_expect(&c, 0, "random handle");
		break;
	default:
		/* 8 and on: a rule of the struct broken, or none. */
		if (!fz_break(r, &c, &fz_chunk_io_fields, pick - 8))
			c.expect = 0;
		break;
	}
	c.fd = t->obj->fd;
	fz_call(t, &c);
}

void fz_op_map(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_map a = { 0 };
	struct fz_call c = FZ_CALL_OF(MAP, a, fz_pick_ptr(t));
	struct fz_chunk chunk = { .size = FZ_PAGE, .peer = true };
	uint64_t pick;
	bool have;

	pthread_mutex_lock(&o->lock);
	if (o->nr_maps >= FZ_MAX_MAPS - 2) {
		pthread_mutex_unlock(&o->lock);
		fz_op_unmap(t);
		return;
	}
	c.fd = o->fd;
	have = fz_pick_chunk(t, true, &chunk);
	a.chunk = have ? chunk.handle : fz_unknown_chunk(t);
	a.method = fz_method_for(t, chunk.peer);
	a.initiator = P2PRIG_INITIATOR_EDU;
	a.dir = (uint32_t)fz_below(r, P2PRIG_DIR_MAX);
	a.pci = t->w->edu.addr;
	a.offset = fz_pages(r, 0, chunk.size - FZ_PAGE);
	a.length = 1 + fz_below(r, chunk.size - a.offset);
	if (fz_chance(r, 50))
		a.length = (a.length + FZ_PAGE - 1) & ~(uint64_t)(FZ_PAGE - 1);

	c.expect = FZ_EINVAL;
	pick = fz_below(r, 24);
	switch (pick) {
	case 0:
		a.method = fz_method_misfit(t, chunk.peer);
		c.what = "a method that does not fit the chunk";
		break;
	case 1:
		a.pci = fz_chance(r, 50) ? t->w->absent.addr : t->w->nvme.addr;
		fz_expect(&c, FZ_ENODEV, "no initiator there");
		break;
	case 2:
		a.chunk = fz_unknown_chunk(t);
		c.what = "a chunk handle the file does not hold";
		break;
	case 3:
		a.method = (uint32_t)fz_below(r, P2PRIG_METHOD_MAX);
		fz_expect(&c, 0, "any method");
		break;
	case 4:
		a.method = fz_u32_edge(r);
		a.dir = fz_u32_edge(r);
		a.pci = fz_pick_pci(t);
		a.offset = fz_u64_edge(r);
		a.length = fz_u64_edge(r);
		fz_expect(&c, 0, "random fields");
		break;
	default:
		/* 5 and on: a rule of the struct broken, or none. */
		if (!fz_break_in(r, &c, &fz_map_fields, pick - 5, chunk.size))
			c.expect = 0;
		break;
	}
	/* No chunk: the handle is unknown, which is checked before the initiator. */
	if (!have && (!c.what || c.expect == FZ_ENODEV)) {
		fz_expect(&c, FZ_EINVAL,
			  "a chunk handle the file does not hold");
	}

	if (fz_call_answered(t, &c)) {
		if (!a.handle || (a.flags & ~(uint32_t)(P2PRIG_MAP_F_DIRECT |
			P2PRIG_MAP_F_BOUNCED | P2PRIG_MAP_F_BUS_ADDR)))
			fz_fail(t, &c, "MAP: handle 0 or unknown flags");
		fz_model_map(t, &c, a.handle, a.length, a.dir, a.flags, -1);
	}
	pthread_mutex_unlock(&o->lock);
}

void fz_op_unmap(struct fz_thread *t)
{
	struct fz_obj *o = t->obj;
	struct fz_rng *r = &t->rng;
	struct p2prig_unmap a = { 0 };
	struct fz_call c = FZ_CALL_OF(UNMAP, a, fz_pick_ptr(t));
	unsigned int pick = (unsigned int)fz_below(r, 10);
	int rc;

	fz_lock_obj(t, &c);
	if (o->nr_maps && pick < 7) {
		a.handle = o->map[fz_below(r, o->nr_maps)].handle;
		if (pick == 6)
			fz_break(r, &c, &fz_unmap_fields,
				 fz_below(r, fz_unmap_fields.n));
	} else {
		a.handle = fz_unknown_map(t);
		fz_expect(&c, FZ_EINVAL,
			  "a mapping handle the file does not hold");
	}
	rc = fz_call(t, &c);
	/* A read-only argument: unmapped, then the time not written back. */
	if (!rc || rc == -ENODEV || (rc == -EFAULT && c.ptr == FZ_PTR_RO))
		fz_obj_drop_map(o, a.handle);
	pthread_mutex_unlock(&o->lock);
}
