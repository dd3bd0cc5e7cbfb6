// SPDX-License-Identifier: GPL-2.0
/* The NVMe inventory as a readable table. */
#include "system/nvme_inventory.h"

#include <inttypes.h>
#include <stdio.h>

/* "64 MiB", "1.5 GiB", "4096 B": exact when it can be. */
static void size_text(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	double value = (double)bytes;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && value >= 1024) {
		value /= 1024;
		u++;
	}
	if (value == (double)(uint64_t)value)
		snprintf(buf, size, "%" PRIu64 " %s", (uint64_t)value, units[u]);
	else
		snprintf(buf, size, "%.2f %s", value, units[u]);
}

static void print_cmb(FILE *to, const struct nvme_ctrl_info *c)
{
	const struct nvme_cmb_info *cmb = &c->cmb;
	char size[32], unit[32];

	if (!c->cmb_source[0]) {
		fprintf(to, "    CMB    unknown (%s)\n", c->regs_error);
		return;
	}
	if (!cmb->present) {
		fprintf(to, "    CMB    none\n");
		return;
	}
	if (cmb->size_unit_reserved) {
		fprintf(to, "    CMB    size unit %u reserved", cmb->szu);
	} else {
		size_text(cmb->size_bytes, size, sizeof(size));
		size_text(cmb->size_unit_bytes, unit, sizeof(unit));
		fprintf(to, "    CMB    %s in BAR%u at +0x%" PRIx64 " (unit %s)", size, cmb->bir,
			cmb->offset_bytes, unit);
	}
	fprintf(to, " %s%s%s%s%s [cmbloc 0x%08x cmbsz 0x%08x, %s]\n", cmb->sqs ? " SQS" : "",
		cmb->cqs ? " CQS" : "", cmb->lists ? " LISTS" : "", cmb->rds ? " RDS" : "",
		cmb->wds ? " WDS" : "", cmb->cmbloc, cmb->cmbsz, c->cmb_source);
}

static void print_pmr(FILE *to, const struct nvme_ctrl_info *c)
{
	const struct nvme_pmr_info *pmr = &c->pmr;

	if (!c->regs_read)
		fprintf(to, "    PMR    unknown\n");
	else if (!pmr->present)
		fprintf(to, "    PMR    none\n");
	else
		fprintf(to, "    PMR    BAR%u%s%s [pmrcap 0x%08x]\n", pmr->bir,
			pmr->rds ? " RDS" : "", pmr->wds ? " WDS" : "", pmr->pmrcap);
}

static void print_ctrl(FILE *to, const struct nvme_ctrl_info *c)
{
	char size[32];

	fprintf(to, "  %-8s %s %s  serial '%s'  model '%s'  firmware '%s'\n", c->name,
		c->transport[0] ? c->transport : "?", c->address[0] ? c->address : "-", c->serial,
		c->model, c->firmware);
	if (c->identified) {
		fprintf(to, "    id     vid %04x ssvid %04x", c->vid, c->ssvid);
		if (c->mdts_bytes) {
			size_text(c->mdts_bytes, size, sizeof(size));
			fprintf(to, "  mdts %s", size);
		}
		fprintf(to, "\n");
	} else {
		fprintf(to, "    id     not identified (%s)\n", c->identify_error);
	}
	if (c->regs_read)
		fprintf(to, "    CAP    0x%016" PRIx64 "\n", c->cap);
	else
		fprintf(to, "    CAP    unread (%s)\n", c->regs_error);
	print_cmb(to, c);
	print_pmr(to, c);
	if (!c->n_ns)
		fprintf(to, "    no namespaces\n");
	for (size_t i = 0; i < c->n_ns; i++) {
		size_text(c->ns[i].size_bytes, size, sizeof(size));
		fprintf(to, "    ns %-4u %-12s %-10s %s, %u-byte LBAs\n", c->ns[i].nsid,
			c->ns[i].name, size, c->ns[i].dev_path, c->ns[i].lba_bytes);
	}
}

void nvme_inventory_print(FILE *to, const struct nvme_inventory *inv)
{
	if (!inv->n_ctrls) {
		fprintf(to, "  no NVMe controllers\n");
		return;
	}
	for (size_t i = 0; i < inv->n_ctrls; i++)
		print_ctrl(to, &inv->ctrls[i]);
}
