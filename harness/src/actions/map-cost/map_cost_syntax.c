// SPDX-License-Identifier: GPL-2.0
/* The words of a map-cost step: methods, granules, direction. */
#include "actions/map-cost/map_cost_syntax.h"

#include <stdio.h>
#include <string.h>

#include "scenario/kinds.h"
#include "util/comma_list.h"
#include "util/names.h"
#include "util/numparse.h"
#include "uapi/p2prig.h"

static const struct map_cost_method_info methods[MAP_COST_METHODS] = {
	[MAP_COST_MMIO] = { "mmio", P2PRIG_METHOD_MMIO, true },
	[MAP_COST_RESOURCE] = { "resource", P2PRIG_METHOD_RESOURCE, true },
	[MAP_COST_IOVA_LINK] = { "iova-link", P2PRIG_METHOD_IOVA_LINK, true },
	[MAP_COST_P2P_PAGE] = { "p2p-page", P2PRIG_METHOD_P2P_PAGE, true },
	[MAP_COST_RAM] = { "ram", P2PRIG_METHOD_PAGE, false },
	[MAP_COST_MMIO_HOST] = { "mmio-host", P2PRIG_METHOD_MMIO_HOST, true },
	[MAP_COST_RESOURCE_HOST] = { "resource-host", P2PRIG_METHOD_RESOURCE_HOST, true },
	[MAP_COST_IOVA_LINK_HOST] = { "iova-link-host", P2PRIG_METHOD_IOVA_LINK_HOST, true },
};

const struct map_cost_method_info *map_cost_method_info(enum map_cost_method m)
{
	return (size_t)m < MAP_COST_METHODS ? &methods[m] : NULL;
}

bool map_cost_method_parse(const char *name, enum map_cost_method *out)
{
	for (size_t i = 0; i < MAP_COST_METHODS; i++) {
		if (strcmp(methods[i].name, name) == 0) {
			*out = (enum map_cost_method)i;
			return true;
		}
	}
	return false;
}

bool map_cost_has_method(const struct map_cost_params *m, enum map_cost_method method)
{
	for (size_t i = 0; i < m->n_methods; i++)
		if (m->methods[i] == method)
			return true;
	return false;
}

static bool read_method(const char *item, uint64_t *value, char *why, size_t why_size)
{
	enum map_cost_method m;

	if (!map_cost_method_parse(item, &m)) {
		snprintf(why, why_size, "unknown map-cost method '%s' (expected mmio, resource, "
			 "iova-link, p2p-page, ram, mmio-host, resource-host or iova-link-host)",
			 item);
		return false;
	}
	*value = m;
	return true;
}

bool map_cost_methods_parse(const char *text, enum map_cost_method *out, size_t *n, char *why,
			    size_t why_size)
{
	uint64_t read[MAP_COST_METHODS];
	struct comma_list_result r;

	*n = 0;
	if (comma_list_count(text) > MAP_COST_METHODS) {
		snprintf(why, why_size, "too many methods in '%s' (each of the %d at most once)",
			 text, MAP_COST_METHODS);
		return false;
	}
	comma_list_read(text, read_method, read, MAP_COST_METHODS, n, why, why_size, &r);
	for (size_t i = 0; i < *n; i++)
		out[i] = (enum map_cost_method)read[i];
	if (r.fault == COMMA_LIST_REPEATED)
		snprintf(why, why_size, "method %s is listed twice", r.item);
	return r.fault == COMMA_LIST_OK;
}

static bool read_granule(const char *item, uint64_t *g, char *why, size_t why_size)
{
	if (parse_size(item, g) && *g >= MAP_COST_MIN_GRANULE && *g <= MAP_COST_MAX_GRANULE &&
	    *g % MAP_COST_MIN_GRANULE == 0)
		return true;
	snprintf(why, why_size, "bad granule '%s' (expected a multiple of 4K from 4K to 2M)", item);
	return false;
}

bool map_cost_granules_parse(const char *text, uint64_t *out, size_t *n, char *why,
			     size_t why_size)
{
	struct comma_list_result r;

	*n = 0;
	if (comma_list_count(text) > MAP_COST_MAX_GRANULES) {
		snprintf(why, why_size, "too many granules in '%s' (at most %d)", text,
			 MAP_COST_MAX_GRANULES);
		return false;
	}
	comma_list_read(text, read_granule, out, MAP_COST_MAX_GRANULES, n, why, why_size, &r);
	if (r.fault == COMMA_LIST_REPEATED)
		snprintf(why, why_size, "granule %s is listed twice", r.item);
	return r.fault == COMMA_LIST_OK;
}

NAMED_ENUM(map_cost_dir, uint32_t, [P2PRIG_DIR_BIDIRECTIONAL] = "bidirectional",
	   [P2PRIG_DIR_TO_DEVICE] = "to-device", [P2PRIG_DIR_FROM_DEVICE] = "from-device")
