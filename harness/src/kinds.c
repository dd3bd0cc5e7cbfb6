// SPDX-License-Identifier: GPL-2.0
/* Names of provider kinds, initiator kinds and methods. */
#include "kinds.h"

#include <stdio.h>
#include <string.h>

#include "uapi/p2prig.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct provider_kind provider_kinds[] = {
	{ "nvme-cmb", P2PRIG_PROVIDER_NVME_CMB },
};

static const struct initiator_kind initiator_kinds[] = {
	{ "edu", P2PRIG_INITIATOR_EDU, P2PRIG_MAX_XFER_SIZE },
};

static const struct method_kind method_kinds[] = {
	{ "mmio", P2PRIG_METHOD_MMIO },
	{ "resource", P2PRIG_METHOD_RESOURCE },
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
