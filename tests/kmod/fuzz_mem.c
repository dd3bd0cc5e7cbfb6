// SPDX-License-Identifier: GPL-2.0
/*
 * Where the fuzzer's arguments and user buffers live. One reservation per
 * thread, pages in it separated by holes (PROT_NONE):
 *
 *   hole | arg | hole | ro | hole | io (FZ_IO_SIZE) | hole
 *
 * An argument that straddles runs off the end of @arg into a hole, so the
 * kernel can read its first half only. @ro is a read-only mapping of a
 * memfd page that @alias maps writable elsewhere: the argument is written
 * through @alias and handed over as @ro, so the kernel reads it and cannot
 * write back. Whatever length a call names, the kernel can never write
 * past @io: a hole follows it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define FZ_MEM_PAGES	(5 + FZ_IO_SIZE / FZ_PAGE + 1)

int fz_mem_init(struct fz_mem *m)
{
	void *p;

	memset(m, 0, sizeof(*m));
	m->memfd = -1;
	m->len = (size_t)FZ_MEM_PAGES * FZ_PAGE;
	p = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->base = p;
	m->hole = m->base;
	m->arg = m->base + FZ_PAGE;
	m->ro = m->base + 3 * FZ_PAGE;
	m->io = m->base + 5 * FZ_PAGE;
	if (mprotect(m->arg, FZ_PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(m->io, FZ_IO_SIZE, PROT_READ | PROT_WRITE))
		goto fail;

	m->memfd = memfd_create("p2prig-fuzz-ro", MFD_CLOEXEC);
	if (m->memfd < 0 || ftruncate(m->memfd, FZ_PAGE))
		goto fail;
	p = mmap(m->ro, FZ_PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, m->memfd,
		 0);
	if (p == MAP_FAILED)
		goto fail;
	p = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd,
		 0);
	if (p == MAP_FAILED)
		goto fail;
	m->alias = p;
	return 0;

fail:
	fz_mem_fini(m);
	return -ENOMEM;
}

void fz_mem_fini(struct fz_mem *m)
{
	if (!m->base)
		return;
	if (m->alias)
		munmap(m->alias, FZ_PAGE);
	if (m->base)
		munmap(m->base, m->len);
	if (m->memfd >= 0)
		close(m->memfd);
	memset(m, 0, sizeof(*m));
	m->memfd = -1;
}

/* Each pointer mode: its name, and whether the kernel can read through it. */
static const struct {
	const char *name;
	bool readable;
} fz_ptrs[FZ_NR_PTRS] = {
	[FZ_PTR_OK] = { "ok", true },
	[FZ_PTR_RO] = { "read-only", true },
	[FZ_PTR_STRADDLE] = { "straddling a hole", false },
	[FZ_PTR_NULL] = { "NULL", false },
	[FZ_PTR_LOW] = { "low address", false },
	[FZ_PTR_HOLE] = { "unmapped", false },
	[FZ_PTR_KERNEL] = { "kernel address", false },
	[FZ_PTR_NONCANON] = { "non-canonical", false },
};

bool fz_ptr_readable(enum fz_ptr ptr)
{
	return ptr < FZ_NR_PTRS && fz_ptrs[ptr].readable;
}

const char *fz_ptr_name(enum fz_ptr ptr)
{
	return ptr < FZ_NR_PTRS ? fz_ptrs[ptr].name : "?";
}

/* Addresses no user access may reach, whatever the process maps. */
static const uint64_t fz_kernel_addrs[] = {
	0xffff888000000000ull,	/* start of the direct map */
	0xffffffff81000000ull,	/* kernel text */
	0xffffffffff600000ull,	/* the vsyscall page */
	0xfffffffffffff000ull,	/* the last page */
};

void *fz_mem_place(struct fz_mem *m, enum fz_ptr ptr, const void *img,
		   size_t size)
{
	unsigned char *at;

	switch (ptr) {
	case FZ_PTR_OK:
		memcpy(m->arg, img, size);
		return m->arg;
	case FZ_PTR_RO:
		memcpy(m->alias, img, size);
		return m->ro;
	case FZ_PTR_STRADDLE:
		/* At least one byte on each side of the page's end. */
		at = m->arg + FZ_PAGE - (size > 1 ? size / 2 : 1);
		memcpy(at, img, m->arg + FZ_PAGE - at);
		return at;
	case FZ_PTR_NULL:
		return NULL;
	case FZ_PTR_LOW:
		return (void *)(uintptr_t)8;
	case FZ_PTR_HOLE:
		return m->hole;
	case FZ_PTR_KERNEL:
		return (void *)(uintptr_t)fz_kernel_addrs[size %
			ARRAY_SIZE(fz_kernel_addrs)];
	default:
		return (void *)(uintptr_t)0x0000800000000000ull;
	}
}

uint64_t fz_mem_bad(struct fz_mem *m, struct fz_rng *r)
{
	switch (fz_below(r, 6)) {
	case 0:
		return 0;
	case 1:
		return 8;
	case 2:
		return (uintptr_t)m->hole + fz_below(r, FZ_PAGE);
	case 3:
		return 0x0000800000000000ull;
	case 4:
		return ~0ull - fz_below(r, FZ_PAGE);
	default:
		return fz_kernel_addrs[fz_below(r, ARRAY_SIZE(fz_kernel_addrs))];
	}
}
