// SPDX-License-Identifier: GPL-2.0
/* ioctl wrappers over /dev/p2prig: libc and the uAPI header only. */
#include "rigdev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int rigdev_ioctl(const struct rigdev *dev, unsigned long request, void *arg)
{
	int rc;

	do
		rc = ioctl(dev->fd, request, arg);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : 0;
}

int rigdev_open(struct rigdev *dev, const char *path)
{
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	return dev->fd < 0 ? -errno : 0;
}

void rigdev_close(struct rigdev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int rigdev_info(const struct rigdev *dev, struct p2prig_info *out)
{
	memset(out, 0, sizeof(*out));
	return rigdev_ioctl(dev, P2PRIG_IOC_INFO, out);
}

int rigdev_chunk_alloc(const struct rigdev *dev, uint32_t provider_kind,
		       const struct p2prig_pci_addr *pci, uint64_t size,
		       struct p2prig_chunk_alloc *out)
{
	memset(out, 0, sizeof(*out));
	out->provider = provider_kind;
	if (pci)
		out->pci = *pci;
	out->size = size;
	return rigdev_ioctl(dev, P2PRIG_IOC_CHUNK_ALLOC, out);
}

int rigdev_chunk_new(const struct rigdev *dev, uint32_t provider_kind,
		     const struct p2prig_pci_addr *pci, uint64_t size, uint32_t *chunk)
{
	struct p2prig_chunk_alloc arg;
	int rc = rigdev_chunk_alloc(dev, provider_kind, pci, size, &arg);

	*chunk = arg.handle;
	return rc;
}

int rigdev_chunk_free(const struct rigdev *dev, uint32_t chunk)
{
	struct p2prig_handle arg = { .handle = chunk };

	return rigdev_ioctl(dev, P2PRIG_IOC_CHUNK_FREE, &arg);
}

int rigdev_chunk_io(const struct rigdev *dev, uint32_t chunk, enum p2prig_io_op op,
		    uint64_t offset, void *buf, uint64_t length)
{
	struct p2prig_chunk_io arg = {
		.handle = chunk,
		.op = op,
		.offset = offset,
		.length = length,
		.user_ptr = (uintptr_t)buf,
	};

	return rigdev_ioctl(dev, P2PRIG_IOC_CHUNK_IO, &arg);
}

int rigdev_map(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint32_t initiator_kind,
	       const struct p2prig_pci_addr *initiator, enum p2prig_dir dir, uint64_t offset,
	       uint64_t length, struct p2prig_map *out)
{
	memset(out, 0, sizeof(*out));
	out->chunk = chunk;
	out->method = method;
	out->initiator = initiator_kind;
	out->dir = dir;
	out->pci = *initiator;
	out->offset = offset;
	out->length = length;
	return rigdev_ioctl(dev, P2PRIG_IOC_MAP, out);
}

int rigdev_unmap(const struct rigdev *dev, uint32_t mapping, uint64_t *unmap_ns)
{
	struct p2prig_unmap arg = { .handle = mapping };
	int rc = rigdev_ioctl(dev, P2PRIG_IOC_UNMAP, &arg);

	if (rc == 0 && unmap_ns)
		*unmap_ns = arg.unmap_ns;
	return rc;
}

int rigdev_xfer(const struct rigdev *dev, uint32_t mapping, enum p2prig_xfer_dir dir,
		uint64_t offset, void *buf, uint64_t length, uint64_t *xfer_ns)
{
	struct p2prig_xfer arg = {
		.mapping = mapping,
		.dir = dir,
		.offset = offset,
		.length = length,
		.user_ptr = (uintptr_t)buf,
	};
	int rc = rigdev_ioctl(dev, P2PRIG_IOC_XFER, &arg);

	if (rc == 0 && xfer_ns)
		*xfer_ns = arg.xfer_ns;
	return rc;
}

int rigdev_probe(const struct rigdev *dev, uint32_t chunk, uint32_t initiator_kind,
		 const struct p2prig_pci_addr *initiator, uint64_t offset, struct p2prig_probe *out)
{
	memset(out, 0, sizeof(*out));
	out->chunk = chunk;
	out->initiator = initiator_kind;
	out->pci = *initiator;
	out->offset = offset;
	return rigdev_ioctl(dev, P2PRIG_IOC_PROBE, out);
}

int rigdev_export(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint64_t offset,
		  uint64_t length, int *dmabuf_fd)
{
	struct p2prig_export arg = {
		.chunk = chunk,
		.method = method,
		.offset = offset,
		.length = length,
	};
	int rc = rigdev_ioctl(dev, P2PRIG_IOC_EXPORT, &arg);

	*dmabuf_fd = rc ? -1 : arg.fd;
	return rc;
}

int rigdev_import(const struct rigdev *dev, int dmabuf_fd, uint32_t initiator_kind,
		  const struct p2prig_pci_addr *initiator, enum p2prig_dir dir,
		  struct p2prig_import *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = dmabuf_fd;
	out->initiator = initiator_kind;
	out->pci = *initiator;
	out->dir = dir;
	return rigdev_ioctl(dev, P2PRIG_IOC_IMPORT, out);
}

int rigdev_export_stats(const struct rigdev *dev, int dmabuf_fd, struct p2prig_export_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = dmabuf_fd;
	return rigdev_ioctl(dev, P2PRIG_IOC_EXPORT_STATS, out);
}

int rigdev_map_bench(const struct rigdev *dev, const struct p2prig_map_bench *request,
		     struct p2prig_map_bench *out)
{
	*out = *request;
	return rigdev_ioctl(dev, P2PRIG_IOC_MAP_BENCH, out);
}

int rigdev_attach_check(const struct rigdev *dev, int dmabuf_fd,
			const struct p2prig_pci_addr *importer, uint32_t flags, int *result)
{
	struct p2prig_attach_check arg = {
		.fd = dmabuf_fd,
		.flags = flags,
		.pci = *importer,
	};
	int rc = rigdev_ioctl(dev, P2PRIG_IOC_ATTACH_CHECK, &arg);

	*result = arg.result;
	return rc;
}
