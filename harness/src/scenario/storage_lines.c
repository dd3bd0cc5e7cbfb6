// SPDX-License-Identifier: GPL-2.0
/*
 * `storage NAME nvme CONTROLLER nsid=N [offset=O] [size=S] [scratch]`
 * lines of a scenario file: the namespaces (or regions of them) that fio
 * and nvme-copy steps name; those steps check their names at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"
#include "scenario/scenario_parser.h"
#include "util/array_size.h"

#define STORAGE_USAGE "storage NAME nvme CONTROLLER nsid=N [offset=O] [size=S] [scratch]"

enum storage_key { SK_NSID, SK_OFFSET, SK_SIZE, STORAGE_KEYS };

static const char storage_key_list[] = "nsid [offset] [size]";

/* The words after NAME KIND CONTROLLER: key=value, and the bare word scratch. */
static void read_storage_words(struct parser *p, struct scenario_storage *st)
{
	char *keys[32];
	size_t n = 0;
	const char *v[STORAGE_KEYS];

	for (size_t w = 3; w < p->n_words && n < ARRAY_SIZE(keys); w++) {
		if (strcmp(p->words[w], "scratch") != 0)
			keys[n++] = p->words[w];
		else if (st->scratch)
			ERROR(p, "duplicate word 'scratch'");
		else
			st->scratch = true;
	}
	if (!parser_read_keys(p, keys, n, storage_key_list, STORAGE_KEYS, "storage lines", v))
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

	if (!PARSER_NEW_DECLARATION(p, "storage", STORAGE_USAGE, 0, sc->storages, sc->n_storages))
		return;
	if (strcmp(p->words[1], "nvme") != 0)
		parser_unknown(p, "storage kind", p->words[1], "nvme");
	if (!storage_controller_ok(p->words[2], why, sizeof(why)))
		ERROR(p, "%s", why);
	else
		snprintf(st.controller, sizeof(st.controller), "%s", p->words[2]);
	read_storage_words(p, &st);

	if (!parser_room_for_one_more(p, sc->n_storages, SCENARIO_MAX_STORAGES, "storage lines"))
		return;
	/* A bad line is still recorded so steps naming it report nothing more. */
	parser_name_declaration(st.name, p->words[0]);
	sc->storages[sc->n_storages++] = st;
}
