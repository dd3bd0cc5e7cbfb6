// SPDX-License-Identifier: GPL-2.0
/*
 * Mappings: MAP, UNMAP, PROBE and MAP_BENCH on a file's chunks, and
 * IMPORT of a dma-buf, each a mapping handle of the file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "p2prig.h"

static const enum dma_data_direction p2prig_dma_dirs[] = {
	[P2PRIG_DIR_BIDIRECTIONAL] = DMA_BIDIRECTIONAL,
	[P2PRIG_DIR_TO_DEVICE] = DMA_TO_DEVICE,
	[P2PRIG_DIR_FROM_DEVICE] = DMA_FROM_DEVICE,
};

static_assert(ARRAY_SIZE(p2prig_dma_dirs) == P2PRIG_DIR_MAX);

/*
 * Undo the method's mapping, or unmap and detach an import. The object
 * stays, revoked, until its handle is released; the caller frees it or
 * leaves it to answer -ENODEV. Returns whether the exporter of an import
 * had revoked it already.
 */
bool p2prig_mapping_unmap(struct p2prig_mapping *map, u64 *unmap_ns)
{
	bool exporter_revoked = false;
	u64 start;

	lockdep_assert_held(&p2prig_lock);

	start = ktime_get_ns();
	if (map->attachment) {
		exporter_revoked = p2prig_import_release(map->attachment);
		map->attachment = NULL;
	} else {
		p2prig_route_unmap(map, map->init->dev);
	}
	if (unmap_ns)
		*unmap_ns = ktime_get_ns() - start;

	map->init = NULL;
	map->revoked = true;
	return exporter_revoked;
}

/* Free a mapping whose handle is gone, unmapping it if still live. */
void p2prig_mapping_free(struct p2prig_mapping *map)
{
	lockdep_assert_held(&p2prig_lock);

	if (!map->revoked)
		p2prig_mapping_unmap(map, NULL);
	if (map->chunk)
		map->chunk->nr_mappings--;
	kfree(map);
}

/* Whether MAP's or MAP_BENCH's kinds and direction are in range. */
static bool p2prig_map_kinds_valid(u32 method, u32 initiator, u32 dir)
{
	return method < P2PRIG_METHOD_MAX && initiator < P2PRIG_INITIATOR_MAX &&
	       dir < P2PRIG_DIR_MAX;
}

/* The initiator of kind @kind bound at @pci, or NULL; under p2prig_lock. */
static struct p2prig_initiator *
p2prig_initiator_find(u32 kind, const struct p2prig_pci_addr *pci)
{
	kind = array_index_nospec(kind, P2PRIG_INITIATOR_MAX);
	return p2prig_initiators[kind]->find(pci);
}

/*
 * Give @map, whose method is set, the live chunk behind @handle holding
 * bytes up to @end, the initiator at @pci and the direction, under
 * p2prig_lock. Returns 0, the lookup's error, -ENODEV for an initiator
 * not bound, or -EINVAL for a method that does not fit the chunk.
 */
static int p2prig_map_bind(struct p2prig_file *pf, struct p2prig_mapping *map,
			   u32 handle, u64 end, u32 initiator,
			   const struct p2prig_pci_addr *pci, u32 dir)
{
	struct p2prig_chunk *chunk;

	chunk = p2prig_chunk_lookup(pf, handle, end);
	if (IS_ERR(chunk))
		return PTR_ERR(chunk);
	map->init = p2prig_initiator_find(initiator, pci);
	if (!map->init)
		return -ENODEV;
	/* MMIO attributes on RAM, or RAM's page calls on MMIO, are misuse. */
	if (map->method->peer != chunk->ops->peer)
		return -EINVAL;
	map->chunk = chunk;
	map->dir = p2prig_dma_dirs[array_index_nospec(dir, P2PRIG_DIR_MAX)];
	return 0;
}

/* Hand out a handle for @map, remembered for p2prig_mapping_undo(). */
static int p2prig_mapping_publish(struct p2prig_ucmd *ucmd,
				  struct p2prig_mapping *map, u32 *handle)
{
	int ret;

	ret = xa_alloc(&ucmd->pf->mappings, handle, map, xa_limit_32b,
		       GFP_KERNEL);
	if (ret)
		return ret;
	ucmd->made = map;
	ucmd->handle = *handle;
	return 0;
}

/*
 * MAP or IMPORT could not tell user space its handle: unmap and free the
 * mapping, unless a call on the same file released it meanwhile through a
 * guessed handle.
 */
void p2prig_mapping_undo(struct p2prig_ucmd *ucmd)
{
	struct p2prig_file *pf = ucmd->pf;

	/* Cleanup: not killable. */
	mutex_lock(&p2prig_lock);
	if (xa_load(&pf->mappings, ucmd->handle) == ucmd->made) {
		xa_erase(&pf->mappings, ucmd->handle);
		p2prig_mapping_free(ucmd->made);
	}
	mutex_unlock(&p2prig_lock);
}

int p2prig_ioctl_map(struct p2prig_ucmd *ucmd)
{
	const struct p2prig_method_ops *method;
	struct p2prig_map *arg = ucmd->arg;
	struct p2prig_initiator *init;
	struct p2prig_mapping *map;
	u64 start, end;
	int ret;

	if (!p2prig_map_kinds_valid(arg->method, arg->initiator, arg->dir))
		return -EINVAL;
	if (!arg->length || !PAGE_ALIGNED(arg->offset) ||
	    check_add_overflow(arg->offset, arg->length, &end))
		return -EINVAL;
	method = p2prig_methods[array_index_nospec(arg->method,
						   P2PRIG_METHOD_MAX)];
	if (!method->map)
		return -EOPNOTSUPP;

	map = kzalloc_obj(*map);
	if (!map)
		return -ENOMEM;
	map->method = method;
	map->offset = arg->offset;
	map->length = arg->length;

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(map);
		return -EINTR;
	}
	ret = p2prig_map_bind(ucmd->pf, map, arg->chunk, end, arg->initiator,
			      &arg->pci, arg->dir);
	if (ret)
		goto unlock;
	init = map->init;

	arg->p2p_distance = -1;
	if (map->chunk->pdev)
		arg->p2p_distance = pci_p2pdma_distance(map->chunk->pdev,
							init->dev, false);
	/*
	 * The kernel's rule for the pair's map type, or the method's
	 * deliberate host-bridge route; never a path p2pdma does not trust.
	 */
	ret = p2prig_route_decide(map, init->dev);
	if (ret)
		goto unlock;
	arg->map_type = map->map_type;
	arg->route = map->route;

	/* Never an address beyond the mask; checked outside the timed call. */
	ret = p2prig_route_reach_direct(map, init->dev);
	if (ret)
		goto unlock;

	/* Only ever an address a provider gave us. */
	start = ktime_get_ns();
	ret = p2prig_route_map(map, init->dev);
	arg->map_ns = ktime_get_ns() - start;
	if (ret)
		goto unlock;
	/* p2pdma hands out a bus address without looking at the mask. */
	ret = p2prig_dma_reach(init->dev, map->dma_addr, map->length);
	if (ret)
		goto unmap;
	arg->flags = p2prig_route_map_flags(map, init->dev);

	ret = p2prig_mapping_publish(ucmd, map, &arg->handle);
	if (ret)
		goto unmap;
	map->chunk->nr_mappings++;
	arg->dma_addr = map->dma_addr;

	mutex_unlock(&p2prig_lock);
	return 0;

unmap:
	p2prig_mapping_unmap(map, NULL);
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(map);
	return ret;
}

/* Releases the handle even when the mapping was revoked (-ENODEV). */
int p2prig_ioctl_unmap(struct p2prig_ucmd *ucmd)
{
	struct p2prig_unmap *arg = ucmd->arg;
	struct p2prig_file *pf = ucmd->pf;
	struct p2prig_mapping *map;
	int ret = 0;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	/*
	 * Erase only a handle the file holds: index 0 of an XA_FLAGS_ALLOC1
	 * array holds a reserved entry, and xa_erase() of 0 would free it,
	 * so that the next MAP or IMPORT handed out handle 0.
	 */
	map = xa_load(&pf->mappings, arg->handle);
	if (!map) {
		ret = -EINVAL;
		goto unlock;
	}
	xa_erase(&pf->mappings, arg->handle);
	if (map->revoked || p2prig_mapping_unmap(map, &arg->unmap_ns))
		ret = -ENODEV;
	p2prig_mapping_free(map);
unlock:
	mutex_unlock(&p2prig_lock);
	return ret;
}

/*
 * An import answers -ENODEV once its exporter revoked it, and once its
 * initiator went away; either way UNMAP releases it.
 * A pinned import (P2PRIG_ATTACH_F_PINNED) is never revoked by its exporter.
 */
int p2prig_ioctl_import(struct p2prig_ucmd *ucmd)
{
	struct p2prig_import *arg = ucmd->arg;
	struct p2prig_mapping *map;
	int ret;

	if (arg->initiator >= P2PRIG_INITIATOR_MAX ||
	    arg->dir >= P2PRIG_DIR_MAX ||
	    (arg->attach_flags & ~P2PRIG_ATTACH_F_PINNED))
		return -EINVAL;

	map = kzalloc_obj(*map);
	if (!map)
		return -ENOMEM;

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(map);
		return -EINTR;
	}
	map->init = p2prig_initiator_find(arg->initiator, &arg->pci);
	if (!map->init) {
		ret = -ENODEV;
		goto unlock;
	}
	map->dir = p2prig_dma_dirs[array_index_nospec(arg->dir,
						      P2PRIG_DIR_MAX)];

	ret = p2prig_import_create(map, arg);
	if (ret)
		goto unlock;

	ret = p2prig_mapping_publish(ucmd, map, &arg->handle);
	if (ret)
		goto release;

	mutex_unlock(&p2prig_lock);
	return 0;

release:
	p2prig_import_release(map->attachment);
unlock:
	mutex_unlock(&p2prig_lock);
	kfree(map);
	return ret;
}

/* PROBE on a live chunk: only peer memory has a p2p path to ask about. */
static int p2prig_chunk_probe(struct p2prig_ucmd *ucmd,
			      struct p2prig_chunk *chunk)
{
	struct p2prig_probe *arg = ucmd->arg;
	struct p2prig_initiator *init;
	int ret;

	if (!chunk->pdev)
		return -EINVAL;
	init = p2prig_initiator_find(arg->initiator, &arg->pci);
	if (!init)
		return -ENODEV;

	arg->p2p_distance = pci_p2pdma_distance(chunk->pdev, init->dev, false);
	/* Untranslated, dma-direct would WARN on an address beyond the mask. */
	ret = p2prig_dma_reach_direct(init->dev, chunk->phys + arg->offset,
				      PAGE_SIZE, P2PRIG_DIRECT_PAGES);
	if (ret)
		return ret;
	ret = p2prig_p2p_page_probe(chunk, arg->offset, init->dev,
				    &arg->dma_addr);
	if (ret < 0)
		return ret;
	arg->map_type = ret;
	return 0;
}

int p2prig_ioctl_probe(struct p2prig_ucmd *ucmd)
{
	struct p2prig_probe *arg = ucmd->arg;

	if (arg->initiator >= P2PRIG_INITIATOR_MAX ||
	    !PAGE_ALIGNED(arg->offset) || arg->offset > U64_MAX - PAGE_SIZE)
		return -EINVAL;
	return p2prig_with_chunk(ucmd, arg->chunk, arg->offset + PAGE_SIZE,
				 p2prig_chunk_probe);
}

/*
 * The run holds p2prig_lock throughout, so neither end can be revoked
 * under it (unbinding waits) and the chunk cannot be freed; runs are
 * bounded by P2PRIG_BENCH_MAX_MS. A pair the kernel's p2pdma finds no
 * path for is refused as MAP refuses it, before any call: first_error.
 */
int p2prig_ioctl_map_bench(struct p2prig_ucmd *ucmd)
{
	struct p2prig_map_bench *arg = ucmd->arg;
	struct p2prig_mapping proto = { };
	int ret;

	if (!p2prig_map_kinds_valid(arg->method, arg->initiator, arg->dir))
		return -EINVAL;
	ret = p2prig_bench_check(arg);
	if (ret)
		return ret;
	proto.method = p2prig_methods[array_index_nospec(arg->method,
							 P2PRIG_METHOD_MAX)];
	if (!proto.method->map)
		return -EOPNOTSUPP;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	ret = p2prig_map_bind(ucmd->pf, &proto, arg->chunk, arg->granule,
			      arg->initiator, &arg->pci, arg->dir);
	if (ret)
		goto unlock;

	/* One route for the whole run, decided as MAP decides it. */
	proto.length = arg->granule;
	if (p2prig_route_decide(&proto, proto.init->dev)) {
		arg->first_error = -EREMOTEIO;
	} else {
		/* Every offset the run maps, checked at once. */
		proto.offset = 0;
		proto.length = proto.chunk->size;
		if (p2prig_route_reach_direct(&proto, proto.init->dev))
			arg->first_error = -EIO;
		proto.length = arg->granule;
	}
	arg->map_type = proto.map_type;
	arg->route = proto.route;
	if (!arg->first_error)
		ret = p2prig_bench_run(&proto, arg);
unlock:
	mutex_unlock(&p2prig_lock);
	return ret;
}
