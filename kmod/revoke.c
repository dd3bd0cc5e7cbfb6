// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation: when a provider's or an initiator's driver unbinds,
 * everything made from it is taken back; the handles stay and answer
 * -ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "p2prig.h"

/*
 * Take back everything made from @chunk, its importers first, and give its
 * memory back.
 */
static void p2prig_chunk_revoke(struct p2prig_chunk *chunk)
{
	struct p2prig_mapping *map;
	unsigned long index;

	lockdep_assert_held(&p2prig_lock);

	p2prig_export_revoke(chunk);

	/* Mappings only exist while the chunk's handle does. */
	if (chunk->pf) {
		xa_for_each(&chunk->pf->mappings, index, map) {
			if (map->chunk == chunk && !map->revoked)
				p2prig_mapping_unmap(map, NULL);
		}
	}

	chunk->ops->free(chunk);
	chunk->vaddr = NULL;
	chunk->revoked = true;
}

/**
 * p2prig_revoke_initiator - unmap every mapping made for an initiator
 * @init: the initiator, which its driver is about to unbind
 *
 * Its mappings keep their handles and answer -ENODEV from now on.
 */
void p2prig_revoke_initiator(struct p2prig_initiator *init)
{
	struct p2prig_mapping *map;
	struct p2prig_file *pf;
	unsigned long index;
	unsigned int n = 0;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(pf, &p2prig_files, node) {
		xa_for_each(&pf->mappings, index, map) {
			if (map->init == init) {
				p2prig_mapping_unmap(map, NULL);
				n++;
			}
		}
	}

	if (n)
		dev_info(init->dev, "%s: revoked %u mapping(s)\n",
			 KBUILD_MODNAME, n);
}

/* The same for every chunk lent by @pdev, whose driver is unbinding. */
static void p2prig_revoke_provider(struct pci_dev *pdev)
{
	struct p2prig_chunk *chunk;
	unsigned int n = 0;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(chunk, &p2prig_chunks, node) {
		if (chunk->pdev == pdev && !chunk->revoked) {
			p2prig_chunk_revoke(chunk);
			n++;
		}
	}

	if (n)
		pci_info(pdev, "%s: revoked %u chunk(s)\n", KBUILD_MODNAME, n);
}

/*
 * Whether any chunk, revoked or not, came from @pdev. Without p2prig_lock,
 * which an ioctl may hold for long (MAP_BENCH, XFER). Called with the
 * device lock of @pdev held: CHUNK_ALLOC lists a chunk from @pdev under
 * that lock, so none can appear meanwhile; one that goes meanwhile only
 * costs a walk under p2prig_lock that finds nothing.
 */
static bool p2prig_backs(struct pci_dev *pdev)
{
	struct p2prig_chunk *chunk;
	bool found = false;

	spin_lock(&p2prig_chunks_lock);
	list_for_each_entry(chunk, &p2prig_chunks, node) {
		if (chunk->pdev == pdev) {
			found = true;
			break;
		}
	}
	spin_unlock(&p2prig_chunks_lock);
	return found;
}

/*
 * p2pmem is device-managed on the provider's driver binding, and the
 * provider's teardown waits for every allocation to come back. This runs
 * under the device lock before the driver's remove, so it is the last
 * moment to unmap and free what we took; CHUNK_ALLOC holds the same
 * device lock, so no chunk can appear after it.
 *
 * It runs for every PCI device of the machine: one that lent us nothing
 * goes on at once, never waiting for p2prig_lock. (Our initiators revoke
 * in their own driver's remove.)
 */
static int p2prig_pci_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct device *dev = data;

	if (action != BUS_NOTIFY_UNBIND_DRIVER ||
	    !p2prig_backs(to_pci_dev(dev)))
		return NOTIFY_DONE;

	/* An unbind cannot fail: not killable. */
	mutex_lock(&p2prig_lock);
	p2prig_revoke_provider(to_pci_dev(dev));
	mutex_unlock(&p2prig_lock);

	return NOTIFY_OK;
}

static struct notifier_block p2prig_pci_nb = {
	.notifier_call = p2prig_pci_notify,
};

int p2prig_revoke_register(void)
{
	return bus_register_notifier(&pci_bus_type, &p2prig_pci_nb);
}

void p2prig_revoke_unregister(void)
{
	bus_unregister_notifier(&pci_bus_type, &p2prig_pci_nb);
}
