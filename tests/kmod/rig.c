// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pci/pci.h>

#include "rig.h"

static void rig_dev_set(struct rig_dev *out, unsigned int domain,
			unsigned int bus, unsigned int slot, unsigned int func)
{
	memset(out, 0, sizeof(*out));
	out->addr.domain = domain;
	out->addr.bus = (uint8_t)bus;
	out->addr.devfn = (uint8_t)((slot << 3) | func);
	snprintf(out->bdf, sizeof(out->bdf), "%04x:%02x:%02x.%x",
		 domain, bus, slot, func);
}

static int has_p2pmem(const char *bdf)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/p2pmem", bdf);
	return access(path, F_OK) == 0;
}

int rig_find(uint16_t vendor, uint16_t device, int need_p2pmem,
	     struct rig_dev *out)
{
	struct pci_access *pacc = pci_alloc();
	struct pci_dev *dev;
	int found = -ENODEV;

	pci_init(pacc);
	pci_scan_bus(pacc);
	for (dev = pacc->devices; dev && found; dev = dev->next) {
		pci_fill_info(dev, PCI_FILL_IDENT);
		if (dev->vendor_id != vendor || dev->device_id != device)
			continue;
		rig_dev_set(out, dev->domain, dev->bus, dev->dev, dev->func);
		if (!need_p2pmem || has_p2pmem(out->bdf))
			found = 0;
	}
	pci_cleanup(pacc);
	return found;
}

unsigned int rig_list(struct rig_dev *out, unsigned int max)
{
	struct pci_access *pacc = pci_alloc();
	struct pci_dev *dev;
	unsigned int n = 0;

	pci_init(pacc);
	pci_scan_bus(pacc);
	for (dev = pacc->devices; dev && n < max; dev = dev->next)
		rig_dev_set(&out[n++], dev->domain, dev->bus, dev->dev,
			    dev->func);
	pci_cleanup(pacc);
	return n;
}

void rig_absent(struct rig_dev *out)
{
	rig_dev_set(out, 0, 0xfe, 0x1f, 7);
}

void rig_at(unsigned int domain, unsigned int bus, unsigned int slot,
	    unsigned int func, struct rig_dev *out)
{
	rig_dev_set(out, domain, bus, slot, func);
}

int rig_read_u64(const char *path, uint64_t *value)
{
	unsigned long long v;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%llu", &v) != 1)
		rc = -EINVAL;
	fclose(f);
	*value = v;
	return rc;
}

int rig_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

int rig_p2pmem_available(const struct rig_dev *dev, uint64_t *bytes)
{
	char path[96];

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/p2pmem/available", dev->bdf);
	return rig_read_u64(path, bytes);
}

int rig_bar_extent(const struct rig_dev *dev, int bar, uint64_t *start,
		   uint64_t *len)
{
	unsigned long long s, e, flags;
	char path[96];
	int i, rc = -EINVAL;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 dev->bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (i = 0; i <= bar; i++) {
		if (fscanf(f, "%llx %llx %llx", &s, &e, &flags) != 3)
			break;
		if (i == bar) {
			*start = s;
			*len = e > s ? e - s + 1 : 0;
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

int rig_driver(const struct rig_dev *dev, const char *driver, int bind)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/%s", driver,
		 bind ? "bind" : "unbind");
	return rig_write(path, dev->bdf);
}

int rig_bound_to(const struct rig_dev *dev, const char *driver)
{
	char path[128], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
		 dev->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	return !strcmp(strrchr(link, '/') + 1, driver);
}

int rig_hand_over(const struct rig_dev *dev, const char *driver)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 dev->bdf);
	if (!access(path, F_OK))
		rig_write(path, dev->bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 dev->bdf);
	rig_write(path, driver ? driver : "\n");
	/* A refused probe may or may not fail the write: look at the result. */
	rig_write("/sys/bus/pci/drivers_probe", dev->bdf);
	return driver && !rig_bound_to(dev, driver) ? -ENODEV : 0;
}

void rig_fill(unsigned char *buf, size_t length, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < length; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
}

void rig_read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int rig_iommu_translates(const struct rig_dev *dev)
{
	char path[128], type[32];

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/iommu_group/type", dev->bdf);
	rig_read_line(path, type, sizeof(type));
	return strncmp(type, "DMA", 3) == 0;
}

int rig_swiotlb_forced(void)
{
	char line[4096];

	rig_read_line("/proc/cmdline", line, sizeof(line));
	return !!strstr(line, "swiotlb=force");
}

const char *rig_no_data_reason(uint32_t flags)
{
	if ((flags & P2PRIG_MAP_F_BUS_ADDR) && !(flags & P2PRIG_MAP_F_DIRECT))
		return "a PCI bus address (BUS_ADDR) behind a translating IOMMU faults in QEMU";
	return NULL;
}

int rig_import_edu(const struct rigdev *dev, int dbuf,
		   const struct rig_dev *edu, struct p2prig_import *imp)
{
	return rigdev_import(dev, dbuf, P2PRIG_INITIATOR_EDU, &edu->addr,
			     P2PRIG_DIR_BIDIRECTIONAL, imp);
}

const char *rig_method_name(uint32_t method)
{
	/* In enum p2prig_method's order, spelled as the runner spells them. */
	static const char *const names[P2PRIG_METHOD_MAX] = {
		"mmio", "resource", "p2p-page", "page", "iova-link",
		"mmio-host", "resource-host", "iova-link-host",
	};

	static_assert(P2PRIG_METHOD_IOVA_LINK_HOST == 7,
		      "names[] follows enum p2prig_method");
	return method < P2PRIG_METHOD_MAX && names[method] ? names[method] : "?";
}

double rig_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
