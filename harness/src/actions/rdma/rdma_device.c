// SPDX-License-Identifier: GPL-2.0
/* Opening a verbs device and choosing the address a loopback pair uses. */
#include "actions/rdma/rdma_device.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "a, b, c" of the devices present, for a reason that names what exists. */
static void list_names(struct ibv_device **list, int n, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
			 ibv_get_device_name(list[i]));
	}
}

static struct ibv_context *open_by_name(const char *name, struct rdma_problem *problem)
{
	int n = 0;
	struct ibv_device **list = ibv_get_device_list(&n);
	struct ibv_context *ctx = NULL;
	char names[160];

	if (!list) {
		rdma_problem_set(problem, VERDICT_SKIP,
				 "RDMA device %s: no verbs devices (%s; is ib_uverbs loaded?)", name,
				 strerror(errno));
		return NULL;
	}
	for (int i = 0; i < n && !ctx; i++) {
		if (strcmp(ibv_get_device_name(list[i]), name) != 0)
			continue;
		ctx = ibv_open_device(list[i]);
		if (!ctx)
			rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_open_device: %s",
					 name, strerror(errno));
	}
	if (!ctx && !problem->set) {
		list_names(list, n, names, sizeof(names));
		rdma_problem_set(problem, VERDICT_SKIP, "RDMA device %s: not present (%s%s)", name,
				 n ? "devices: " : "no verbs devices", names);
	}
	ibv_free_device_list(list);
	return ctx;
}

/* Higher is better: RoCE v2 over IPv4 (::ffff:a.b.c.d), RoCE v2, RoCE v1, IB. */
static int gid_rank(const struct ibv_gid_entry *e)
{
	static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (e->gid_type == IBV_GID_TYPE_ROCE_V2)
		return memcmp(e->gid.raw, v4_mapped, sizeof(v4_mapped)) == 0 ? 4 : 3;
	return e->gid_type == IBV_GID_TYPE_ROCE_V1 ? 2 : 1;
}

static bool choose_gid(struct rdma_device *dev, struct rdma_problem *problem)
{
	int best_rank = 0;

	for (int i = 0; i < dev->port_attr.gid_tbl_len; i++) {
		struct ibv_gid_entry e;

		/* Empty slots answer ENODATA. */
		if (ibv_query_gid_ex(dev->ctx, dev->port, (uint32_t)i, &e, 0))
			continue;
		if (gid_rank(&e) > best_rank) {
			best_rank = gid_rank(&e);
			dev->gid_index = i;
			dev->gid = e.gid;
		}
	}
	if (best_rank == 0) {
		rdma_problem_set(problem, VERDICT_SKIP,
				 "RDMA device %s port %u: no GID (is its netdev up with an address?)",
				 dev->name, dev->port);
		return false;
	}
	return true;
}

bool rdma_device_open(const char *name, struct rdma_device *dev, struct rdma_problem *problem)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->port = RDMA_PORT;
	dev->gid_index = -1;

	dev->ctx = open_by_name(name, problem);
	if (!dev->ctx)
		return false;
	if (ibv_query_device(dev->ctx, &dev->attr)) {
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_query_device: %s", name,
				 strerror(errno));
		goto close_device;
	}
	if (ibv_query_port(dev->ctx, dev->port, &dev->port_attr)) {
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_query_port %u: %s", name,
				 dev->port, strerror(errno));
		goto close_device;
	}
	if (dev->port_attr.state != IBV_PORT_ACTIVE) {
		rdma_problem_set(problem, VERDICT_SKIP, "RDMA device %s port %u is not active (%s)",
				 name, dev->port, ibv_port_state_str(dev->port_attr.state));
		goto close_device;
	}
	dev->use_grh = dev->port_attr.link_layer == IBV_LINK_LAYER_ETHERNET;
	if (dev->use_grh && !choose_gid(dev, problem))
		goto close_device;
	dev->pd = ibv_alloc_pd(dev->ctx);
	if (!dev->pd) {
		rdma_problem_set(problem, VERDICT_FAIL, "RDMA device %s: ibv_alloc_pd: %s", name,
				 strerror(errno));
		goto close_device;
	}
	return true;

close_device:
	ibv_close_device(dev->ctx);
	dev->ctx = NULL;
	return false;
}

void rdma_device_close(struct rdma_device *dev)
{
	if (dev->pd)
		ibv_dealloc_pd(dev->pd);
	if (dev->ctx)
		ibv_close_device(dev->ctx);
	dev->pd = NULL;
	dev->ctx = NULL;
}

const char *rdma_device_link_layer(const struct rdma_device *dev)
{
	return dev->port_attr.link_layer == IBV_LINK_LAYER_ETHERNET ? "Ethernet" : "InfiniBand";
}

void rdma_gid_text(const union ibv_gid *gid, char *buf, size_t size)
{
	if (!inet_ntop(AF_INET6, gid->raw, buf, (socklen_t)size))
		snprintf(buf, size, "%s", "");
}

void rdma_device_gid_text(const struct rdma_device *dev, char *buf, size_t size)
{
	if (dev->use_grh)
		rdma_gid_text(&dev->gid, buf, size);
	else
		snprintf(buf, size, "%s", "");
}

uint32_t rdma_mtu_bytes(enum ibv_mtu mtu)
{
	return mtu >= IBV_MTU_256 && mtu <= IBV_MTU_4096 ? 128u << mtu : 0;
}
