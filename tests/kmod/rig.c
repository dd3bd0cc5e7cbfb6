// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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

int rig_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

int rig_alloc_from(int fd, uint32_t kind, const struct rig_dev *provider,
		   uint64_t size, uint32_t *handle)
{
	struct p2prig_chunk_alloc arg = {
		.provider = kind,
		.pci = provider ? provider->addr : (struct p2prig_pci_addr){ 0 },
		.size = size,
	};
	int rc = rig_ioctl(fd, P2PRIG_IOC_CHUNK_ALLOC, &arg);

	*handle = arg.handle;
	return rc;
}

int rig_alloc(int fd, const struct rig_dev *provider, uint64_t size,
	      uint32_t *handle)
{
	return rig_alloc_from(fd, provider ? P2PRIG_PROVIDER_NVME_CMB :
						 P2PRIG_PROVIDER_RAM,
			      provider, size, handle);
}

int rig_chunk_io(int fd, uint32_t chunk, uint32_t op, uint64_t offset,
		 void *buf, uint64_t length)
{
	struct p2prig_chunk_io arg = {
		.handle = chunk,
		.op = op,
		.offset = offset,
		.length = length,
		.user_ptr = (uintptr_t)buf,
	};

	return rig_ioctl(fd, P2PRIG_IOC_CHUNK_IO, &arg);
}

int rig_map(int fd, uint32_t chunk, uint32_t method,
	    const struct rig_dev *initiator, uint32_t dir, uint64_t offset,
	    uint64_t length, struct p2prig_map *out)
{
	memset(out, 0, sizeof(*out));
	out->chunk = chunk;
	out->method = method;
	out->initiator = P2PRIG_INITIATOR_EDU;
	out->dir = dir;
	out->pci = initiator->addr;
	out->offset = offset;
	out->length = length;
	return rig_ioctl(fd, P2PRIG_IOC_MAP, out);
}

int rig_unmap(int fd, uint32_t mapping)
{
	struct p2prig_unmap arg = { .handle = mapping };

	return rig_ioctl(fd, P2PRIG_IOC_UNMAP, &arg);
}

int rig_free(int fd, uint32_t chunk)
{
	struct p2prig_handle arg = { .handle = chunk };

	return rig_ioctl(fd, P2PRIG_IOC_CHUNK_FREE, &arg);
}

int rig_xfer(int fd, uint32_t mapping, uint32_t dir, uint64_t offset,
	     void *buf, uint64_t length)
{
	struct p2prig_xfer arg = {
		.mapping = mapping,
		.dir = dir,
		.offset = offset,
		.length = length,
		.user_ptr = (uintptr_t)buf,
	};

	return rig_ioctl(fd, P2PRIG_IOC_XFER, &arg);
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

int rig_probe(int fd, uint32_t chunk, const struct rig_dev *initiator,
	      uint64_t offset, struct p2prig_probe *out)
{
	memset(out, 0, sizeof(*out));
	out->chunk = chunk;
	out->initiator = P2PRIG_INITIATOR_EDU;
	out->pci = initiator->addr;
	out->offset = offset;
	return rig_ioctl(fd, P2PRIG_IOC_PROBE, out);
}

int rig_export(int fd, uint32_t chunk, uint32_t method, uint64_t offset,
	       uint64_t length, int *dbuf)
{
	struct p2prig_export arg = {
		.chunk = chunk,
		.method = method,
		.offset = offset,
		.length = length,
		.fd = -1,
	};
	int rc = rig_ioctl(fd, P2PRIG_IOC_EXPORT, &arg);

	*dbuf = rc ? -1 : arg.fd;
	return rc;
}

int rig_export_stats(int fd, int dbuf, struct p2prig_export_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = dbuf;
	return rig_ioctl(fd, P2PRIG_IOC_EXPORT_STATS, out);
}

int rig_import(int fd, int dbuf, const struct rig_dev *initiator,
	       uint32_t dir, struct p2prig_import *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = dbuf;
	out->initiator = P2PRIG_INITIATOR_EDU;
	out->pci = initiator->addr;
	out->dir = dir;
	return rig_ioctl(fd, P2PRIG_IOC_IMPORT, out);
}

int rig_attach_check(int fd, int dbuf, const struct rig_dev *dev,
		     uint32_t flags, int *result)
{
	struct p2prig_attach_check arg = {
		.fd = dbuf,
		.flags = flags,
		.pci = dev->addr,
	};
	int rc = rig_ioctl(fd, P2PRIG_IOC_ATTACH_CHECK, &arg);

	*result = arg.result;
	return rc;
}

int rig_info(int fd, struct p2prig_info *out)
{
	memset(out, 0, sizeof(*out));
	return rig_ioctl(fd, P2PRIG_IOC_INFO, out);
}
