// SPDX-License-Identifier: GPL-2.0
/*
 * `step NAME transfer ...` and `step NAME dmabuf ...` lines: their keys
 * (scenarios/README.md, "transfer steps"), and at the end of the file the
 * provider and initiator they name. A dmabuf step takes the same keys, its
 * method= a dma-buf export method.
 */
#include "actions/transfer/transfer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_parser.h"
#include "util/numparse.h"

/* Keys of `step NAME transfer ...`, in the order the README lists them. */
enum transfer_key {
	TK_PROVIDER, TK_INITIATOR, TK_METHOD, TK_SIZE, TK_PIECE, TK_SEED, TK_OFFSET, TK_REPEAT,
	TK_WARMUP, TK_VLAB_BUS_ADDR, TRANSFER_KEYS };

static const char transfer_key_list[] =
	"provider initiator method size piece seed [offset] [map-repeat] [warmup] [vlab-bus-addr]";

/* A count of map/unmap pairs for KEY, 0 to max. */
static bool read_pairs(struct parser *p, const char *key, const char *text, uint32_t max,
		       uint32_t *out)
{
	uint64_t n;

	if (!parser_read_number(p, key, text, &n))
		return false;
	if (n > max) {
		ERROR(p, "%s %" PRIu64 " is too large (at most %" PRIu32 ")", key, n, max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

/* Reads what the line alone can tell; references are checked at the end. */
bool transfer_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
			 struct pending_step *pending, bool dma_buf)
{
	struct transfer_params *t = &step->transfer;
	const char *v[TRANSFER_KEYS];
	bool ok = parser_read_keys(p, words, n, transfer_key_list, TRANSFER_KEYS, "transfer steps",
				   v);

	t->provider = t->initiator = SCENARIO_NO_INDEX;
	t->map_repeat = SCENARIO_DEFAULT_MAP_REPEAT;
	t->warmup = SCENARIO_DEFAULT_WARMUP;
	parser_keep_name(pending->provider, v[TK_PROVIDER]);
	parser_keep_name(pending->initiator, v[TK_INITIATOR]);
	if (v[TK_METHOD] && dma_buf) {
		t->export_method = export_method_kind_find(v[TK_METHOD]);
		if (!t->export_method)
			ok = parser_unknown_kind(p, "dma-buf export method", v[TK_METHOD],
						 export_method_kind_choices);
	} else if (v[TK_METHOD]) {
		t->method = method_kind_find(v[TK_METHOD]);
		if (!t->method)
			ok = parser_unknown_kind(p, "method", v[TK_METHOD], method_kind_choices);
	}
	if (v[TK_SIZE])
		ok &= parser_read_size(p, "size", v[TK_SIZE], &t->size);
	if (v[TK_PIECE])
		ok &= parser_read_size(p, "piece", v[TK_PIECE], &t->piece);
	if (v[TK_SEED])
		ok &= parser_read_number(p, "seed", v[TK_SEED], &t->seed);
	if (v[TK_REPEAT])
		ok &= read_pairs(p, "map-repeat", v[TK_REPEAT], SCENARIO_MAX_MAP_REPEAT,
				 &t->map_repeat);
	if (v[TK_WARMUP])
		ok &= read_pairs(p, "warmup", v[TK_WARMUP], SCENARIO_MAX_WARMUP, &t->warmup);
	if (v[TK_VLAB_BUS_ADDR] && !strcmp(v[TK_VLAB_BUS_ADDR], "run")) {
		t->vlab_bus_addr_run = true;
	} else if (v[TK_VLAB_BUS_ADDR] && strcmp(v[TK_VLAB_BUS_ADDR], "skip")) {
		ERROR(p, "vlab-bus-addr '%s': expected skip or run", v[TK_VLAB_BUS_ADDR]);
		ok = false;
	}
	if (v[TK_OFFSET])
		ok &= parser_read_offset(p, v[TK_OFFSET], &t->offset);
	if (t->size && t->piece && t->size % t->piece) {
		char size[SIZE_TEXT_MAX], piece[SIZE_TEXT_MAX];
		format_size(t->size, size, sizeof(size));
		format_size(t->piece, piece, sizeof(piece));
		ERROR(p, "piece %s does not divide size %s", piece, size);
		ok = false;
	}
	return ok;
}

void transfer_check_refs(struct parser *p, struct scenario_step *step,
			 const struct pending_step *pending, bool dma_buf)
{
	struct scenario *sc = p->sc;
	struct transfer_params *t = &step->transfer;
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];

	t->provider = parser_find_provider(p, pending->provider);
	t->initiator = parser_find_initiator(p, pending->initiator);

	if (t->provider != SCENARIO_NO_INDEX && t->size) {
		const struct scenario_provider *prov = &sc->providers[t->provider];
		if (prov->size && t->size > prov->size) {
			format_size(t->size, a, sizeof(a));
			format_size(prov->size, b, sizeof(b));
			ERROR(p, "size %s is larger than provider '%s' (size=%s)", a, prov->name, b);
		} else if (prov->size && t->offset > prov->size - t->size) {
			char c[SIZE_TEXT_MAX];
			format_size(t->offset, a, sizeof(a));
			format_size(t->size, b, sizeof(b));
			format_size(prov->size, c, sizeof(c));
			ERROR(p, "offset %s + size %s runs past the end of provider '%s' (size=%s)", a,
			      b, prov->name, c);
		}
	}
	if (t->provider != SCENARIO_NO_INDEX && dma_buf) {
		const struct scenario_provider *prov = &sc->providers[t->provider];
		if (prov->kind && !prov->kind->peer)
			ERROR(p, "a dmabuf step exports peer memory, but provider '%s' is system RAM",
			      prov->name);
	}
	if (t->provider != SCENARIO_NO_INDEX && t->method) {
		const struct scenario_provider *prov = &sc->providers[t->provider];
		if (prov->kind && prov->kind->peer != t->method->peer)
			ERROR(p, "method %s maps %s, but provider '%s' is %s (%s)", t->method->name,
			      t->method->peer ? "peer memory" : "system RAM", prov->name,
			      prov->kind->peer ? "peer memory" : "system RAM",
			      prov->kind->peer ? "use mmio, resource or p2p-page" : "use page");
	}
	if (t->initiator != SCENARIO_NO_INDEX && t->piece) {
		const struct scenario_initiator *init = &sc->initiators[t->initiator];
		if (init->kind && t->piece > init->kind->window) {
			format_size(t->piece, a, sizeof(a));
			format_size(init->kind->window, b, sizeof(b));
			ERROR(p, "piece %s is larger than the %s initiator's window (%s)", a,
			      init->kind->name, b);
		}
	}
}
