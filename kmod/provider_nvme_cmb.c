// SPDX-License-Identifier: GPL-2.0
/*
 * Provider "nvme-cmb": the Controller Memory Buffer of an NVMe controller,
 * which the nvme driver registers and publishes as p2pmem when the CMB
 * supports both reads and writes of data.
 *
 * The memory comes from the p2pdma pool of the controller, which is
 * device-managed on the nvme driver's binding: main.c frees every chunk
 * before that binding goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#include "p2prig.h"

/*
 * Whether @pdev publishes p2pmem. pci_has_p2pmem() is no longer exported,
 * but pci_p2pmem_find() only considers published providers, and a
 * provider is its own closest client (distance 0, unique), so it answers
 * the same question through exported API.
 */
static bool p2prig_nvme_cmb_published(struct pci_dev *pdev)
{
	struct pci_dev *found;

	found = pci_p2pmem_find(&pdev->dev);
	pci_dev_put(found);

	return found == pdev;
}

/* The memory BAR of the controller that holds the chunk, or -ENOENT. */
static int p2prig_nvme_cmb_bar(const struct p2prig_chunk *chunk)
{
	struct pci_dev *pdev = chunk->pdev;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		resource_size_t start = pci_resource_start(pdev, bar);
		resource_size_t len = pci_resource_len(pdev, bar);

		if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || !len)
			continue;
		if (p2prig_range_within(chunk->phys, chunk->size, start, len))
			return bar;
	}

	return -ENOENT;
}

static int p2prig_nvme_cmb_alloc(struct p2prig_chunk *chunk)
{
	struct pci_dev *pdev = chunk->pdev;

	device_lock_assert(&pdev->dev);
	lockdep_assert_held(&p2prig_lock);

	if (pdev->class != PCI_CLASS_STORAGE_EXPRESS ||
	    !p2prig_nvme_cmb_published(pdev))
		return -EOPNOTSUPP;

	return p2prig_p2pmem_alloc(chunk, p2prig_nvme_cmb_bar);
}

const struct p2prig_provider_ops p2prig_provider_nvme_cmb = {
	.name = "nvme-cmb",
	.peer = true,
	.alloc = p2prig_nvme_cmb_alloc,
	.free = p2prig_p2pmem_free,
};
