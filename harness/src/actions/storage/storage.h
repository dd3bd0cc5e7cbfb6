/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario's storage line resolved on this machine: the namespace's
 * block device and the region of it the steps use, or why not.
 */
#ifndef P2PRIG_STORAGE_H
#define P2PRIG_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "system/nvme_inventory.h"
#include "results/result.h"
#include "scenario/scenario.h"

struct storage_state {
	bool resolved;
	struct storage_ref_report ref;	/* what result.json says about it */
	/* Why steps using this storage cannot run ("" when they can). */
	enum step_verdict unusable_verdict;
	char unusable[RESULT_TEXT_MAX];
};

/*
 * Resolves S against INV (NULL: the scan failed, scan_error says why).
 * A missing controller or namespace, or a region past the namespace's end,
 * leaves the storage unusable with the reason.
 */
void storage_resolve(const struct nvme_inventory *inv, const char *scan_error,
		     const struct scenario_storage *s, struct storage_state *out);

/* The identity of a storage line before (or without) resolving it. */
void storage_ref_from_line(const struct scenario_storage *s, struct storage_ref_report *ref);

#endif
