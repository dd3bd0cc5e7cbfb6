/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's tests need around the ioctls, which they make through
 * rigdev.h (harness/src, the one client library): the virtual lab's devices
 * found with libpci, sysfs knobs and a byte pattern.
 */
#ifndef P2PRIG_TESTS_KMOD_RIG_H
#define P2PRIG_TESTS_KMOD_RIG_H

#include <stddef.h>
#include <stdint.h>

#include "client/rigdev.h"

struct rig_dev {
	struct p2prig_pci_addr addr;
	char bdf[16];			/* "dddd:bb:ss.f" */
};

/* The first function with this vendor:device (and a p2pmem pool if asked). */
int rig_find(uint16_t vendor, uint16_t device, int need_p2pmem,
	     struct rig_dev *out);
/* Every PCI function present, up to @max of them; returns how many. */
unsigned int rig_list(struct rig_dev *out, unsigned int max);
/* A function no device occupies: the last devfn of bus 0xfe. */
void rig_absent(struct rig_dev *out);
/* The function at domain:bus:slot.func, present or not. */
void rig_at(unsigned int domain, unsigned int bus, unsigned int slot,
	    unsigned int func, struct rig_dev *out);

/* Read or write one sysfs (or any) file; 0 or -errno. */
int rig_read_u64(const char *path, uint64_t *value);
int rig_write(const char *path, const char *text);
int rig_p2pmem_available(const struct rig_dev *dev, uint64_t *bytes);
/* Start and length of BAR @bar from the device's sysfs resource file. */
int rig_bar_extent(const struct rig_dev *dev, int bar, uint64_t *start,
		   uint64_t *len);
/* Unbind or bind the device from or to the named driver. */
int rig_driver(const struct rig_dev *dev, const char *driver, int bind);
/* Whether  is bound to  now. */
int rig_bound_to(const struct rig_dev *dev, const char *driver);
/*
 * Hand  to  (NULL: to the driver its IDs match) by
 * driver_override; -ENODEV if  did not take it.
 */
int rig_hand_over(const struct rig_dev *dev, const char *driver);

/* The first line of a file, without its newline; "" when unreadable. */
void rig_read_line(const char *path, char *buf, size_t size);
/* Whether the device's DMA goes through a translating IOMMU domain. */
int rig_iommu_translates(const struct rig_dev *dev);
/* Whether the kernel was booted with swiotlb=force. */
int rig_swiotlb_forced(void);
/*
 * Why edu cannot move bytes through a mapping with these MAP/IMPORT flags
 * in QEMU, or NULL: QEMU sends all device DMA through its IOMMU, which
 * faults on a bus address. Bytes do move with --config vlab-switch-iommu-pt
 * or vlab-switch-noiommu.
 */
const char *rig_no_data_reason(uint32_t flags);
/* IMPORT @dbuf for @edu, both ways: the import most tests make. */
int rig_import_edu(const struct rigdev *dev, int dbuf,
		   const struct rig_dev *edu, struct p2prig_import *imp);
/* A map method's name as the runner writes it: "p2p-page". */
const char *rig_method_name(uint32_t method);
/* Seconds on the monotonic clock. */
double rig_now_s(void);

/* A byte pattern that differs per seed and per offset. */
void rig_fill(unsigned char *buf, size_t length, unsigned int seed);

#endif
