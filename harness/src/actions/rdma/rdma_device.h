/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One verbs device opened for a step: its context, a protection domain,
 * port 1 and the address both QPs of a loopback pair use (LID, and on
 * RoCE a GID: RoCE v2 over IPv4 when the table has one, as rdma_cm would
 * pick for an IPv4 peer).
 */
#ifndef P2PRIG_RDMA_DEVICE_H
#define P2PRIG_RDMA_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "actions/rdma/rdma_problem.h"

#define RDMA_PORT 1

struct rdma_device {
	char name[64];
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_device_attr attr;
	struct ibv_port_attr port_attr;
	uint8_t port;
	bool use_grh;			/* RoCE: address by GID, not LID */
	int gid_index;			/* -1 when !use_grh */
	union ibv_gid gid;
};

/*
 * Opens NAME; a device that is absent or whose port is not active is a
 * skip with the reason, anything else that goes wrong a failure. On a
 * problem nothing stays open.
 */
bool rdma_device_open(const char *name, struct rdma_device *dev, struct rdma_problem *problem);
void rdma_device_close(struct rdma_device *dev);

/* "Ethernet" or "InfiniBand". */
const char *rdma_device_link_layer(const struct rdma_device *dev);
/* A GID as inet_ntop prints an IPv6 address. */
void rdma_gid_text(const union ibv_gid *gid, char *buf, size_t size);
/* The device's GID so, or "" when it has none in use (InfiniBand). */
void rdma_device_gid_text(const struct rdma_device *dev, char *buf, size_t size);
/* enum ibv_mtu in bytes. */
uint32_t rdma_mtu_bytes(enum ibv_mtu mtu);

#endif
