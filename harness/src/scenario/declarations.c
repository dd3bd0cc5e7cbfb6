// SPDX-License-Identifier: GPL-2.0
/*
 * The lines that describe a scenario rather than a step: describe, config,
 * nodes, require, provider and initiator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_parser.h"
#include "uapi/p2prig.h"
#include "util/numparse.h"

static void check_selector(struct parser *p, const char *text, struct selector *out)
{
	const char *libpci_says;

	if (selector_parse(text, out, &libpci_says))
		return;
	if (libpci_says)
		ERROR(p, "bad selector '%s' (libpci: %s; expected %s)", text, libpci_says,
		      SELECTOR_SYNTAX);
	else
		ERROR(p, "bad selector '%s' (expected %s)", text, SELECTOR_SYNTAX);
}

void parse_describe(struct parser *p)
{
	struct scenario *sc = p->sc;

	if (sc->description) {
		ERROR(p, "duplicate 'describe' (the first is at line %d)", sc->describe_line);
		return;
	}
	if (!*p->rest) {
		ERROR(p, "'describe' needs one sentence saying what the scenario shows");
		return;
	}
	sc->description = strdup(p->rest);
	sc->describe_line = p->line;
}

/* The rig configuration (configs/NAME_defconfig) the scenario is written for. */
void parse_config(struct parser *p)
{
	struct scenario *sc = p->sc;

	if (sc->config_line) {
		ERROR(p, "duplicate 'config' (the first is at line %d)", sc->config_line);
		return;
	}
	if (p->n_words != 1) {
		ERROR(p, "'config' needs one NAME (a configs/NAME_defconfig)");
		return;
	}
	if (!parser_check_name(p, "config", p->words[0]))
		return;
	snprintf(sc->config, sizeof(sc->config), "%s", p->words[0]);
	sc->config_line = p->line;
}

/* How many guests run the scenario: one, or a server and a client joined by a link. */
void parse_nodes(struct parser *p)
{
	struct scenario *sc = p->sc;
	uint64_t n;

	if (sc->nodes_line) {
		ERROR(p, "duplicate 'nodes' (the first is at line %d)", sc->nodes_line);
		return;
	}
	if (p->n_words != 1) {
		ERROR(p, "'nodes' needs one number N (1, or 2: a server and a client guest)");
		return;
	}
	if (!parse_number(p->words[0], &n) || n < 1 || n > SCENARIO_MAX_NODES) {
		ERROR(p, "bad node count '%s' (expected 1, or 2: a server and a client guest)",
		      p->words[0]);
		return;
	}
	sc->nodes = (unsigned int)n;
	sc->nodes_line = p->line;
}

void parse_require(struct parser *p)
{
	static const char usage[] = "require kernel VERSION";
	struct scenario *sc = p->sc;

	if (p->n_words == 0 || strcmp(p->words[0], "kernel") != 0) {
		ERROR(p, "unknown requirement '%s' (expected %s)",
		      p->n_words ? p->words[0] : "", usage);
		return;
	}
	if (p->n_words < 2) {
		ERROR(p, "'require kernel' needs a VERSION (e.g. 6.18)");
		return;
	}
	if (!parser_no_more_words(p, 2, usage))
		return;
	struct kversion v;
	if (!kversion_parse(p->words[1], &v) || strlen(p->words[1]) >= sizeof(sc->min_kernel_text)) {
		ERROR(p, "bad kernel version '%s' (expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 6.18)",
		      p->words[1]);
		return;
	}
	if (sc->requires_kernel) {
		ERROR(p, "duplicate 'require kernel'");
		return;
	}
	sc->requires_kernel = true;
	sc->min_kernel = v;
	snprintf(sc->min_kernel_text, sizeof(sc->min_kernel_text), "%s", p->words[1]);
}

void parse_provider(struct parser *p)
{
	static const char usage[] = "provider NAME KIND SELECTOR size=SIZE (RAM: provider NAME ram size=SIZE)";
	struct scenario *sc = p->sc;
	struct scenario_provider prov = { .line = p->line };

	if (!PARSER_NEW_DECLARATION(p, "provider", usage, 0, sc->providers, sc->n_providers))
		return;
	prov.kind = provider_kind_find(p->words[1]);
	if (!prov.kind)
		parser_unknown_kind(p, "provider kind", p->words[1], provider_kind_choices);
	/* System RAM has no device to select. */
	size_t keys_at = 3;
	if (prov.kind && !prov.kind->peer) {
		keys_at = 2;
		const char *w = p->words[2];
		if (!strchr(w, '=') || strncmp(w, "id=", 3) == 0 || strncmp(w, "slot=", 5) == 0) {
			ERROR(p, "provider kind %s is system RAM and takes no SELECTOR, got '%s'",
			      prov.kind->name, w);
			keys_at = 3;
		}
	} else {
		check_selector(p, p->words[2], &prov.selector);
	}
	uint64_t max_size = prov.kind ? prov.kind->max_size : P2PRIG_MAX_CHUNK_SIZE;

	const char *values[1];
	if (parser_read_keys(p, p->words + keys_at, p->n_words - keys_at, "size", 1,
			     "provider lines", values) &&
	    parser_read_size(p, "size", values[0], &prov.size)) {
		char limit[SIZE_TEXT_MAX], size[SIZE_TEXT_MAX];
		format_size(max_size, limit, sizeof(limit));
		format_size(prov.size, size, sizeof(size));
		/* A size the module would refuse is left 0: steps then skip the size check. */
		if (prov.size % SCENARIO_PAGE_SIZE) {
			ERROR(p, "provider size %s is not a multiple of 4K (peer memory comes in pages)",
			      size);
			prov.size = 0;
		} else if (prov.size > max_size) {
			ERROR(p, "provider size %s is larger than the module lends for %s (%s)", size,
			      prov.kind ? prov.kind->name : "any kind", limit);
			prov.size = 0;
		}
	}

	if (!parser_room_for_one_more(p, sc->n_providers, SCENARIO_MAX_PROVIDERS, "providers"))
		return;
	/* A bad provider is still recorded so steps naming it report nothing more. */
	parser_name_declaration(prov.name, p->words[0]);
	sc->providers[sc->n_providers++] = prov;
}

void parse_initiator(struct parser *p)
{
	static const char usage[] = "initiator NAME KIND SELECTOR";
	struct scenario *sc = p->sc;
	struct scenario_initiator init = { .line = p->line };

	if (!PARSER_NEW_DECLARATION(p, "initiator", usage, 3, sc->initiators, sc->n_initiators))
		return;
	init.kind = initiator_kind_find(p->words[1]);
	if (!init.kind)
		parser_unknown_kind(p, "initiator kind", p->words[1], initiator_kind_choices);
	check_selector(p, p->words[2], &init.selector);

	if (!parser_room_for_one_more(p, sc->n_initiators, SCENARIO_MAX_INITIATORS, "initiators"))
		return;
	parser_name_declaration(init.name, p->words[0]);
	sc->initiators[sc->n_initiators++] = init;
}

/* The first of N declarations, STRIDE bytes apart, whose name is NAME. */
static size_t first_declared(const char *first_name, size_t stride, size_t n, const char *name)
{
	for (size_t i = 0; name[0] && i < n; i++)
		if (strcmp(first_name + i * stride, name) == 0)
			return i;
	return SCENARIO_NO_INDEX;
}

/* Later duplicates were reported where they are declared. */
size_t parser_find_provider(struct parser *p, const char *name)
{
	const struct scenario *sc = p->sc;
	size_t i = first_declared(sc->providers[0].name, sizeof(sc->providers[0]), sc->n_providers,
				  name);

	if (name[0] && i == SCENARIO_NO_INDEX)
		ERROR(p, "unknown provider '%s' (declare it with a provider line)", name);
	return i;
}

size_t parser_find_initiator(struct parser *p, const char *name)
{
	const struct scenario *sc = p->sc;
	size_t i = first_declared(sc->initiators[0].name, sizeof(sc->initiators[0]),
				  sc->n_initiators, name);

	if (name[0] && i == SCENARIO_NO_INDEX)
		ERROR(p, "unknown initiator '%s' (declare it with an initiator line)", name);
	return i;
}
