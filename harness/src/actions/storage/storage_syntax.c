// SPDX-License-Identifier: GPL-2.0
/* The words of storage lines, fio steps and nvme-copy steps. */
#include "actions/storage/storage_syntax.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/comma_list.h"
#include "util/names.h"
#include "util/numparse.h"

NAMED_ENUM(fio_engine, enum fio_engine,
	   [FIO_ENGINE_LIBAIO] = "libaio", [FIO_ENGINE_IO_URING] = "io_uring")
NAMED_ENUM(fio_rw, enum fio_rw, [FIO_RW_WRITE_READ] = "write-read", [FIO_RW_READ] = "read")

static bool all_of(const char *s, int (*is)(int))
{
	for (; *s; s++)
		if (!is((unsigned char)*s))
			return false;
	return true;
}

static int is_graph(int c)
{
	return isgraph(c);
}

static int is_xdigit(int c)
{
	return isxdigit(c);
}

static int is_digit(int c)
{
	return isdigit(c);
}

/* [DOMAIN:]BUS:DEV.FN, hex, as lspci -D prints it. */
static bool slot_ok(const char *s)
{
	char parts[4][8];
	int n = sscanf(s, "%7[^:]:%7[^:]:%7[^.].%7s", parts[0], parts[1], parts[2], parts[3]);

	if (n != 4) {
		n = sscanf(s, "%7[^:]:%7[^.].%7s", parts[1], parts[2], parts[3]);
		if (n != 3)
			return false;
		snprintf(parts[0], sizeof(parts[0]), "0");
	}
	for (int i = 0; i < 4; i++)
		if (!parts[i][0] || !all_of(parts[i], is_xdigit))
			return false;
	return strlen(parts[0]) <= 4 && strlen(parts[1]) <= 2 && strlen(parts[2]) <= 2 &&
	       strlen(parts[3]) == 1 && strtoul(parts[2], NULL, 16) < 32 &&
	       strtoul(parts[3], NULL, 16) < 8;
}

bool storage_controller_ok(const char *text, char *why, size_t why_size)
{
	static const char expected[] = "serial=SERIAL, slot=[DOMAIN:]BUS:DEV.FN or name=nvmeN";
	const char *value = strchr(text, '=');

	if (!value) {
		snprintf(why, why_size, "bad controller '%s' (expected %s)", text, expected);
		return false;
	}
	value++;
	if (strncmp(text, "serial=", 7) == 0) {
		if (*value && strlen(value) <= 20 && all_of(value, is_graph))
			return true;
		snprintf(why, why_size, "bad serial '%s' (at most 20 printable characters, no blanks)",
			 value);
	} else if (strncmp(text, "slot=", 5) == 0) {
		if (slot_ok(value))
			return true;
		snprintf(why, why_size, "bad slot '%s' (expected [DOMAIN:]BUS:DEV.FN in hex, as lspci -D)",
			 value);
	} else if (strncmp(text, "name=", 5) == 0) {
		if (strncmp(value, "nvme", 4) == 0 && value[4] && all_of(value + 4, is_digit) &&
		    strlen(value) < 16)
			return true;
		snprintf(why, why_size, "bad controller name '%s' (expected nvmeN, as /dev/nvmeN)",
			 value);
	} else {
		snprintf(why, why_size, "bad controller '%s' (expected %s)", text, expected);
	}
	return false;
}

static bool read_block_size(const char *item, uint64_t *size, char *why, size_t why_size)
{
	return comma_list_size(item, size, "block sizes", STORAGE_ALIGN,
			       "O_DIRECT and p2pmem work in pages", STORAGE_MAX_BLOCK, why, why_size);
}

bool storage_sizes_parse(const char *text, uint64_t *sizes, size_t *n, char *why,
			 size_t why_size)
{
	struct comma_list_result r;

	comma_list_read(text, read_block_size, sizes, STORAGE_MAX_SIZES, n, why, why_size, &r);
	if (r.fault == COMMA_LIST_TOO_MANY)
		snprintf(why, why_size, "too many sizes (at most %d)", STORAGE_MAX_SIZES);
	else if (r.fault == COMMA_LIST_REPEATED)
		snprintf(why, why_size, "size %s appears twice in sizes", r.item);
	return r.fault == COMMA_LIST_OK;
}

static bool read_iodepth(const char *item, uint64_t *depth, char *why, size_t why_size)
{
	if (parse_number(item, depth) && *depth > 0 && *depth <= STORAGE_MAX_IODEPTH)
		return true;
	snprintf(why, why_size, "bad iodepth '%s' in iodepths (expected a comma-separated "
		 "list of numbers from 1 to %d, e.g. 1,16)", item, STORAGE_MAX_IODEPTH);
	return false;
}

bool storage_iodepths_parse(const char *text, uint32_t *depths, size_t *n, char *why,
			    size_t why_size)
{
	uint64_t read[STORAGE_MAX_IODEPTHS];
	struct comma_list_result r;

	comma_list_read(text, read_iodepth, read, STORAGE_MAX_IODEPTHS, n, why, why_size, &r);
	for (size_t i = 0; i < *n; i++)
		depths[i] = (uint32_t)read[i];
	if (r.fault == COMMA_LIST_TOO_MANY)
		snprintf(why, why_size, "too many iodepths (at most %d)", STORAGE_MAX_IODEPTHS);
	else if (r.fault == COMMA_LIST_REPEATED)
		snprintf(why, why_size, "iodepth %s appears twice in iodepths", r.item);
	return r.fault == COMMA_LIST_OK;
}

size_t io_matrix_count(const struct io_matrix *m)
{
	return m->n_sizes * m->n_iodepths;
}

void io_matrix_at(const struct io_matrix *m, size_t i, uint64_t *bs, uint32_t *iodepth)
{
	*bs = m->sizes[i / m->n_iodepths];
	*iodepth = m->iodepths[i % m->n_iodepths];
}

uint64_t io_matrix_max_buffer(const struct io_matrix *m)
{
	uint64_t max = 0;

	for (size_t i = 0; i < io_matrix_count(m); i++) {
		uint64_t bs;
		uint32_t depth;

		io_matrix_at(m, i, &bs, &depth);
		if (bs * depth > max)
			max = bs * depth;
	}
	return max;
}
