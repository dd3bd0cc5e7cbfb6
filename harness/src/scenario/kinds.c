// SPDX-License-Identifier: GPL-2.0
/* Names of provider kinds, initiator kinds and methods. */
#include "scenario/kinds.h"

#include <stdio.h>
#include <string.h>

#include "uapi/p2prig.h"
#include "util/array_size.h"


static const struct provider_kind provider_kinds[] = {
	{ "nvme-cmb", P2PRIG_PROVIDER_NVME_CMB, true, P2PRIG_MAX_CHUNK_SIZE, false },
	{ "bar", P2PRIG_PROVIDER_BAR, true, P2PRIG_MAX_CHUNK_SIZE, true },
	{ "ram", P2PRIG_PROVIDER_RAM, false, P2PRIG_MAX_RAM_CHUNK_SIZE, false },
};

static const struct initiator_kind initiator_kinds[] = {
	{ "edu", P2PRIG_INITIATOR_EDU, P2PRIG_MAX_XFER_SIZE },
};

static const struct method_kind method_kinds[] = {
	{ "mmio", P2PRIG_METHOD_MMIO, true, P2PRIG_POLICY_P2PDMA, true },
	{ "resource", P2PRIG_METHOD_RESOURCE, true, P2PRIG_POLICY_P2PDMA, true },
	{ "p2p-page", P2PRIG_METHOD_P2P_PAGE, true, P2PRIG_POLICY_DMA_LAYER, false },
	{ "page", P2PRIG_METHOD_PAGE, false, P2PRIG_POLICY_DMA_LAYER, false },
	{ "iova-link", P2PRIG_METHOD_IOVA_LINK, true, P2PRIG_POLICY_P2PDMA, false },
	{ "mmio-host", P2PRIG_METHOD_MMIO_HOST, true, P2PRIG_POLICY_HOST, true },
	{ "resource-host", P2PRIG_METHOD_RESOURCE_HOST, true, P2PRIG_POLICY_HOST, true },
	{ "iova-link-host", P2PRIG_METHOD_IOVA_LINK_HOST, true, P2PRIG_POLICY_HOST, false },
};

static const struct export_method_kind export_method_kinds[] = {
	{ "mmio", P2PRIG_EXPORT_MMIO },
	{ "resource", P2PRIG_EXPORT_RESOURCE },
	{ "phys-vec", P2PRIG_EXPORT_PHYS_VEC },
	{ "mmio-host", P2PRIG_EXPORT_MMIO_HOST },
	{ "resource-host", P2PRIG_EXPORT_RESOURCE_HOST },
};

#define FIND(table, name)						\
	do {								\
		for (size_t i = 0; i < ARRAY_SIZE(table); i++)		\
			if (strcmp(table[i].name, name) == 0)		\
				return &table[i];			\
		return NULL;						\
	} while (0)

#define CHOICES(table, buf, size)					\
	do {								\
		buf[0] = '\0';						\
		for (size_t i = 0; i < ARRAY_SIZE(table); i++)		\
			choices_append(buf, size, i, ARRAY_SIZE(table),	\
				       table[i].name);			\
		return buf;						\
	} while (0)

const struct provider_kind *provider_kind_find(const char *name)
{
	FIND(provider_kinds, name);
}

const struct initiator_kind *initiator_kind_find(const char *name)
{
	FIND(initiator_kinds, name);
}

const struct method_kind *method_kind_find(const char *name)
{
	FIND(method_kinds, name);
}

const struct export_method_kind *export_method_kind_find(const char *name)
{
	FIND(export_method_kinds, name);
}

const char *export_method_kind_choices(char *buf, size_t size)
{
	CHOICES(export_method_kinds, buf, size);
}

const char *provider_kind_choices(char *buf, size_t size)
{
	CHOICES(provider_kinds, buf, size);
}

const char *initiator_kind_choices(char *buf, size_t size)
{
	CHOICES(initiator_kinds, buf, size);
}

const char *method_kind_choices(char *buf, size_t size)
{
	CHOICES(method_kinds, buf, size);
}

void choices_append(char *buf, size_t size, size_t i, size_t n, const char *name)
{
	const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
	size_t used = strlen(buf);

	if (used < size)
		snprintf(buf + used, size - used, "%s%s", sep, name);
}

const char *map_type_name(uint32_t map_type)
{
	static const char *const names[] = {
		[P2PRIG_MAP_TYPE_UNKNOWN] = "UNKNOWN",
		[P2PRIG_MAP_TYPE_NOT_SUPPORTED] = "NOT_SUPPORTED",
		[P2PRIG_MAP_TYPE_BUS_ADDR] = "BUS_ADDR",
		[P2PRIG_MAP_TYPE_THRU_HOST_BRIDGE] = "THRU_HOST_BRIDGE",
	};

	return map_type < ARRAY_SIZE(names) ? names[map_type] : "UNKNOWN";
}

const char *route_name(uint32_t route)
{
	static const char *const names[] = {
		[P2PRIG_ROUTE_NONE] = "NONE",
		[P2PRIG_ROUTE_BUS_ADDR] = "BUS_ADDR",
		[P2PRIG_ROUTE_HOST_BRIDGE] = "HOST_BRIDGE",
	};

	return route < ARRAY_SIZE(names) ? names[route] : "NONE";
}
