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

/* An enum (a u32): its first bad value @max. */
#define FZ_ENUM(type, field, max)					\
	{ #field " out of range", FZ_AT(type, field), 4, 1, (max) }
/* @n reserved elements of @size bytes each: all must be zero. */
#define FZ_RESERVED(type, field, size, n)				\
	{ #field " set", FZ_AT(type, field), (size), (n), 0 }

#define FZ_TABLE(name, range_, ...)					\
	static const struct fz_field name##_fields[] = { __VA_ARGS__ };	\
	const struct fz_fields name = {					\
		.field = name##_fields,					\
		.n = ARRAY_SIZE(name##_fields),				\
		.range = (range_),					\
	}

/* MAP's and MAP_BENCH's: a method, an initiator, a direction, then more. */
#define FZ_MAPPING_TABLE(name, type, range_, ...)			\
	FZ_TABLE(name, range_,						\
		 FZ_ENUM(type, method, P2PRIG_METHOD_MAX),		\
		 FZ_ENUM(type, initiator, P2PRIG_INITIATOR_MAX),	\
		 FZ_ENUM(type, dir, P2PRIG_DIR_MAX),			\
		 FZ_RESERVED(type, pci.reserved, 2, 1), __VA_ARGS__)

/* MAP's and EXPORT's (offset, length) in a chunk: the offset page aligned. */
static const struct fz_range fz_map_range = {
	FZ_AT(p2prig_map, offset), FZ_AT(p2prig_map, length), 1,
};

static const struct fz_range fz_export_range = {
	FZ_AT(p2prig_export, offset), FZ_AT(p2prig_export, length), FZ_PAGE,
};

FZ_TABLE(fz_chunk_alloc_fields, NULL,
	 FZ_ENUM(p2prig_chunk_alloc, provider, P2PRIG_PROVIDER_MAX),
	 FZ_RESERVED(p2prig_chunk_alloc, reserved0, 4, 1),
	 FZ_RESERVED(p2prig_chunk_alloc, pci.reserved, 2, 1),
	 FZ_RESERVED(p2prig_chunk_alloc, reserved, 8, 4));

FZ_TABLE(fz_handle_fields, NULL,
	 FZ_RESERVED(p2prig_handle, reserved, 4, 1));

FZ_TABLE(fz_chunk_io_fields, NULL,
	 FZ_ENUM(p2prig_chunk_io, op, P2PRIG_IO_MAX),
	 FZ_RESERVED(p2prig_chunk_io, reserved, 8, 2));

FZ_MAPPING_TABLE(fz_map_fields, p2prig_map, &fz_map_range,
		 FZ_RESERVED(p2prig_map, reserved0, 4, 1),
		 FZ_RESERVED(p2prig_map, reserved, 8, 2));

FZ_TABLE(fz_unmap_fields, NULL,
	 FZ_RESERVED(p2prig_unmap, reserved0, 4, 1),
	 FZ_RESERVED(p2prig_unmap, reserved, 8, 2));

FZ_TABLE(fz_xfer_fields, NULL,
	 FZ_ENUM(p2prig_xfer, dir, P2PRIG_XFER_MAX),
	 FZ_RESERVED(p2prig_xfer, reserved, 8, 3));

FZ_TABLE(fz_probe_fields, NULL,
	 FZ_ENUM(p2prig_probe, initiator, P2PRIG_INITIATOR_MAX),
	 FZ_RESERVED(p2prig_probe, pci.reserved, 2, 1),
	 FZ_RESERVED(p2prig_probe, reserved, 8, 4));

FZ_MAPPING_TABLE(fz_map_bench_fields, p2prig_map_bench, NULL,
		 FZ_RESERVED(p2prig_map_bench, reserved, 8, 3));

FZ_TABLE(fz_export_fields, &fz_export_range,
	 FZ_ENUM(p2prig_export, method, P2PRIG_EXPORT_MAX),
	 FZ_RESERVED(p2prig_export, reserved0, 4, 1),
	 FZ_RESERVED(p2prig_export, reserved, 8, 4));

FZ_TABLE(fz_export_stats_fields, NULL,
	 FZ_RESERVED(p2prig_export_stats, reserved, 8, 4));

FZ_TABLE(fz_import_fields, NULL,
	 FZ_ENUM(p2prig_import, initiator, P2PRIG_INITIATOR_MAX),
	 FZ_ENUM(p2prig_import, dir, P2PRIG_DIR_MAX),
	 FZ_RESERVED(p2prig_import, pci.reserved, 2, 1),
	 FZ_RESERVED(p2prig_import, reserved1, 4, 1),
	 FZ_RESERVED(p2prig_import, reserved, 8, 4));

FZ_TABLE(fz_attach_check_fields, NULL,
	 FZ_RESERVED(p2prig_attach_check, pci.reserved, 2, 1),
	 FZ_RESERVED(p2prig_attach_check, reserved0, 4, 1),
	 FZ_RESERVED(p2prig_attach_check, reserved, 8, 2));

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

/* A range's rules: the last one only where the length has a granule. */
static const char *const fz_range_rules[] = {
	"length 0", "offset not page aligned", "offset + length overflows",
	"past the end of the chunk", "length not a page multiple",
};

static bool fz_break_range(struct fz_rng *r, struct fz_call *c,
			   const struct fz_range *range, uint64_t i,
			   uint64_t room)
{
	uint64_t *offset = (uint64_t *)((unsigned char *)c->img + range->offset_at);
	uint64_t *length = (uint64_t *)((unsigned char *)c->img + range->length_at);
	uint64_t k;

	/* Any length will do where the granule is a byte. */
	if (i >= ARRAY_SIZE(fz_range_rules) - !(range->unit > 1))
		return false;
	switch (i) {
	case 0:
		*length = 0;
		break;
	case 1:
		*offset += 1 + fz_below(r, FZ_PAGE - 1);
		break;
	case 2:
		k = fz_below(r, 16);
		*offset = ~0ull - (FZ_PAGE - 1) - k * FZ_PAGE;
		*length = (k + 2 + fz_below(r, 16)) * FZ_PAGE;
		break;
	case 3:
		if (fz_chance(r, 50))
			*offset = room;
		k = 1 + fz_below(r, 8192);
		*length = room - *offset + (k + range->unit - 1) / range->unit *
					   range->unit;
		break;
	default:
		*length += 1 + fz_below(r, range->unit - 1);
		break;
	}
	fz_expect(c, FZ_EINVAL, fz_range_rules[i]);
	return true;
}

bool fz_break_in(struct fz_rng *r, struct fz_call *c,
		 const struct fz_fields *fields, uint64_t i, uint64_t room)
{
	const struct fz_field *f;
	unsigned int at;
	uint64_t v;

	if (i >= fields->n)
		return fields->range &&
		       fz_break_range(r, c, fields->range, i - fields->n, room);
	f = &fields->field[i];
	at = f->offset + f->size * (unsigned int)fz_below(r, f->count);
	v = f->bad ? fz_enum_bad(r, f->bad) : fz_not_zero(r, f->size);
	/* Little-endian: the low bytes of v are the field's value. */
	memcpy((unsigned char *)c->img + at, &v, f->size);
	fz_expect(c, FZ_EINVAL, f->what);
	return true;
}

bool fz_break(struct fz_rng *r, struct fz_call *c,
	      const struct fz_fields *fields, uint64_t i)
{
	return fz_break_in(r, c, fields, i, 0);
}
