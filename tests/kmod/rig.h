/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's tests need around the ioctls: the virtual lab's devices
 * found with libpci, sysfs knobs, and one-line wrappers that return -errno.
 */
#ifndef P2PRIG_TESTS_KMOD_RIG_H
#define P2PRIG_TESTS_KMOD_RIG_H

#include <stddef.h>
#include <stdint.h>

#include "uapi/p2prig.h"

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

int rig_ioctl(int fd, unsigned long request, void *arg);
/* From the nvme CMB of @provider, or from system RAM when it is NULL. */
int rig_alloc(int fd, const struct rig_dev *provider, uint64_t size,
	      uint32_t *handle);
/* From  as provider kind  (enum p2prig_provider_kind). */
int rig_alloc_from(int fd, uint32_t kind, const struct rig_dev *provider,
		   uint64_t size, uint32_t *handle);
int rig_chunk_io(int fd, uint32_t chunk, uint32_t op, uint64_t offset,
		 void *buf, uint64_t length);
int rig_map(int fd, uint32_t chunk, uint32_t method,
	    const struct rig_dev *initiator, uint32_t dir, uint64_t offset,
	    uint64_t length, struct p2prig_map *out);
int rig_probe(int fd, uint32_t chunk, const struct rig_dev *initiator,
	      uint64_t offset, struct p2prig_probe *out);
int rig_unmap(int fd, uint32_t mapping);
int rig_free(int fd, uint32_t chunk);
int rig_xfer(int fd, uint32_t mapping, uint32_t dir, uint64_t offset,
	     void *buf, uint64_t length);

/* dma-bufs (uAPI 3). rig_export() stores the new dma-buf's fd in *dbuf. */
int rig_export(int fd, uint32_t chunk, uint32_t method, uint64_t offset,
	       uint64_t length, int *dbuf);
int rig_export_stats(int fd, int dbuf, struct p2prig_export_stats *out);
int rig_import(int fd, int dbuf, const struct rig_dev *initiator,
	       uint32_t dir, struct p2prig_import *out);
/* 0 with the exporter's answer in *result, or the ioctl's -errno. */
int rig_attach_check(int fd, int dbuf, const struct rig_dev *dev,
		     uint32_t flags, int *result);
int rig_info(int fd, struct p2prig_info *out);

/* A byte pattern that differs per seed and per offset. */
void rig_fill(unsigned char *buf, size_t length, unsigned int seed);

#endif
