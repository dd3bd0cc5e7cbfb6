// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of /dev/p2prig: one table, one dispatcher.
 *
 * Each entry names the command (which carries its argument's size), its
 * handler, whether the argument is read in and the answer written back,
 * and the argument's reserved fields. The dispatcher copies the argument
 * in, refuses a set reserved field with -EINVAL before the handler sees
 * it, and copies the answer out when the handler returns 0; handlers work
 * on the kernel copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "p2prig.h"

/* Every argument struct, for the kernel copy on the dispatcher's stack. */
union p2prig_ucmd_buffer {
	struct p2prig_info info;
	struct p2prig_chunk_alloc chunk_alloc;
	struct p2prig_handle handle;
	struct p2prig_chunk_io chunk_io;
	struct p2prig_map map;
	struct p2prig_unmap unmap;
	struct p2prig_xfer xfer;
	struct p2prig_probe probe;
	struct p2prig_export export;
	struct p2prig_export_stats export_stats;
	struct p2prig_import import;
	struct p2prig_attach_check attach_check;
	struct p2prig_map_bench map_bench;
};

/**
 * struct p2prig_ioctl_op - one ioctl
 * @cmd: its number; the argument's size is the one the number carries
 * @flags: P2PRIG_UCMD_IN: the argument is read in, else the kernel copy
 *	starts zeroed; P2PRIG_UCMD_OUT: the kernel copy is written back when
 *	@handler returns 0
 * @reserved: the argument's reserved fields, all bits set; a call with
 *	any of them nonzero is -EINVAL. NULL: none.
 * @handler: does the call on struct p2prig_ucmd's kernel copy
 * @undo: optional; takes back what @handler made (ucmd->made) when the
 *	answer could not be written back, so the call answers -EFAULT and
 *	keeps nothing
 */
struct p2prig_ioctl_op {
	unsigned int cmd;
	unsigned int flags;
	const void *reserved;
	int (*handler)(struct p2prig_ucmd *ucmd);
	void (*undo)(struct p2prig_ucmd *ucmd);
};

#define P2PRIG_UCMD_IN		BIT(0)
#define P2PRIG_UCMD_OUT		BIT(1)
#define P2PRIG_UCMD_IN_OUT	(P2PRIG_UCMD_IN | P2PRIG_UCMD_OUT)

#define P2PRIG_IOCTL_OP(_cmd, _flags, _reserved, _handler, _undo)	\
	{ .cmd = _cmd, .flags = _flags, .reserved = _reserved,		\
	  .handler = _handler, .undo = _undo }

/* The reserved fields of each argument struct, as masks. */
static const struct p2prig_chunk_alloc p2prig_chunk_alloc_reserved = {
	.reserved0 = U32_MAX,
	.pci.reserved = U16_MAX,
	.reserved = { U64_MAX, U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_handle p2prig_handle_reserved = {
	.reserved = U32_MAX,
};

static const struct p2prig_chunk_io p2prig_chunk_io_reserved = {
	.reserved = { U64_MAX, U64_MAX },
};

static const struct p2prig_map p2prig_map_reserved = {
	.pci.reserved = U16_MAX,
	.reserved0 = U32_MAX,
	.reserved = { U64_MAX, U64_MAX },
};

static const struct p2prig_unmap p2prig_unmap_reserved = {
	.reserved0 = U32_MAX,
	.reserved = { U64_MAX, U64_MAX },
};

static const struct p2prig_xfer p2prig_xfer_reserved = {
	.reserved = { U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_probe p2prig_probe_reserved = {
	.pci.reserved = U16_MAX,
	.reserved = { U64_MAX, U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_export p2prig_export_reserved = {
	.reserved0 = U32_MAX,
	.reserved = { U64_MAX, U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_export_stats p2prig_export_stats_reserved = {
	.reserved = { U64_MAX, U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_import p2prig_import_reserved = {
	.pci.reserved = U16_MAX,
	.reserved1 = U32_MAX,
	.reserved = { U64_MAX, U64_MAX, U64_MAX, U64_MAX },
};

static const struct p2prig_attach_check p2prig_attach_check_reserved = {
	.pci.reserved = U16_MAX,
	.reserved0 = U32_MAX,
	.reserved = { U64_MAX, U64_MAX },
};

static const struct p2prig_map_bench p2prig_map_bench_reserved = {
	.pci.reserved = U16_MAX,
	.reserved = { U64_MAX, U64_MAX, U64_MAX },
};

static int p2prig_ioctl_info(struct p2prig_ucmd *ucmd)
{
	struct p2prig_info *info = ucmd->arg;
	unsigned int i;

	info->uapi_version = P2PRIG_UAPI_VERSION;
	for (i = 0; i < P2PRIG_PROVIDER_MAX; i++)
		info->provider_mask |= BIT(i);
	for (i = 0; i < P2PRIG_METHOD_MAX; i++) {
		if (p2prig_methods[i]->map)
			info->method_mask |= BIT(i);
	}
	for (i = 0; i < P2PRIG_INITIATOR_MAX; i++)
		info->initiator_mask |= BIT(i);
	info->max_chunk_size = P2PRIG_MAX_CHUNK_SIZE;
	info->max_bar_chunk_size = P2PRIG_MAX_BAR_CHUNK_SIZE;
	info->max_xfer_size = P2PRIG_MAX_XFER_SIZE;
	info->export_method_mask = p2prig_export_method_mask();
	strscpy(info->kernel_release, utsname()->release);

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	info->nr_exports = p2prig_nr_exports();
	info->nr_imports = p2prig_nr_imports();
	mutex_unlock(&p2prig_lock);
	return 0;
}

static int p2prig_ioctl_export_stats(struct p2prig_ucmd *ucmd)
{
	return p2prig_export_stats(ucmd->arg);
}

static int p2prig_ioctl_attach_check(struct p2prig_ucmd *ucmd)
{
	struct p2prig_attach_check *arg = ucmd->arg;

	if (arg->flags & ~(P2PRIG_ATTACH_F_NO_P2P | P2PRIG_ATTACH_F_PINNED))
		return -EINVAL;
	return p2prig_attach_check(arg);
}

/*
 * In command-number order: the dispatcher indexes it by _IOC_NR(). EXPORT
 * writes only its fd, itself, before the fd is installed.
 */
static const struct p2prig_ioctl_op p2prig_ioctl_ops[] = {
	P2PRIG_IOCTL_OP(P2PRIG_IOC_INFO, P2PRIG_UCMD_OUT,
			NULL,
			p2prig_ioctl_info, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_CHUNK_ALLOC, P2PRIG_UCMD_IN_OUT,
			&p2prig_chunk_alloc_reserved,
			p2prig_ioctl_chunk_alloc, p2prig_chunk_alloc_undo),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_CHUNK_FREE, P2PRIG_UCMD_IN,
			&p2prig_handle_reserved,
			p2prig_ioctl_chunk_free, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_CHUNK_IO, P2PRIG_UCMD_IN,
			&p2prig_chunk_io_reserved,
			p2prig_ioctl_chunk_io, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_MAP, P2PRIG_UCMD_IN_OUT,
			&p2prig_map_reserved,
			p2prig_ioctl_map, p2prig_mapping_undo),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_UNMAP, P2PRIG_UCMD_IN_OUT,
			&p2prig_unmap_reserved,
			p2prig_ioctl_unmap, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_XFER, P2PRIG_UCMD_IN_OUT,
			&p2prig_xfer_reserved,
			p2prig_ioctl_xfer, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_PROBE, P2PRIG_UCMD_IN_OUT,
			&p2prig_probe_reserved,
			p2prig_ioctl_probe, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_EXPORT, P2PRIG_UCMD_IN,
			&p2prig_export_reserved,
			p2prig_ioctl_export, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_EXPORT_STATS, P2PRIG_UCMD_IN_OUT,
			&p2prig_export_stats_reserved,
			p2prig_ioctl_export_stats, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_IMPORT, P2PRIG_UCMD_IN_OUT,
			&p2prig_import_reserved,
			p2prig_ioctl_import, p2prig_mapping_undo),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_ATTACH_CHECK, P2PRIG_UCMD_IN_OUT,
			&p2prig_attach_check_reserved,
			p2prig_ioctl_attach_check, NULL),
	P2PRIG_IOCTL_OP(P2PRIG_IOC_MAP_BENCH, P2PRIG_UCMD_IN_OUT,
			&p2prig_map_bench_reserved,
			p2prig_ioctl_map_bench, NULL),
};

/* Whether @arg has no bit set where @reserved has one. */
static bool p2prig_reserved_zero(const u8 *arg, const u8 *reserved,
				 size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (arg[i] & reserved[i])
			return false;
	}
	return true;
}

long p2prig_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	union p2prig_ucmd_buffer buf;
	const struct p2prig_ioctl_op *op;
	struct p2prig_ucmd ucmd = {
		.pf = filp->private_data,
		.arg = &buf,
		.uarg = (void __user *)arg,
	};
	unsigned int nr = _IOC_NR(cmd);
	unsigned int size;
	int ret;

	if (nr >= ARRAY_SIZE(p2prig_ioctl_ops))
		return -ENOTTY;
	op = &p2prig_ioctl_ops[array_index_nospec(nr,
						  ARRAY_SIZE(p2prig_ioctl_ops))];
	if (op->cmd != cmd)
		return -ENOTTY;
	size = _IOC_SIZE(cmd);

	if (!(op->flags & P2PRIG_UCMD_IN))
		memset(&buf, 0, size);
	else if (copy_from_user(&buf, ucmd.uarg, size))
		return -EFAULT;
	if (op->reserved &&
	    !p2prig_reserved_zero((u8 *)&buf, op->reserved, size))
		return -EINVAL;

	ret = op->handler(&ucmd);
	if (ret || !(op->flags & P2PRIG_UCMD_OUT))
		return ret;
	if (copy_to_user(ucmd.uarg, &buf, size)) {
		if (op->undo)
			op->undo(&ucmd);
		return -EFAULT;
	}
	return 0;
}
