// SPDX-License-Identifier: GPL-2.0
/*
 * Storage lines, fio steps and nvme-copy steps of a scenario file. As in
 * scenario.c, each line is read on its own and names are resolved at the
 * end of the file, when the rule that only scratch storage is written can
 * be checked for every step.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"
#include "scenario/scenario_parser.h"
#include "util/array_size.h"

#define STORAGE_USAGE "storage NAME nvme CONTROLLER nsid=N [offset=O] [size=S] [scratch]"
#define RAM_BUFFER "ram"

enum storage_key { SK_NSID, SK_OFFSET, SK_SIZE };

static const struct key_spec storage_keys[] = {
	[SK_NSID] = { "nsid", true },
	[SK_OFFSET] = { "offset", false },
	[SK_SIZE] = { "size", false },
};

/* The words after NAME KIND CONTROLLER: key=value, and the bare word scratch. */
static void read_storage_words(struct parser *p, struct scenario_storage *st)
{
	char *keys[32];
	size_t n = 0;
	const char *v[ARRAY_SIZE(storage_keys)];

	for (size_t w = 3; w < p->n_words && n < ARRAY_SIZE(keys); w++) {
		if (strcmp(p->words[w], "scratch") != 0)
			keys[n++] = p->words[w];
		else if (st->scratch)
			ERROR(p, "duplicate word 'scratch'");
		else
			st->scratch = true;
	}
	if (!parser_read_keys(p, keys, n, storage_keys, ARRAY_SIZE(storage_keys), "storage lines", v))
		return;
	uint64_t nsid;
	if (parser_read_number(p, "nsid", v[SK_NSID], &nsid)) {
		if (nsid == 0 || nsid >= 0xffffffffULL)
			ERROR(p, "nsid %s is out of range (expected 1 to 0xfffffffe)", v[SK_NSID]);
		else
			st->nsid = (uint32_t)nsid;
	}
	if (v[SK_OFFSET])
		parser_read_offset(p, v[SK_OFFSET], &st->offset);
	if (v[SK_SIZE] && parser_read_size(p, "size", v[SK_SIZE], &st->size) &&
	    st->size % STORAGE_ALIGN) {
		ERROR(p, "storage size %s is not a multiple of 4K", v[SK_SIZE]);
		st->size = 0;
	}
}

void parse_storage(struct parser *p)
{
	struct scenario *sc = p->sc;
	struct scenario_storage st = { .line = p->line };
	char why[160];

	if (p->n_words < 3) {
		ERROR(p, "incomplete storage line (expected " STORAGE_USAGE ")");
		return;
	}
	const char *name = p->words[0];
	if (parser_check_name(p, "storage", name)) {
		for (size_t i = 0; i < sc->n_storages; i++)
			if (strcmp(sc->storages[i].name, name) == 0)
				ERROR(p, "duplicate storage name '%s' (the first is at line %d)", name,
				      sc->storages[i].line);
	}
	if (strcmp(p->words[1], "nvme") != 0)
		ERROR(p, "unknown storage kind '%s' (expected nvme)", p->words[1]);
	if (!storage_controller_ok(p->words[2], why, sizeof(why)))
		ERROR(p, "%s", why);
	else
		snprintf(st.controller, sizeof(st.controller), "%s", p->words[2]);
	read_storage_words(p, &st);

	if (sc->n_storages == SCENARIO_MAX_STORAGES) {
		ERROR(p, "too many storage lines (at most %d)", SCENARIO_MAX_STORAGES);
		return;
	}
	/* A bad line is still recorded so steps naming it report nothing more. */
	if (strlen(name) < SCENARIO_NAME_MAX)
		snprintf(st.name, sizeof(st.name), "%s", name);
	sc->storages[sc->n_storages++] = st;
}

static void keep_name(char *into, const char *value)
{
	if (value)
		snprintf(into, SCENARIO_NAME_MAX, "%s", value);
}

/* sizes= and iodepths=, and size= a multiple of every block size. */
static bool read_matrix(struct parser *p, const char *sizes, const char *iodepths,
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

static bool read_io_size(struct parser *p, const char *text, const struct io_matrix *m,
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

/* Keys of `step NAME fio ...`, in the order the README lists them. */
enum fio_key { FK_STORAGE, FK_BUFFER, FK_SIZES, FK_IODEPTHS, FK_SIZE, FK_ENGINE, FK_RW, FK_OFFSET,
	       FK_TIMEOUT };

static const struct key_spec fio_keys[] = {
	[FK_STORAGE] = { "storage", true },
	[FK_BUFFER] = { "buffer", true },
	[FK_SIZES] = { "sizes", true },
	[FK_IODEPTHS] = { "iodepths", true },
	[FK_SIZE] = { "size", true },
	[FK_ENGINE] = { "engine", false },
	[FK_RW] = { "rw", false },
	[FK_OFFSET] = { "offset", false },
	[FK_TIMEOUT] = { "timeout", false },
};

bool parse_fio_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		    struct pending_step *pending)
{
	struct fio_params *f = &step->fio;
	const char *v[ARRAY_SIZE(fio_keys)];
	bool ok = parser_read_keys(p, words, n, fio_keys, ARRAY_SIZE(fio_keys), "fio steps", v);

	f->storage = f->buffer = SCENARIO_NO_INDEX;
	f->engine = FIO_ENGINE_LIBAIO;
	f->rw = FIO_RW_WRITE_READ;
	keep_name(pending->storage, v[FK_STORAGE]);
	keep_name(pending->provider, v[FK_BUFFER]);
	ok &= read_matrix(p, v[FK_SIZES], v[FK_IODEPTHS], &f->matrix);
	if (v[FK_SIZE])
		ok &= read_io_size(p, v[FK_SIZE], &f->matrix, UINT64_MAX, &f->size);
	if (v[FK_ENGINE] && !fio_engine_parse(v[FK_ENGINE], &f->engine)) {
		ERROR(p, "unknown fio engine '%s' (expected libaio or io_uring)", v[FK_ENGINE]);
		ok = false;
	}
	if (v[FK_RW] && !fio_rw_parse(v[FK_RW], &f->rw)) {
		ERROR(p, "unknown rw '%s' (expected write-read or read)", v[FK_RW]);
		ok = false;
	}
	if (v[FK_OFFSET])
		ok &= parser_read_offset(p, v[FK_OFFSET], &f->offset);
	if (v[FK_TIMEOUT]) {
		uint64_t s = 0;

		if (!parser_read_number(p, "timeout", v[FK_TIMEOUT], &s)) {
			ok = false;
		} else if (s < 1 || s > STORAGE_MAX_FIO_TIMEOUT) {
			ERROR(p, "timeout=%s is out of range (1 to %d seconds)", v[FK_TIMEOUT],
			      STORAGE_MAX_FIO_TIMEOUT);
			ok = false;
		} else {
			f->timeout_s = (uint32_t)s;
		}
	}
	return ok;
}

/* Keys of `step NAME nvme-copy ...`, in the order the README lists them. */
enum copy_key { CK_FROM, CK_TO, CK_BUFFER, CK_SIZE, CK_SIZES, CK_IODEPTHS, CK_OFFSET, CK_SEED };

static const struct key_spec copy_keys[] = {
	[CK_FROM] = { "from", true },
	[CK_TO] = { "to", true },
	[CK_BUFFER] = { "buffer", true },
	[CK_SIZE] = { "size", true },
	[CK_SIZES] = { "sizes", true },
	[CK_IODEPTHS] = { "iodepths", true },
	[CK_OFFSET] = { "offset", false },
	[CK_SEED] = { "seed", false },
};

bool parse_copy_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		     struct pending_step *pending)
{
	struct copy_params *c = &step->copy;
	const char *v[ARRAY_SIZE(copy_keys)];
	bool ok = parser_read_keys(p, words, n, copy_keys, ARRAY_SIZE(copy_keys), "nvme-copy steps",
				   v);

	c->from = c->to = c->buffer = SCENARIO_NO_INDEX;
	keep_name(pending->storage, v[CK_FROM]);
	keep_name(pending->to, v[CK_TO]);
	keep_name(pending->provider, v[CK_BUFFER]);
	ok &= read_matrix(p, v[CK_SIZES], v[CK_IODEPTHS], &c->matrix);
	if (v[CK_SIZE])
		ok &= read_io_size(p, v[CK_SIZE], &c->matrix, STORAGE_MAX_COPY_SIZE, &c->size);
	if (v[CK_OFFSET])
		ok &= parser_read_offset(p, v[CK_OFFSET], &c->offset);
	if (v[CK_SEED]) {
		c->has_seed = parser_read_number(p, "seed", v[CK_SEED], &c->seed);
		ok &= c->has_seed;
	}
	return ok;
}

static size_t find_storage(const struct scenario *sc, const char *name)
{
	/* The first declaration counts; later duplicates were reported where they are. */
	for (size_t i = 0; name[0] && i < sc->n_storages; i++)
		if (strcmp(sc->storages[i].name, name) == 0)
			return i;
	return SCENARIO_NO_INDEX;
}

static size_t resolve_storage(struct parser *p, const char *key, const char *name)
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
static size_t resolve_buffer(struct parser *p, const char *name, const struct io_matrix *m,
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
static void check_scratch(struct parser *p, const struct scenario_step *step, size_t storage,
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
static void check_fits(struct parser *p, size_t storage, const char *key, uint64_t offset,
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

static void check_fio_step(struct parser *p, struct scenario_step *step,
			   const struct pending_step *pending)
{
	struct fio_params *f = &step->fio;
	bool buffer_ok;

	f->storage = resolve_storage(p, "storage", pending->storage);
	f->buffer = resolve_buffer(p, pending->provider, &f->matrix, &buffer_ok);
	if (f->rw == FIO_RW_WRITE_READ)
		check_scratch(p, step, f->storage, "rw=write-read writes before it reads");
	check_fits(p, f->storage, "storage", f->offset, f->size);
}

/* Two storage lines may name one namespace: the ranges a copy uses must not overlap. */
static void check_copy_ranges(struct parser *p, const struct scenario_step *step)
{
	const struct copy_params *c = &step->copy;
	const struct scenario_storage *from = &p->sc->storages[c->from];
	const struct scenario_storage *to = &p->sc->storages[c->to];
	uint64_t span = c->size * io_matrix_count(&c->matrix);
	uint64_t a = from->offset + c->offset, b = to->offset + c->offset;

	if (c->from == c->to) {
		ERROR(p, "from= and to= are the same storage '%s' (declare a second storage line for "
		      "another region or namespace)", from->name);
		return;
	}
	if (strcmp(from->controller, to->controller) != 0 || from->nsid != to->nsid || !span)
		return;
	if (a < b + span && b < a + span)
		ERROR(p, "storages '%s' and '%s' are the same namespace and the copy's ranges overlap "
		      "(give them regions of their own with offset= and size=)", from->name,
		      to->name);
}

static void check_copy_step(struct parser *p, struct scenario_step *step,
			    const struct pending_step *pending)
{
	struct copy_params *c = &step->copy;
	uint64_t span = c->size * io_matrix_count(&c->matrix);
	bool buffer_ok;

	c->from = resolve_storage(p, "from", pending->storage);
	c->to = resolve_storage(p, "to", pending->to);
	c->buffer = resolve_buffer(p, pending->provider, &c->matrix, &buffer_ok);
	check_scratch(p, step, c->to, "the copy's destination");
	if (c->has_seed)
		check_scratch(p, step, c->from, "seed= fills the source with a pattern first");
	check_fits(p, c->from, "from", c->offset, span);
	check_fits(p, c->to, "to", c->offset, span);
	if (c->from != SCENARIO_NO_INDEX && c->to != SCENARIO_NO_INDEX)
		check_copy_ranges(p, step);
}

void check_storage_steps(struct parser *p)
{
	struct scenario *sc = p->sc;

	for (size_t i = 0; i < sc->n_steps; i++) {
		struct scenario_step *step = &sc->steps[i];

		if (!step->action_name)
			continue;
		p->line = step->line;
		if (step->action == STEP_FIO)
			check_fio_step(p, step, &p->pending[i]);
		else if (step->action == STEP_NVME_COPY)
			check_copy_step(p, step, &p->pending[i]);
	}
}
