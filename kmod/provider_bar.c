// SPDX-License-Identifier: GPL-2.0
/*
 * Provider "bar": one memory BAR of a PCI function, registered with the
 * kernel's p2pdma and published as p2pmem by this module's own PCI driver,
 * p2prig_bar, the way a GPU driver lends its VRAM BAR to peers.
 *
 * p2prig_bar has no ID table: it binds only to a function that is handed
 * to it explicitly, and registers nothing but that function's BAR.
 *
 *   echo p2prig_bar > /sys/bus/pci/devices/BDF/driver_override
 *   echo BDF > /sys/bus/pci/drivers/CURRENT/unbind   (if bound)
 *   echo BDF > /sys/bus/pci/drivers_probe
 *   ... CHUNK_ALLOC with P2PRIG_PROVIDER_BAR and BDF ...
 *   echo BDF > /sys/bus/pci/drivers/p2prig_bar/unbind
 *   echo > /sys/bus/pci/devices/BDF/driver_override
 *
 * Which BAR: the parameter bar= (0..5), or by default the largest
 * prefetchable memory BAR that p2pdma can take, else the largest such
 * memory BAR of any kind. bar_offset= and bar_size= register a window of
 * it instead of all of it (bar_size=0: up to the BAR's end). They are read
 * at probe, so they apply to the next binding.
 *
 * Test only: bar_non_mappable=1 (default 0, root may change it at run
 * time; read at probe) has probe mark the function the way the kernel's
 * quirks mark devices whose BARs neither the CPU nor peers may map
 * (pdev->non_mappable_bars: the s390 quirk for IBM's ISM devices, the only
 * ones that set it) and ask p2pdma for the chosen BAR's provider, the step
 * that comes before any registration or export. Nothing else happens: the
 * BAR is not enabled, claimed, registered, published or mapped, the mark
 * is taken off again and probe fails, saying what p2pdma answered. A
 * kernel with 951ebc18d181 ("PCI/P2PDMA: Avoid returning a provider for
 * non_mappable_bars") refuses in pcim_p2pdma_init() with -EOPNOTSUPP
 * (probe fails with it); one without it hands out a provider (probe says
 * so and fails with -EPROTO). QEMU has no device with such BARs, so this
 * is how the virtual lab sees the check (tests/kmod/bar.c).
 *
 * Minimum: p2pdma gives the memory struct pages with memremap_pages(),
 * which hot-plugs whole memory subsections. Start and size of the window
 * must be multiples of memremap_compat_align(): SUBSECTION_SIZE, 2 MiB on
 * x86-64 (16 MiB on some powerpc). A smaller or misaligned range would
 * make the memory hotplug code WARN and fail, so probe refuses it first.
 * BARs are naturally aligned, so any BAR of at least 2 MiB qualifies
 * whole; QEMU's ivshmem-plain BAR2 (the shared memory, 64 MiB in the
 * virtual lab) does, its 256-byte register BAR0 does not, and neither does
 * edu's 1 MiB BAR0 (probe fails with -ENODEV).
 *
 * Lab procedure and its risks, on real hardware (a GPU):
 *  - Binding takes the function away from its own driver. The GPU driver's
 *    state is gone (display, compute contexts, its use of VRAM); do this on
 *    a GPU that drives no display and runs nothing, and expect to need a
 *    reboot or a driver reload to get it back into service.
 *  - The module does not initialise the device. A BAR is only usable as
 *    memory if the device decodes it as such from reset: many GPUs expose
 *    only a small aperture (resizable BAR), or need their firmware or
 *    driver to set up the memory controller before the BAR reads back what
 *    was written. Reads may return all-ones, writes may be dropped; a
 *    device that stops answering can raise errors (AER) or hang the host
 *    on an MMIO read. Check with CHUNK_IO write-then-read first.
 *  - The BAR's bytes are handed out to peers and to the CPU as they are:
 *    whatever the previous owner left in VRAM is readable.
 *  - Everything p2pdma set up is device-managed on the binding. Unbinding
 *    revokes our chunks, mappings and dma-bufs first, but memory that
 *    another in-kernel user took from the published pool (nvmet, a block
 *    driver doing O_DIRECT into a mapping of p2pmem/allocate) is waited
 *    for: the unbind blocks until those users let go.
 *  - The BAR is claimed (pcim_request_region) while bound: with
 *    CONFIG_IO_STRICT_DEVMEM or iomem=strict, as in Debian's kernels,
 *    user space can no longer mmap it through sysfs resourceN.
 *  - Peers reach the BAR by bus address only where p2pdma allows it
 *    (common switch, whitelisted host bridge). An IOMMU or ACS setting the
 *    kernel does not see can still make a peer's DMA fault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/io.h>
#include <linux/memremap.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sizes.h>

#include "p2prig.h"

static int p2prig_bar_index = -1;
module_param_named(bar, p2prig_bar_index, int, 0644);
MODULE_PARM_DESC(bar,
		 "BAR p2prig_bar registers (0-5; default -1: the largest prefetchable memory BAR, else the largest memory BAR)");

static unsigned long long p2prig_bar_offset;
module_param_named(bar_offset, p2prig_bar_offset, ullong, 0644);
MODULE_PARM_DESC(bar_offset,
		 "Start of the registered window within the BAR (default 0; a multiple of 2 MiB)");

static unsigned long long p2prig_bar_size;
module_param_named(bar_size, p2prig_bar_size, ullong, 0644);
MODULE_PARM_DESC(bar_size,
		 "Size of the registered window (default 0: up to the end of the BAR; a multiple of 2 MiB)");

static bool p2prig_bar_non_mappable;
module_param_named(bar_non_mappable, p2prig_bar_non_mappable, bool, 0644);
MODULE_PARM_DESC(bar_non_mappable,
		 "Test only: probe marks the function's BARs non-mappable (as the s390 ISM quirk does), asks p2pdma for the BAR's provider, reports the answer and fails, never mapping the BAR (default 0)");

/**
 * struct p2prig_bar - one function bound to p2prig_bar
 * @bar: the BAR registered as p2pmem
 * @start: CPU physical start of the registered window
 * @size: its length
 */
struct p2prig_bar {
	int bar;
	resource_size_t start;
	resource_size_t size;
};

static struct pci_driver p2prig_bar_driver;

/* Whether @bar of @pdev is assigned memory that p2pdma can take whole. */
static bool p2prig_bar_usable(struct pci_dev *pdev, int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);
	resource_size_t len = pci_resource_len(pdev, bar);

	if (!(flags & IORESOURCE_MEM) ||
	    (flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)))
		return false;
	return len >= memremap_compat_align() &&
	       IS_ALIGNED(pci_resource_start(pdev, bar), memremap_compat_align());
}

/*
 * The BAR to register: the one asked for, or the largest usable
 * prefetchable one, else the largest usable one. A negative errno, with
 * the reason logged, when there is none.
 */
static int p2prig_bar_choose(struct pci_dev *pdev)
{
	int want = READ_ONCE(p2prig_bar_index);
	resource_size_t len, best_len = 0, best_pf_len = 0;
	int bar, best = -1, best_pf = -1;

	if (want >= PCI_STD_NUM_BARS || want < -1) {
		pci_err(pdev, "p2prig_bar: bar=%d: no such BAR (0-%d)\n",
			want, PCI_STD_NUM_BARS - 1);
		return -EINVAL;
	}
	if (want >= 0) {
		unsigned long flags = pci_resource_flags(pdev, want);

		if (!(flags & IORESOURCE_MEM) || !pci_resource_len(pdev, want) ||
		    (flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED))) {
			pci_err(pdev, "p2prig_bar: BAR%d is not an assigned memory BAR\n",
				want);
			return -ENODEV;
		}
		return want;
	}

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!p2prig_bar_usable(pdev, bar))
			continue;
		len = pci_resource_len(pdev, bar);
		if (len > best_len) {
			best = bar;
			best_len = len;
		}
		if ((pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH) &&
		    len > best_pf_len) {
			best_pf = bar;
			best_pf_len = len;
		}
	}
	if (best_pf >= 0)
		return best_pf;
	if (best >= 0)
		return best;

	pci_err(pdev, "p2prig_bar: no memory BAR of at least %lu KiB, aligned to it: p2pdma maps whole memory subsections\n",
		memremap_compat_align() / SZ_1K);
	return -ENODEV;
}

/* The window of @bar to register, checked against p2pdma's alignment. */
static int p2prig_bar_window(struct pci_dev *pdev, struct p2prig_bar *pb)
{
	resource_size_t len = pci_resource_len(pdev, pb->bar);
	u64 offset = READ_ONCE(p2prig_bar_offset);
	u64 size = READ_ONCE(p2prig_bar_size);
	unsigned long align = memremap_compat_align();

	if (offset >= len || size > len - offset) {
		pci_err(pdev, "p2prig_bar: window %#llx+%#llx lies outside BAR%d (%pa bytes)\n",
			offset, size, pb->bar, &len);
		return -EINVAL;
	}
	if (!size)
		size = len - offset;

	pb->start = pci_resource_start(pdev, pb->bar) + offset;
	pb->size = size;
	if (!IS_ALIGNED(pb->start, align) || !IS_ALIGNED(pb->size, align)) {
		pci_err(pdev, "p2prig_bar: BAR%d window %pa+%pa is not aligned to %lu KiB: p2pdma maps whole memory subsections\n",
			pb->bar, &pb->start, &pb->size, align / SZ_1K);
		/* A BAR too small for p2pdma is the device's fault, not ours. */
		return offset || READ_ONCE(p2prig_bar_size) ? -EINVAL : -ENODEV;
	}
	return 0;
}

#ifdef P2PRIG_HAVE_P2PDMA_NON_MAPPABLE
/*
 * bar_non_mappable=1: what p2pdma makes of @bar of a function marked
 * non_mappable_bars, as a quirk would have marked it. Only p2pdma's
 * bookkeeping is set up (device-managed, gone when probe fails); the BAR
 * itself is never touched. The mark is a bitfield beside others of struct
 * pci_dev: set and cleared under the device lock that probe holds.
 */
static int p2prig_bar_ask_non_mappable(struct pci_dev *pdev, int bar)
{
	unsigned int was = pdev->non_mappable_bars;
	struct p2pdma_provider *provider;
	int ret;

	pdev->non_mappable_bars = 1;
	ret = pcim_p2pdma_init(pdev);
	if (ret) {
		pci_info(pdev, "p2prig_bar: bar_non_mappable: p2pdma refused a device with non_mappable_bars: %d\n",
			 ret);
		goto out;
	}
	provider = pcim_p2pdma_provider(pdev, bar);
	if (!provider) {
		pci_info(pdev, "p2prig_bar: bar_non_mappable: p2pdma gave BAR%d of a device with non_mappable_bars no provider\n",
			 bar);
		ret = -EOPNOTSUPP;
		goto out;
	}
	pci_warn(pdev, "p2prig_bar: bar_non_mappable: p2pdma handed out a provider for BAR%d of a device with non_mappable_bars\n",
		 bar);
	ret = -EPROTO;
out:
	pdev->non_mappable_bars = was;
	return ret;
}
#else
static int p2prig_bar_ask_non_mappable(struct pci_dev *pdev, int bar)
{
	pci_info(pdev, "p2prig_bar: bar_non_mappable: this kernel has no non_mappable_bars or no p2pdma provider to ask\n");
	return -EOPNOTSUPP;
}
#endif

/*
 * Everything set up here (the enable, the region, p2pdma's pool, pages
 * and provider) is device-managed and goes when the binding does.
 */
static int p2prig_bar_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct p2prig_bar *pb;
	int ret;

	pb = devm_kzalloc(&pdev->dev, sizeof(*pb), GFP_KERNEL);
	if (!pb)
		return -ENOMEM;

	ret = p2prig_bar_choose(pdev);
	if (ret < 0)
		return ret;
	pb->bar = ret;
	if (READ_ONCE(p2prig_bar_non_mappable))
		return p2prig_bar_ask_non_mappable(pdev, pb->bar);
	ret = p2prig_bar_window(pdev, pb);
	if (ret)
		return ret;

	/* Memory decoding on; bus mastering stays off: it only lends memory. */
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_request_region(pdev, pb->bar, "p2prig_bar");
	if (ret) {
		pci_err(pdev, "p2prig_bar: BAR%d is claimed: %d\n", pb->bar,
			ret);
		return ret;
	}

	/*
	 * Struct pages for the window, a pool to allocate from, and (where
	 * the kernel has it) the BAR's p2pdma provider, which phys-vec
	 * exports find with pcim_p2pdma_provider().
	 */
	ret = pci_p2pdma_add_resource(pdev, pb->bar, pb->size,
				      pb->start - pci_resource_start(pdev,
								     pb->bar));
	if (ret) {
		pci_err(pdev, "p2prig_bar: cannot register BAR%d as p2pmem: %d\n",
			pb->bar, ret);
		return ret;
	}
	pci_p2pmem_publish(pdev, true);
	pci_set_drvdata(pdev, pb);

	pci_info(pdev, "p2prig_bar: BAR%d %pa+%pa published as p2pmem\n",
		 pb->bar, &pb->start, &pb->size);
	return 0;
}

/*
 * main.c's bus notifier revoked every chunk from this function before we
 * get here; p2pdma itself is torn down by devres after we return.
 */
static void p2prig_bar_remove(struct pci_dev *pdev)
{
	struct p2prig_bar *pb = pci_get_drvdata(pdev);

	pci_p2pmem_publish(pdev, false);
	pci_info(pdev, "p2prig_bar: BAR%d %pa+%pa unpublished, unbinding\n",
		 pb->bar, &pb->start, &pb->size);
}

static struct pci_driver p2prig_bar_driver = {
	.name = "p2prig_bar",
	/* No ID table: only ever bound through driver_override. */
	.probe = p2prig_bar_probe,
	.remove = p2prig_bar_remove,
};

static int p2prig_bar_register(void)
{
	return pci_register_driver(&p2prig_bar_driver);
}

/* Unbinds every function still bound, revoking what they lent. */
static void p2prig_bar_unregister(void)
{
	pci_unregister_driver(&p2prig_bar_driver);
}

/* The BAR of the window p2prig_bar published, if the memory lies in it. */
static int p2prig_bar_of(const struct p2prig_chunk *chunk)
{
	const struct p2prig_bar *pb = pci_get_drvdata(chunk->pdev);

	if (!p2prig_range_within(chunk->phys, chunk->size, pb->start,
				 pb->size))
		return -ERANGE;
	return pb->bar;
}

static int p2prig_bar_alloc(struct p2prig_chunk *chunk)
{
	struct pci_dev *pdev = chunk->pdev;

	device_lock_assert(&pdev->dev);
	lockdep_assert_held(&p2prig_lock);

	/* Only what p2prig_bar registered: the binding is stable meanwhile. */
	if (pdev->dev.driver != &p2prig_bar_driver.driver)
		return -ENODEV;
	return p2prig_p2pmem_alloc(chunk, p2prig_bar_of);
}

const struct p2prig_provider_ops p2prig_provider_bar = {
	.name = "bar",
	.peer = true,
	.register_driver = p2prig_bar_register,
	.unregister_driver = p2prig_bar_unregister,
	.alloc = p2prig_bar_alloc,
	.free = p2prig_p2pmem_free,
};
