// SPDX-License-Identifier: GPL-2.0
/*
 * What the step lines of fio and nvme-copy share (scenarios/README.md,
 * "storage steps"): the I/O matrix, and at the end of the file the storage
 * and buffer names resolved and the rule that only scratch storage is
 * written. Storage lines themselves are the grammar's (scenario/).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "actions/storage/storage_parse.h"
#include "util/array_size.h"
#include "util/numparse.h"

/* buffer=ram: the plain RAM buffer, no provider needed. */
#define RAM_BUFFER "ram"

/* sizes= and iodepths=, and size= a multiple of every block size. */
bool storage_read_matrix(struct parser *p, const char *sizes, const char *iodepths,
			 struct io_matrix *m)
{
	char why[256];
	bool ok = true;

	if (sizes && !storage_sizes_parse(sizes, m->sizes, &m->n_sizes, why, sizeof(why))) {
		ERROR(p, "%s", why);
		ok = false;
	}
	if (iodepths && !storage_iodepths_parse(iodepths, m->iodepths, &m->n_iodepths, why,
						sizeof(why))) {
		ERROR(p, "%s", why);
		ok = false;
	}
	return ok;
}

bool storage_read_io_size(struct parser *p, const char *text, const struct io_matrix *m,
			  uint64_t max, uint64_t *out)
{
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];

	if (!parser_read_size(p, "size", text, out))
		return false;
	if (*out > max) {
		format_size(max, a, sizeof(a));
		ERROR(p, "size %s is larger than %s", text, a);
		*out = 0;
		return false;
	}
	for (size_t i = 0; i < m->n_sizes; i++) {
		if (*out % m->sizes[i]) {
			format_size(m->sizes[i], b, sizeof(b));
			ERROR(p, "size %s is not a multiple of block size %s", text, b);
			*out = 0;
			return false;
		}
	}
	return true;
}

static size_t find_storage(const struct scenario *sc, const char *name)
{
	/* The first declaration counts; later duplicates were reported where they are. */
	for (size_t i = 0; name[0] && i < sc->n_storages; i++)
		if (strcmp(sc->storages[i].name, name) == 0)
			return i;
	return SCENARIO_NO_INDEX;
}

size_t storage_resolve_name(struct parser *p, const char *key, const char *name)
{
	size_t i = find_storage(p->sc, name);

	if (name[0] && i == SCENARIO_NO_INDEX)
		ERROR(p, "unknown storage '%s' for %s= (declare it with a storage line)", name, key);
	return i;
}

/*
 * buffer=NAME: a peer provider lends its p2pmem; a RAM provider, or the
 * word ram, means the plain RAM buffer. *ok is false on an unknown name.
 */
size_t storage_resolve_buffer(struct parser *p, const char *name, const struct io_matrix *m,
			      bool *ok)
{
	const struct scenario *sc = p->sc;
	uint64_t need = io_matrix_max_buffer(m);
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];

	*ok = true;
	if (!name[0])
		return SCENARIO_NO_INDEX;
	bool named_ram = strcmp(name, RAM_BUFFER) == 0;

	format_size(need, a, sizeof(a));
	for (size_t i = 0; i < sc->n_providers; i++) {
		const struct scenario_provider *prov = &sc->providers[i];

		if (strcmp(prov->name, name) != 0)
			continue;
		if (prov->kind && !prov->kind->peer) {
			named_ram = true;	/* system RAM: the RAM buffer */
			break;
		}
		if (prov->size && need > prov->size) {
			format_size(prov->size, b, sizeof(b));
			ERROR(p, "sizes x iodepths need %s of buffer, more than provider '%s' lends "
			      "(size=%s)", a, prov->name, b);
		}
		return i;
	}
	if (!named_ram) {
		ERROR(p, "unknown buffer '%s' (expected a provider's name, or ram)", name);
		*ok = false;
	} else if (need > STORAGE_MAX_RAM_BUFFER) {
		format_size(STORAGE_MAX_RAM_BUFFER, b, sizeof(b));
		ERROR(p, "sizes x iodepths need %s of RAM buffer, more than %s", a, b);
	}
	return SCENARIO_NO_INDEX;
}

/* Writing to a storage the file did not mark scratch is refused before anything boots. */
void storage_check_scratch(struct parser *p, const struct scenario_step *step, size_t storage,
			   const char *why)
{
	const struct scenario_storage *st;

	if (storage == SCENARIO_NO_INDEX)
		return;
	st = &p->sc->storages[storage];
	if (!st->scratch)
		ERROR(p, "step '%s' writes to storage '%s' (%s), which is not marked scratch (add the "
		      "word scratch to its line %d if the rig may overwrite it)", step->name, st->name,
		      why, st->line);
}

/* [offset, offset + bytes) of the storage's region must lie inside it, when its size is given. */
void storage_check_fits(struct parser *p, size_t storage, const char *key, uint64_t offset,
			uint64_t bytes)
{
	const struct scenario_storage *st;
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX], c[SIZE_TEXT_MAX];

	if (storage == SCENARIO_NO_INDEX || !bytes)
		return;
	st = &p->sc->storages[storage];
	if (!st->size || (offset <= st->size && bytes <= st->size - offset))
		return;
	format_size(offset, a, sizeof(a));
	format_size(bytes, b, sizeof(b));
	format_size(st->size, c, sizeof(c));
	ERROR(p, "%s: offset %s + %s runs past the end of storage '%s' (size=%s)", key, a, b,
	      st->name, c);
}

bool storage_check_expect(struct parser *p, const struct scenario_step *step,
			  const struct scenario_expect *e, const char *what, bool host_reads)
{
	if (e->what == EXPECT_VERIFIED || (host_reads && e->what == EXPECT_ORACLE))
		return true;
	ERROR(p, "'expect %s' does not apply to %s steps (expected verified%s)", what,
	      step->action_name, host_reads ? " or oracle" : "");
	return false;
}
