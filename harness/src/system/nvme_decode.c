// SPDX-License-Identifier: GPL-2.0
/*
 * CMB and PMR from raw register values, with libnvme's field macros so the
 * bit positions are libnvme's, not ours.
 */
#include "system/nvme_inventory.h"

#include <string.h>

#include <nvme/types.h>

void nvme_cmb_decode(uint64_t cap, uint32_t cmbloc, uint32_t cmbsz, struct nvme_cmb_info *out)
{
	memset(out, 0, sizeof(*out));
	out->cmbloc = cmbloc;
	out->cmbsz = cmbsz;
	/*
	 * Since NVMe 1.4 a controller with CAP.CMBS reports CMBLOC/CMBSZ only
	 * after the host sets CMBMSC.CRE (the nvme driver does at probe), so a
	 * CMB can be present with both registers still zero.
	 */
	out->present = NVME_CAP_CMBS(cap) || cmbsz != 0;
	out->bir = NVME_CMBLOC_BIR(cmbloc);
	out->szu = NVME_CMBSZ_SZU(cmbsz);
	out->sqs = NVME_CMBSZ_SQS(cmbsz);
	out->cqs = NVME_CMBSZ_CQS(cmbsz);
	out->lists = NVME_CMBSZ_LISTS(cmbsz);
	out->rds = NVME_CMBSZ_RDS(cmbsz);
	out->wds = NVME_CMBSZ_WDS(cmbsz);
	/* Reserved units would make nvme_cmb_size() shift past 64 bits. */
	if (out->szu > NVME_CMBSZ_SZU_64G) {
		out->size_unit_reserved = true;
		return;
	}
	/* The size of one unit is the size of a CMB of one unit. */
	out->size_unit_bytes = nvme_cmb_size((uint32_t)(1u << NVME_CMBSZ_SZ_SHIFT) |
					     (out->szu << NVME_CMBSZ_SZU_SHIFT));
	out->size_bytes = nvme_cmb_size(cmbsz);
	/* OFST counts in the units CMBSZ.SZU gives. */
	out->offset_bytes = (uint64_t)NVME_CMBLOC_OFST(cmbloc) * out->size_unit_bytes;
}

void nvme_pmr_decode(uint64_t cap, uint32_t pmrcap, struct nvme_pmr_info *out)
{
	memset(out, 0, sizeof(*out));
	out->present = NVME_CAP_PMRS(cap);
	out->pmrcap = pmrcap;
	out->bir = NVME_PMRCAP_BIR(pmrcap);
	out->rds = NVME_PMRCAP_RDS(pmrcap);
	out->wds = NVME_PMRCAP_WDS(pmrcap);
}
