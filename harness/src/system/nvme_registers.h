/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few NVMe controller registers the inventory decodes, read from a
 * PCIe controller's BAR0 through sysfs (libnvme has no register reader
 * for PCIe; nvme-cli's show-regs maps resource0 the same way).
 */
#ifndef P2PRIG_NVME_REGISTERS_H
#define P2PRIG_NVME_REGISTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nvme_registers {
	uint64_t cap;
	uint32_t cmbloc, cmbsz;
	uint32_t pmrcap;
};

/*
 * Maps RESOURCE_PATH (a BAR0 file such as /sys/bus/pci/devices/BDF/resource0,
 * or any file laid out like one) read-only and reads the registers. Returns
 * 0, or -1 with the reason in err.
 */
int nvme_registers_read(const char *resource_path, struct nvme_registers *out, char *err,
			size_t err_size);

/*
 * CMBLOC and CMBSZ as the nvme driver read them at probe and prints them
 * in CTRL_SYSFS_DIR/cmb ("cmbloc : 0x00000062", older kernels "x00000062").
 * The attribute is there only when CMBSZ read non-zero. Returns 0,
 * -ENOENT when there is no attribute, -EINVAL when it does not parse.
 */
int nvme_registers_read_cmb_attr(const char *ctrl_sysfs_dir, uint32_t *cmbloc, uint32_t *cmbsz);

#endif
