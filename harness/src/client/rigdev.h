/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's ioctls on /dev/p2prig, one call each. Inputs are passed as
 * arguments so reserved fields are always zero; every call returns 0 or a
 * negative errno.
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

int rigdev_info(const struct rigdev *dev, struct p2prig_info *out);

/* out holds handle, bar and the addresses on success. */
int rigdev_chunk_alloc(const struct rigdev *dev, uint32_t provider_kind,
		       const struct p2prig_pci_addr *pci, uint64_t size,
		       struct p2prig_chunk_alloc *out);
int rigdev_chunk_free(const struct rigdev *dev, uint32_t chunk);
int rigdev_chunk_io(const struct rigdev *dev, uint32_t chunk, enum p2prig_io_op op,
		    uint64_t offset, void *buf, uint64_t length);

/* out holds handle, p2p_distance, dma_addr and map_ns on success. */
int rigdev_map(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint32_t initiator_kind,
	       const struct p2prig_pci_addr *initiator, enum p2prig_dir dir, uint64_t offset,
	       uint64_t length, struct p2prig_map *out);
int rigdev_unmap(const struct rigdev *dev, uint32_t mapping, uint64_t *unmap_ns);
/* out holds map_type, p2p_distance and dma_addr on success. */
int rigdev_probe(const struct rigdev *dev, uint32_t chunk, uint32_t initiator_kind,
		 const struct p2prig_pci_addr *initiator, uint64_t offset, struct p2prig_probe *out);
int rigdev_xfer(const struct rigdev *dev, uint32_t mapping, enum p2prig_xfer_dir dir,
		uint64_t offset, void *buf, uint64_t length, uint64_t *xfer_ns);
/* [offset, offset + length) of a chunk as a dma-buf; *dmabuf_fd is the caller's to close. */
/* out holds handle, dma_addr, map_ns and flags on success. */
int rigdev_import(const struct rigdev *dev, int dmabuf_fd, uint32_t initiator_kind,
		  const struct p2prig_pci_addr *initiator, enum p2prig_dir dir,
		  struct p2prig_import *out);
int rigdev_export_stats(const struct rigdev *dev, int dmabuf_fd, struct p2prig_export_stats *out);
int rigdev_export(const struct rigdev *dev, uint32_t chunk, uint32_t method, uint64_t offset,
		  uint64_t length, int *dmabuf_fd);

/* MAP_BENCH's inputs (struct p2prig_map_bench). */
struct rigdev_bench_args {
	uint32_t chunk, method, initiator_kind, dir;
	struct p2prig_pci_addr initiator;
	uint64_t granule, iterations;
	uint32_t duration_ms, threads;
};

/* out holds the map and unmap figures, elapsed_ns, first_error and interrupted on success. */
int rigdev_map_bench(const struct rigdev *dev, const struct rigdev_bench_args *in,
		     struct p2prig_map_bench *out);

#endif
