// SPDX-License-Identifier: GPL-2.0
/*
 * `step NAME rdma ...` lines: their keys (scenarios/README.md, "rdma
 * steps"), and at the end of the file the provider memory=dmabuf exports.
 * rdma_syntax.c parses the values.
 */
#include "actions/rdma/rdma.h"
#include "actions/rdma/rdma_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_parser.h"
#include "util/numparse.h"

/* Keys of `step NAME rdma ...`, in the order the README lists them. */
enum rdma_key {
	RK_DEVICE, RK_OP, RK_MEMORY, RK_PROVIDER, RK_METHOD, RK_SIZES, RK_ITERATIONS, RK_SEED,
	RK_TX_DEPTH, RDMA_KEYS };

static const char rdma_key_list[] =
	"device op memory [provider] [method] sizes iterations seed [tx-depth]";

/* memory=dmabuf needs provider= and method=; memory=host takes neither. */
static bool check_rdma_memory_keys(struct parser *p, struct rdma_params *r, const char *provider,
				   const char *method)
{
	if (r->memory == RDMA_MEMORY_HOST) {
		if (provider || method) {
			ERROR(p, "memory=host takes no %s (only memory=dmabuf exports a provider's chunk)",
			      provider ? "provider=" : "method=");
			return false;
		}
		return true;
	}
	if (!provider || !method) {
		ERROR(p, "memory=dmabuf needs %s (the chunk to export and how)",
		      !provider && !method ? "provider= and method=" : !provider ? "provider=" : "method=");
		return false;
	}
	r->method = export_method_kind_find(method);
	if (!r->method)
		return parser_unknown_kind(p, "dma-buf export method", method,
					   export_method_kind_choices);
	return true;
}

bool rdma_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		     struct pending_step *pending)
{
	struct rdma_params *r = &step->rdma;
	const char *v[RDMA_KEYS];
	bool ok = parser_read_keys(p, words, n, rdma_key_list, RDMA_KEYS, "rdma steps", v);
	char why[256];

	r->provider = SCENARIO_NO_INDEX;
	r->tx_depth = RDMA_DEFAULT_TX_DEPTH;
	if (v[RK_DEVICE]) {
		if (rdma_device_name_ok(v[RK_DEVICE])) {
			snprintf(r->device, sizeof(r->device), "%s", v[RK_DEVICE]);
		} else {
			ERROR(p, "bad RDMA device name '%s' (expected a verbs device such as rxe0 or "
			      "mlx5_0: letters, digits, '_', '.', '-', at most %d characters)",
			      v[RK_DEVICE], RDMA_DEVICE_NAME_MAX - 1);
			ok = false;
		}
	}
	if (v[RK_OP] && !rdma_op_parse(v[RK_OP], &r->op))
		ok = parser_unknown(p, "rdma op", v[RK_OP], "write or read");
	if (v[RK_MEMORY]) {
		if (!rdma_memory_parse(v[RK_MEMORY], &r->memory))
			ok = parser_unknown(p, "rdma memory", v[RK_MEMORY], "host or dmabuf");
		else
			ok &= check_rdma_memory_keys(p, r, v[RK_PROVIDER], v[RK_METHOD]);
	}
	parser_keep_name(pending->provider, v[RK_PROVIDER]);
	if (v[RK_SIZES] && !rdma_sizes_parse(v[RK_SIZES], r->sizes, &r->n_sizes, why, sizeof(why))) {
		ERROR(p, "%s", why);
		ok = false;
	}
	if (v[RK_ITERATIONS])
		ok &= parser_read_count(p, "iterations", v[RK_ITERATIONS], 1, RDMA_MAX_ITERATIONS,
					&r->iterations);
	if (v[RK_SEED])
		ok &= parser_read_number(p, "seed", v[RK_SEED], &r->seed);
	if (v[RK_TX_DEPTH])
		ok &= parser_read_count(p, "tx-depth", v[RK_TX_DEPTH], 1, RDMA_MAX_TX_DEPTH,
					&r->tx_depth);
	return ok;
}

/* A dma-buf step's provider: declared, peer memory, and big enough for every size. */
void rdma_check_refs(struct parser *p, struct scenario_step *step,
		     const struct pending_step *pending)
{
	struct scenario *sc = p->sc;
	struct rdma_params *r = &step->rdma;
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];

	r->provider = parser_find_provider(p, pending->provider);
	if (r->provider == SCENARIO_NO_INDEX)
		return;
	const struct scenario_provider *prov = &sc->providers[r->provider];
	if (prov->kind && !prov->kind->peer)
		ERROR(p, "memory=dmabuf exports peer memory, but provider '%s' is system RAM",
		      prov->name);
	uint64_t largest = rdma_params_max_size(r);
	if (prov->size && largest > prov->size) {
		format_size(largest, a, sizeof(a));
		format_size(prov->size, b, sizeof(b));
		ERROR(p, "size %s is larger than provider '%s' (size=%s)", a, prov->name, b);
	}
}
