// SPDX-License-Identifier: GPL-2.0
/* Storage lines resolved through the NVMe inventory (libnvme). */
#include "actions/storage/storage.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

/* A reason that may be cut short: vsnprintf, so the compiler does not object to truncation. */
__attribute__((format(printf, 3, 4)))
static void set_unusable(struct storage_state *out, enum step_verdict verdict,
			 const char *fmt, ...)
{
	va_list ap;

	out->unusable_verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(out->unusable, sizeof(out->unusable), fmt, ap);
	va_end(ap);
}

void storage_ref_from_line(const struct scenario_storage *s, struct storage_ref_report *ref)
{
	memset(ref, 0, sizeof(*ref));
	snprintf(ref->name, sizeof(ref->name), "%s", s->name);
	snprintf(ref->selector, sizeof(ref->selector), "%s", s->controller);
	ref->nsid = s->nsid;
	ref->scratch = s->scratch;
	ref->region_offset = s->offset;
	ref->region_bytes = s->size;
}

void storage_resolve(const struct nvme_inventory *inv, const char *scan_error,
		     const struct scenario_storage *s, struct storage_state *out)
{
	struct storage_ref_report *ref = &out->ref;
	const struct nvme_ctrl_info *ctrl = NULL;
	char why[160];

	memset(out, 0, sizeof(*out));
	storage_ref_from_line(s, ref);
	out->unusable_verdict = VERDICT_SKIP;
	if (!inv) {
		set_unusable(out, VERDICT_SKIP, "storage %s: the NVMe scan failed: %s", s->name,
			     scan_error);
		return;
	}
	const struct nvme_ns_info *ns = nvme_inventory_find_ns(inv, s->controller, s->nsid, &ctrl,
							       why, sizeof(why));
	if (!ns) {
		set_unusable(out, VERDICT_SKIP,
			     "storage %s (%s nsid=%u): %s; %zu NVMe controller%s on this machine",
			     s->name, s->controller, s->nsid, why, inv->n_ctrls,
			     inv->n_ctrls == 1 ? "" : "s");
		return;
	}
	snprintf(ref->device, sizeof(ref->device), "%s", ns->dev_path);
	snprintf(ref->controller, sizeof(ref->controller), "%s", ctrl->name);
	snprintf(ref->pci, sizeof(ref->pci), "%s", ctrl->address);
	snprintf(ref->serial, sizeof(ref->serial), "%s", ctrl->serial);
	ref->namespace_bytes = ns->size_bytes;
	ref->lba_bytes = ns->lba_bytes;
	if (!ref->region_bytes && s->offset < ns->size_bytes)
		ref->region_bytes = ns->size_bytes - s->offset;
	if (s->offset >= ns->size_bytes || ref->region_bytes > ns->size_bytes - s->offset) {
		char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX], c[SIZE_TEXT_MAX];
		format_size(s->offset, a, sizeof(a));
		format_size(s->size, b, sizeof(b));
		format_size(ns->size_bytes, c, sizeof(c));
		set_unusable(out, VERDICT_FAIL,
			     "storage %s: offset %s + size %s runs past the end of %s (%s)", s->name,
			     a, b, ns->dev_path, c);
		return;
	}
	if (ns->lba_bytes && STORAGE_ALIGN % ns->lba_bytes) {
		set_unusable(out, VERDICT_SKIP,
			     "storage %s: %s has %u-byte blocks; the rig does I/O in 4K pages",
			     s->name, ns->dev_path, ns->lba_bytes);
		return;
	}
	ref->resolved = out->resolved = true;
	out->unusable_verdict = VERDICT_PASS;
}
