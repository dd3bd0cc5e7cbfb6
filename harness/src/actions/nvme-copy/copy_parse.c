// SPDX-License-Identifier: GPL-2.0
/* `step NAME nvme-copy ...` lines: their keys, and at the end of the file the names they give. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "actions/nvme-copy/nvme_copy.h"
#include "actions/storage/storage_parse.h"
#include "util/numparse.h"

/* Keys of `step NAME nvme-copy ...`, in the order the README lists them. */
enum copy_key {
	CK_FROM, CK_TO, CK_BUFFER, CK_SIZE, CK_SIZES, CK_IODEPTHS, CK_OFFSET, CK_SEED, COPY_KEYS
};

static const char copy_key_list[] = "from to buffer size sizes iodepths [offset] [seed]";

bool copy_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		     struct pending_step *pending)
{
	struct copy_params *c = &step->copy;
	const char *v[COPY_KEYS];
	bool ok = parser_read_keys(p, words, n, copy_key_list, COPY_KEYS, "nvme-copy steps", v);

	c->from = c->to = c->buffer = SCENARIO_NO_INDEX;
	parser_keep_name(pending->storage, v[CK_FROM]);
	parser_keep_name(pending->to, v[CK_TO]);
	parser_keep_name(pending->provider, v[CK_BUFFER]);
	ok &= storage_read_matrix(p, v[CK_SIZES], v[CK_IODEPTHS], &c->matrix);
	if (v[CK_SIZE])
		ok &= storage_read_io_size(p, v[CK_SIZE], &c->matrix, STORAGE_MAX_COPY_SIZE, &c->size);
	if (v[CK_OFFSET])
		ok &= parser_read_offset(p, v[CK_OFFSET], &c->offset);
	if (v[CK_SEED]) {
		c->has_seed = parser_read_number(p, "seed", v[CK_SEED], &c->seed);
		ok &= c->has_seed;
	}
	return ok;
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

void copy_check_refs(struct parser *p, struct scenario_step *step,
		     const struct pending_step *pending)
{
	struct copy_params *c = &step->copy;
	uint64_t span = c->size * io_matrix_count(&c->matrix);
	bool buffer_ok;

	c->from = storage_resolve_name(p, "from", pending->storage);
	c->to = storage_resolve_name(p, "to", pending->to);
	c->buffer = storage_resolve_buffer(p, pending->provider, &c->matrix, &buffer_ok);
	storage_check_scratch(p, step, c->to, "the copy's destination");
	if (c->has_seed)
		storage_check_scratch(p, step, c->from, "seed= fills the source with a pattern first");
	storage_check_fits(p, c->from, "from", c->offset, span);
	storage_check_fits(p, c->to, "to", c->offset, span);
	if (c->from != SCENARIO_NO_INDEX && c->to != SCENARIO_NO_INDEX)
		check_copy_ranges(p, step);
}
