// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig: a test rig for PCI peer-to-peer DMA.
 *
 * /dev/p2prig (root only) hands each open file handles to chunks of peer
 * memory and to mappings of them for initiator devices; see
 * include/uapi/p2prig.h and Documentation/uapi.rst for the contract, and
 * p2prig.h for the pieces.
 *
 * This file: the tables of providers, methods and initiators, the misc
 * device, open and release of its files, module load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "p2prig.h"

const struct p2prig_provider_ops *const p2prig_providers[] = {
	[P2PRIG_PROVIDER_NVME_CMB] = &p2prig_provider_nvme_cmb,
	[P2PRIG_PROVIDER_RAM] = &p2prig_provider_ram,
	[P2PRIG_PROVIDER_BAR] = &p2prig_provider_bar,
};

static_assert(ARRAY_SIZE(p2prig_providers) == P2PRIG_PROVIDER_MAX);

const struct p2prig_method_ops *const p2prig_methods[] = {
	[P2PRIG_METHOD_MMIO] = &p2prig_method_mmio,
	[P2PRIG_METHOD_RESOURCE] = &p2prig_method_resource,
	[P2PRIG_METHOD_P2P_PAGE] = &p2prig_method_p2p_page,
	[P2PRIG_METHOD_PAGE] = &p2prig_method_page,
	[P2PRIG_METHOD_IOVA_LINK] = &p2prig_method_iova_link,
	/* The same calls through the host bridge whatever p2pdma decided: */
	[P2PRIG_METHOD_MMIO_HOST] = &p2prig_method_mmio_host,
	[P2PRIG_METHOD_RESOURCE_HOST] = &p2prig_method_resource_host,
	[P2PRIG_METHOD_IOVA_LINK_HOST] = &p2prig_method_iova_link_host,
};

static_assert(ARRAY_SIZE(p2prig_methods) == P2PRIG_METHOD_MAX);

const struct p2prig_initiator_ops *const p2prig_initiators[] = {
	[P2PRIG_INITIATOR_EDU] = &p2prig_initiator_edu,
};

static_assert(ARRAY_SIZE(p2prig_initiators) == P2PRIG_INITIATOR_MAX);

/* Serialises all chunk, mapping and handle state: see p2prig.h. */
DEFINE_MUTEX(p2prig_lock);

/* Open files, so that revocation can find every mapping. */
LIST_HEAD(p2prig_files);

static int p2prig_open(struct inode *inode, struct file *filp)
{
	struct p2prig_file *pf;

	/* Beyond the 0600 node: also refuse root in a user namespace. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	pf = kzalloc_obj(*pf);
	if (!pf)
		return -ENOMEM;
	xa_init_flags(&pf->chunks, XA_FLAGS_ALLOC1);
	xa_init_flags(&pf->mappings, XA_FLAGS_ALLOC1);

	if (mutex_lock_killable(&p2prig_lock)) {
		kfree(pf);
		return -EINTR;
	}
	list_add_tail(&pf->node, &p2prig_files);
	mutex_unlock(&p2prig_lock);

	filp->private_data = pf;
	return 0;
}

/*
 * Unmap, then free, everything the file holds. A chunk that a dma-buf
 * still exposes stays with the dma-buf and goes back with it.
 */
static int p2prig_release(struct inode *inode, struct file *filp)
{
	struct p2prig_file *pf = filp->private_data;
	struct p2prig_mapping *map;
	struct p2prig_chunk *chunk;
	unsigned long index;

	mutex_lock(&p2prig_lock);
	list_del(&pf->node);

	xa_for_each(&pf->mappings, index, map)
		p2prig_mapping_free(map);
	xa_destroy(&pf->mappings);

	xa_for_each(&pf->chunks, index, chunk) {
		chunk->pf = NULL;
		p2prig_chunk_put(chunk);
	}
	xa_destroy(&pf->chunks);
	mutex_unlock(&p2prig_lock);

	kfree(pf);
	return 0;
}

static const struct file_operations p2prig_fops = {
	.owner = THIS_MODULE,
	.open = p2prig_open,
	.release = p2prig_release,
	.unlocked_ioctl = p2prig_ioctl,
	/* Fixed-width fields only: 32-bit callers pass the same structs. */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice p2prig_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &p2prig_fops,
	.mode = 0600,
};

/* Unregister the drivers of providers below @n, in reverse order. */
static void p2prig_unregister_providers(unsigned int n)
{
	while (n--) {
		if (p2prig_providers[n]->unregister_driver)
			p2prig_providers[n]->unregister_driver();
	}
}

static int __init p2prig_init(void)
{
	unsigned int i, j;
	int ret;

	ret = p2prig_revoke_register();
	if (ret)
		return ret;

	for (i = 0; i < P2PRIG_INITIATOR_MAX; i++) {
		ret = p2prig_initiators[i]->register_driver();
		if (ret) {
			pr_err("cannot register the %s driver: %d\n",
			       p2prig_initiators[i]->name, ret);
			goto unregister_initiators;
		}
	}

	for (j = 0; j < P2PRIG_PROVIDER_MAX; j++) {
		if (!p2prig_providers[j]->register_driver)
			continue;
		ret = p2prig_providers[j]->register_driver();
		if (ret) {
			pr_err("cannot register the %s driver: %d\n",
			       p2prig_providers[j]->name, ret);
			goto unregister_providers;
		}
	}

	/* Last: user space may call in as soon as the node exists. */
	ret = misc_register(&p2prig_misc);
	if (ret)
		goto unregister_providers;

	return 0;

unregister_providers:
	p2prig_unregister_providers(j);
unregister_initiators:
	while (i--)
		p2prig_initiators[i]->unregister_driver();
	p2prig_revoke_unregister();
	return ret;
}
module_init(p2prig_init);

/*
 * No file and no dma-buf of ours can be open here (both pin the module),
 * so there are no chunks, mappings or imports left; unbinding the
 * providers' devices (p2prig_bar's) and the initiators revokes nothing.
 */
static void __exit p2prig_exit(void)
{
	unsigned int i = P2PRIG_INITIATOR_MAX;

	misc_deregister(&p2prig_misc);
	p2prig_unregister_providers(P2PRIG_PROVIDER_MAX);
	while (i--)
		p2prig_initiators[i]->unregister_driver();
	p2prig_revoke_unregister();
}
module_exit(p2prig_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test rig for PCI peer-to-peer DMA");
MODULE_AUTHOR("p2prig developers");
