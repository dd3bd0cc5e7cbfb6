// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of each uAPI argument the module checks before any work, one
 * table per struct: an enum must be below its MAX, a reserved field zero.
 * Every call breaks a rule from its struct's table the same way, so a new
 * reserved field or enum is one table line, not a case per ioctl.
 */
#include <stddef.h>
#include <string.h>

#include "fuzz.h"

/*
 * A row: the rule's text, where the field is, its size (of one element),
 * how many elements, and for an enum the first bad value (0: must be zero).
 */
#define FZ_AT(type, field)	offsetof(struct type, field)

#define FZ_TABLE(name, ...)						\
	static const struct fz_field name##_fields[] = { __VA_ARGS__ };	\
	const struct fz_fields name = {					\
		.field = name##_fields,					\
		.n = ARRAY_SIZE(name##_fields),				\
	}

FZ_TABLE(fz_chunk_alloc_fields,
	 { "provider out of range", FZ_AT(p2prig_chunk_alloc, provider),
	   4, 1, P2PRIG_PROVIDER_MAX },
	 { "reserved0 set", FZ_AT(p2prig_chunk_alloc, reserved0), 4, 1, 0 },
	 { "pci.reserved set", FZ_AT(p2prig_chunk_alloc, pci.reserved), 2, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_chunk_alloc, reserved), 8, 4, 0 });

FZ_TABLE(fz_handle_fields,
	 { "reserved set", FZ_AT(p2prig_handle, reserved), 4, 1, 0 });

FZ_TABLE(fz_chunk_io_fields,
	 { "op out of range", FZ_AT(p2prig_chunk_io, op), 4, 1, P2PRIG_IO_MAX },
	 { "reserved set", FZ_AT(p2prig_chunk_io, reserved), 8, 2, 0 });

FZ_TABLE(fz_map_fields,
	 { "method out of range", FZ_AT(p2prig_map, method),
	   4, 1, P2PRIG_METHOD_MAX },
	 { "initiator out of range", FZ_AT(p2prig_map, initiator),
	   4, 1, P2PRIG_INITIATOR_MAX },
	 { "dir out of range", FZ_AT(p2prig_map, dir), 4, 1, P2PRIG_DIR_MAX },
	 { "pci.reserved set", FZ_AT(p2prig_map, pci.reserved), 2, 1, 0 },
	 { "reserved0 set", FZ_AT(p2prig_map, reserved0), 4, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_map, reserved), 8, 2, 0 });

FZ_TABLE(fz_unmap_fields,
	 { "reserved0 set", FZ_AT(p2prig_unmap, reserved0), 4, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_unmap, reserved), 8, 2, 0 });

FZ_TABLE(fz_xfer_fields,
	 { "dir out of range", FZ_AT(p2prig_xfer, dir), 4, 1, P2PRIG_XFER_MAX },
	 { "reserved set", FZ_AT(p2prig_xfer, reserved), 8, 3, 0 });

FZ_TABLE(fz_probe_fields,
	 { "initiator out of range", FZ_AT(p2prig_probe, initiator),
	   4, 1, P2PRIG_INITIATOR_MAX },
	 { "pci.reserved set", FZ_AT(p2prig_probe, pci.reserved), 2, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_probe, reserved), 8, 4, 0 });

FZ_TABLE(fz_map_bench_fields,
	 { "method out of range", FZ_AT(p2prig_map_bench, method),
	   4, 1, P2PRIG_METHOD_MAX },
	 { "initiator out of range", FZ_AT(p2prig_map_bench, initiator),
	   4, 1, P2PRIG_INITIATOR_MAX },
	 { "dir out of range", FZ_AT(p2prig_map_bench, dir),
	   4, 1, P2PRIG_DIR_MAX },
	 { "pci.reserved set", FZ_AT(p2prig_map_bench, pci.reserved), 2, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_map_bench, reserved), 8, 3, 0 });

FZ_TABLE(fz_export_fields,
	 { "method out of range", FZ_AT(p2prig_export, method),
	   4, 1, P2PRIG_EXPORT_MAX },
	 { "reserved0 set", FZ_AT(p2prig_export, reserved0), 4, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_export, reserved), 8, 4, 0 });

FZ_TABLE(fz_export_stats_fields,
	 { "reserved set", FZ_AT(p2prig_export_stats, reserved), 8, 4, 0 });

FZ_TABLE(fz_import_fields,
	 { "initiator out of range", FZ_AT(p2prig_import, initiator),
	   4, 1, P2PRIG_INITIATOR_MAX },
	 { "dir out of range", FZ_AT(p2prig_import, dir),
	   4, 1, P2PRIG_DIR_MAX },
	 { "pci.reserved set", FZ_AT(p2prig_import, pci.reserved), 2, 1, 0 },
	 { "reserved1 set", FZ_AT(p2prig_import, reserved1), 4, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_import, reserved), 8, 4, 0 });

FZ_TABLE(fz_attach_check_fields,
	 { "pci.reserved set", FZ_AT(p2prig_attach_check, pci.reserved), 2, 1, 0 },
	 { "reserved0 set", FZ_AT(p2prig_attach_check, reserved0), 4, 1, 0 },
	 { "reserved set", FZ_AT(p2prig_attach_check, reserved), 8, 2, 0 });

/* Not zero, in @size bytes; the smaller fields take any such value. */
static uint64_t fz_not_zero(struct fz_rng *r, unsigned int size)
{
	switch (size) {
	case 2:
		return fz_below(r, 0xffff) + 1;
	case 4:
		return (uint32_t)fz_nonzero(r) | 1;
	default:
		return fz_nonzero(r);
	}
}

bool fz_break(struct fz_rng *r, struct fz_call *c,
	      const struct fz_fields *fields, uint64_t i)
{
	const struct fz_field *f;
	unsigned int at;
	uint64_t v;

	if (i >= fields->n)
		return false;
	f = &fields->field[i];
	at = f->offset + f->size * (unsigned int)fz_below(r, f->count);
	v = f->bad ? fz_enum_bad(r, f->bad) : fz_not_zero(r, f->size);
	/* Little-endian: the low bytes of v are the field's value. */
	memcpy((unsigned char *)c->img + at, &v, f->size);
	c->expect = FZ_EINVAL;
	c->what = f->what;
	return true;
}
