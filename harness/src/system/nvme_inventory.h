/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVMe controllers and namespaces of this machine as libnvme sees them
 * (nvme_scan_topology, Identify Controller / Namespace through libnvme),
 * with each PCIe controller's CMB and PMR decoded from its registers
 * (CAP, CMBLOC, CMBSZ, PMRCAP) by libnvme's field macros, or, where BAR0
 * cannot be mapped, the CMB from the nvme driver's sysfs cmb attribute. The doctor
 * prints it, result.json records it, and scenario `storage` lines are
 * resolved against it.
 */
#ifndef P2PRIG_NVME_INVENTORY_H
#define P2PRIG_NVME_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario/selector.h"

struct json_object;

#define NVME_INV_MAX_CTRLS	16
#define NVME_INV_MAX_NS		16
#define NVME_INV_NAME_MAX	32	/* "nvme0", "nvme0n1" */
#define NVME_INV_TEXT_MAX	64

/* CMBLOC and CMBSZ, decoded (NVMe base spec, Controller Memory Buffer). */
struct nvme_cmb_info {
	bool present;			/* CAP.CMBS or CMBSZ non-zero */
	uint32_t cmbloc, cmbsz;		/* raw register values */
	uint32_t bir;			/* BAR indicator */
	uint64_t offset_bytes;		/* CMBLOC.OFST in bytes */
	uint64_t size_bytes;		/* CMBSZ.SZ x SZU */
	uint64_t size_unit_bytes;	/* 4 KiB .. 64 GiB; 0 when SZU is reserved */
	uint32_t szu;			/* CMBSZ.SZU as read */
	bool size_unit_reserved;	/* SZU > 6: size and offset unknown */
	bool sqs, cqs, lists, rds, wds;	/* what the CMB may hold */
};

/* PMRCAP, decoded (Persistent Memory Region). */
struct nvme_pmr_info {
	bool present;			/* CAP.PMRS */
	uint32_t pmrcap;
	uint32_t bir;
	bool rds, wds;
};

struct nvme_ns_info {
	char name[NVME_INV_NAME_MAX];	/* "nvme1n2" */
	char dev_path[NVME_INV_TEXT_MAX];	/* "/dev/nvme1n2" */
	uint32_t nsid;
	uint64_t size_bytes;		/* NSZE x LBA size */
	uint32_t lba_bytes;
};

struct nvme_ctrl_info {
	char name[NVME_INV_NAME_MAX];	/* "nvme0" */
	char transport[16];		/* "pcie" */
	char address[PCI_ADDRESS_TEXT_MAX];	/* "0000:03:00.0" for PCIe, else "" */
	char serial[24], model[48], firmware[12];
	bool identified;		/* Identify Controller answered: vid, ssvid, mdts */
	char identify_error[NVME_INV_TEXT_MAX];
	uint16_t vid, ssvid;
	uint32_t mdts_bytes;		/* 0: no limit reported */
	uint64_t cap;			/* the CAP register, 0 when unread */
	bool regs_read;			/* cap, cmb and pmr are known */
	char regs_error[NVME_INV_TEXT_MAX];	/* why not, when !regs_read */
	/* "bar0" (registers read), "sysfs" (the driver's cmb attribute), "" */
	char cmb_source[8];
	struct nvme_cmb_info cmb;
	struct nvme_pmr_info pmr;
	size_t n_ns;
	struct nvme_ns_info ns[NVME_INV_MAX_NS];
};

struct nvme_inventory {
	size_t n_ctrls;
	struct nvme_ctrl_info ctrls[NVME_INV_MAX_CTRLS];
};

/*
 * Scans with libnvme. Returns 0, or -1 with the reason in err (no NVMe
 * at all is not an error: n_ctrls is 0).
 */
int nvme_inventory_scan(struct nvme_inventory *inv, char *err, size_t err_size);

/*
 * The namespace NSID of the controller that CTRL_SEL names, or NULL.
 * CTRL_SEL is "serial=SERIAL", "slot=DOMAIN:BUS:DEV.FN" (or BUS:DEV.FN), or
 * "name=nvmeN". On NULL, why is set ("no controller with serial=x",
 * "nvme1 has no namespace 3").
 */
const struct nvme_ns_info *nvme_inventory_find_ns(const struct nvme_inventory *inv,
						  const char *ctrl_sel, uint32_t nsid,
						  const struct nvme_ctrl_info **ctrl,
						  char *why, size_t why_size);

/* Decoders of raw register values (pure; unit-tested). */
void nvme_cmb_decode(uint64_t cap, uint32_t cmbloc, uint32_t cmbsz, struct nvme_cmb_info *out);
void nvme_pmr_decode(uint64_t cap, uint32_t pmrcap, struct nvme_pmr_info *out);

/* {"controllers": [...]} with stable field names (results/README.md). */
struct json_object *nvme_inventory_json(const struct nvme_inventory *inv);

/* The readable table of `p2prig nvme` and the doctor: one block per controller. */
void nvme_inventory_print(FILE *to, const struct nvme_inventory *inv);

#endif
