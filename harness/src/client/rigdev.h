/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one client library of the module's uAPI, used by the runner and by
 * the kselftest programs in tests/kmod: the ioctls on /dev/p2prig, one call
 * each. Inputs are passed as arguments so reserved fields are always zero;
 * every call returns 0 or a negative errno. Needs libc and the uAPI only.
 */
#ifndef P2PRIG_RIGDEV_H
#define P2PRIG_RIGDEV_H

#include <stdint.h>

#include "uapi/p2prig.h"

struct rigdev {
	int fd;
};

int rigdev_open(struct rigdev *dev, const char *path);
void rigdev_close(struct rigdev *dev);

/* Any request with a caller-built argument (retried on EINTR): 0 or -errno. */
int rigdev_ioctl(const struct rigdev *dev, unsigned long request, void *arg);

int rigdev_info(const struct rigdev *dev, struct p2prig_info *out);

/* out holds handle, bar and the addresses on success; pci NULL: all zero. */
int rigdev_chunk_alloc(const struct rigdev *dev, uint32_t provider_kind,
		       const struct p2prig_pci_addr *pci, uint64_t size,
		       struct p2prig_chunk_alloc *out);
/* The same, keeping only the handle (0 on failure). */
int rigdev_chunk_new(const struct rigdev *dev, uint32_t provider_kind,
		     const struct p2prig_pci_addr *pci, uint64_t size, uint32_t *chunk);
int rigdev_chunk_free(const struct rigdev *dev, uint32_t chunk);
int rigdev_chunk_io(const struct rigdev *dev, uint32_t chunk, enum p2prig_io_op op,
		    uint64_t offset, void *buf, uint64_t length);

/* out holds handle, p2p_distance, dma_addr and map_ns on success. */
int rigdev_map(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint32_t initiator_kind,
	       const struct p2prig_pci_addr *initiator, enum p2prig_dir dir, uint64_t offset,
	       uint64_t length, struct p2prig_map *out);
/* unmap_ns and xfer_ns may be NULL when the time is not wanted. */
int rigdev_unmap(const struct rigdev *dev, uint32_t mapping, uint64_t *unmap_ns);
/* out holds map_type, p2p_distance and dma_addr on success. */
int rigdev_probe(const struct rigdev *dev, uint32_t chunk, uint32_t initiator_kind,
		 const struct p2prig_pci_addr *initiator, uint64_t offset, struct p2prig_probe *out);
int rigdev_xfer(const struct rigdev *dev, uint32_t mapping, enum p2prig_xfer_dir dir,
		uint64_t offset, void *buf, uint64_t length, uint64_t *xfer_ns);
/* out holds handle, dma_addr, map_ns and flags on success. */
int rigdev_import(const struct rigdev *dev, int dmabuf_fd, uint32_t initiator_kind,
		  const struct p2prig_pci_addr *initiator, enum p2prig_dir dir,
		  struct p2prig_import *out);
int rigdev_export_stats(const struct rigdev *dev, int dmabuf_fd, struct p2prig_export_stats *out);
/*
 * [offset, offset + length) of a chunk as a dma-buf; *dmabuf_fd is the
 * caller's to close, -1 on failure.
 */
int rigdev_export(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint64_t offset,
		  uint64_t length, int *dmabuf_fd);
/* 0 with the exporter's answer for importer in *result, or the ioctl's -errno. */
int rigdev_attach_check(const struct rigdev *dev, int dmabuf_fd,
			const struct p2prig_pci_addr *importer, uint32_t flags, int *result);

/*
 * MAP_BENCH with request's inputs (its outputs and reserved fields zero,
 * as a designated initialiser leaves them): out holds the inputs again and
 * the map and unmap figures, elapsed_ns, first_error and interrupted on
 * success. request and out may be one struct when the request is not
 * sent again.
 */
int rigdev_map_bench(const struct rigdev *dev, const struct p2prig_map_bench *request,
		     struct p2prig_map_bench *out);

#endif
