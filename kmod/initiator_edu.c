// SPDX-License-Identifier: GPL-2.0
/*
 * Initiator "edu": QEMU's educational PCI device (docs/specs/edu.rst), a
 * DMA engine with a 4 KiB internal buffer at device address 0x40000.
 * Each DMA moves bytes between that buffer and a bus address, and is
 * done about 100 ms later on QEMU's virtual clock, so completion is
 * awaited on the interrupt: under -icount sleep=off virtual time only
 * runs ahead while the guest idles, and polling would stall it.
 *
 * A transfer goes through a coherent bounce buffer in RAM:
 *   to peer:   caller's buffer -> bounce -> edu buffer -> peer
 *   from peer: peer -> edu buffer -> bounce -> caller's buffer
 * in pieces of at most EDU_DMA_MAX bytes; only the DMA legs to or from
 * the peer are timed, and their times are summed.
 *
 * A DMA whose interrupt does not come in time is answered -ETIMEDOUT and
 * the function is reset, so the next transfer finds the engine working;
 * if it cannot be reset, the engine is retired until a reset or a rebind.
 * Module parameters: edu_timeout_ms bounds each DMA, edu_dma_bits narrows
 * the DMA mask, edu_inject_lost_irq makes DMAs time out on purpose.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "p2prig.h"

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_REG_IDENT		0x00
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98

#define EDU_IDENT_MASK		0xff
#define EDU_IDENT		0xed

#define EDU_IRQ_DMA		0x100

#define EDU_CMD_START		BIT(0)	/* reads back set while running */
#define EDU_CMD_TO_PCI		BIT(1)	/* clear: from PCI into the buffer */
#define EDU_CMD_IRQ		BIT(2)

#define EDU_BUF_ADDR		0x40000
#define EDU_BUF_SIZE		SZ_4K

/*
 * Bytes per DMA. Older QEMU releases, Debian bookworm's 7.2 among them,
 * take a DMA that reaches the last byte of the buffer for out of range
 * and abort the whole VM, so never use more than half the buffer.
 */
#define EDU_DMA_MAX		(EDU_BUF_SIZE / 2)

static_assert(P2PRIG_MAX_XFER_SIZE <= EDU_BUF_SIZE);

/*
 * The narrowest DMA mask edu_dma_bits takes: one page. The rig starts edu
 * with dma_mask=0xffffffffffffffff, so QEMU truncates nothing the mask
 * allows. The DMA layer refuses a mask it cannot serve (dma-direct: below
 * ZONE_DMA), and a mask that no bounce buffer fits under is refused too.
 */
#define EDU_DMA_BITS_MIN	12

/* edu ends every DMA 100 ms after it starts, reset or not: ample. */
#define EDU_IDLE_WAIT_MS	1000

/*
 * Bounds of edu_timeout_ms. An XFER runs up to four DMAs under p2prig_lock,
 * so the largest keeps it under a minute, resets included; 0 would time
 * every DMA out at once.
 */
#define EDU_TIMEOUT_MS_MIN	1
#define EDU_TIMEOUT_MS_MAX	10000

static unsigned int p2prig_edu_timeout_ms = 5000;

static int p2prig_edu_timeout_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (ms < EDU_TIMEOUT_MS_MIN || ms > EDU_TIMEOUT_MS_MAX) {
		pr_info("edu_timeout_ms=%u refused: it takes %u..%u ms\n", ms,
			EDU_TIMEOUT_MS_MIN, EDU_TIMEOUT_MS_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(p2prig_edu_timeout_ms, ms);
	return 0;
}

static const struct kernel_param_ops p2prig_edu_timeout_ops = {
	.set = p2prig_edu_timeout_set,
	.get = param_get_uint,
};
module_param_cb(edu_timeout_ms, &p2prig_edu_timeout_ops,
		&p2prig_edu_timeout_ms, 0644);
MODULE_PARM_DESC(edu_timeout_ms,
		 "How long one edu DMA may take before the function is reset, 1..10000 ms (default 5000)");

static unsigned int p2prig_edu_inject_lost_irq;
module_param_named(edu_inject_lost_irq, p2prig_edu_inject_lost_irq, uint,
		   0644);
MODULE_PARM_DESC(edu_inject_lost_irq,
		 "Fault injection: start this many of the next edu DMAs to or from peer memory without their interrupt, so that they time out (default 0)");

/**
 * struct p2prig_edu - one bound edu device
 * @init: what main.c sees of it
 * @node: on p2prig_edu_devices, under p2prig_lock
 * @pdev: the PCI function
 * @regs: BAR0
 * @bounce: 4 KiB of coherent RAM between user space and the engine,
 *	within the DMA mask (see p2prig_edu_set_mask())
 * @bounce_dma: its bus address
 * @done: completed by the interrupt for the DMA in flight
 * @engine_lock: serialises use of the engine and of @bounce; held from
 *	reset_prepare to reset_done across a reset that is not ours
 * @broken: a DMA timed out and the function could not be reset; no DMA
 *	until a reset or a rebind
 * @self_reset: the reset under way is p2prig_edu_reset()'s; written and
 *	read under the device lock
 */
struct p2prig_edu {
	struct p2prig_initiator init;
	struct list_head node;
	struct pci_dev *pdev;
	void __iomem *regs;
	void *bounce;
	dma_addr_t bounce_dma;
	struct completion done;
	struct mutex engine_lock;	/* serialises the engine */
	bool broken;
	bool self_reset;
};

/* Bound edu devices, findable by MAP. Protected by p2prig_lock. */
static LIST_HEAD(p2prig_edu_devices);

static unsigned int p2prig_edu_dma_bits = 64;

/* Put back both masks p2prig_edu_set_mask() found. */
static void p2prig_edu_restore_masks(struct device *dev, u64 mask,
				     u64 coherent)
{
	/* Masks the device had before: the DMA layer took them then. */
	if (dma_set_mask(dev, mask) || dma_set_coherent_mask(dev, coherent))
		dev_err(dev, "%s: cannot put back DMA masks %#llx/%#llx\n",
			KBUILD_MODNAME, mask, coherent);
}

/*
 * Give @edu a DMA mask of @bits. The engine's own bounce buffer must stay
 * within it, so one the mask no longer covers is moved: no DMA can be
 * aimed at the old one, as the caller holds p2prig_lock, which every
 * transfer holds, and a retired engine's late DMA finds mastering off.
 *
 * All or nothing: on failure the device has the masks and the buffer it
 * had, so the caller's rollback need only walk the devices done before.
 */
static int p2prig_edu_set_mask(struct p2prig_edu *edu, unsigned int bits)
{
	struct device *dev = &edu->pdev->dev;
	u64 old_mask = dma_get_mask(dev);
	u64 old_coherent = dev->coherent_dma_mask;
	dma_addr_t dma, old_dma;
	void *buf, *old;
	int ret;

	lockdep_assert_held(&p2prig_lock);

	/*
	 * dma_set_mask_and_coherent() can fail with the streaming mask
	 * already set: both go back.
	 */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits));
	if (ret) {
		p2prig_edu_restore_masks(dev, old_mask, old_coherent);
		return ret;
	}
	if (edu->bounce_dma + EDU_BUF_SIZE - 1 <= DMA_BIT_MASK(bits))
		return 0;

	/*
	 * The new buffer must come from under the new mask, so the mask
	 * goes first; without a buffer the device keeps its old masks.
	 */
	buf = dmam_alloc_coherent(dev, EDU_BUF_SIZE, &dma, GFP_KERNEL);
	if (!buf) {
		p2prig_edu_restore_masks(dev, old_mask, old_coherent);
		dev_info(dev, "%s: no coherent bounce buffer under a %u-bit DMA mask; mask kept\n",
			 KBUILD_MODNAME, bits);
		return -ENOMEM;
	}
	mutex_lock(&edu->engine_lock);
	old = edu->bounce;
	old_dma = edu->bounce_dma;
	edu->bounce = buf;
	edu->bounce_dma = dma;
	mutex_unlock(&edu->engine_lock);
	dmam_free_coherent(dev, EDU_BUF_SIZE, old, old_dma);

	return 0;
}

/*
 * Applied to every bound edu under p2prig_lock, which MAP holds, so a
 * mapping is checked against one mask or the other, never half of each.
 * Mappings made before keep their addresses.
 */
static int p2prig_edu_dma_bits_set(const char *val,
				   const struct kernel_param *kp)
{
	struct p2prig_edu *edu;
	unsigned int bits;
	int ret;

	ret = kstrtouint(val, 0, &bits);
	if (ret)
		return ret;
	if (bits < EDU_DMA_BITS_MIN || bits > 64)
		return -EINVAL;

	if (mutex_lock_killable(&p2prig_lock))
		return -EINTR;
	list_for_each_entry(edu, &p2prig_edu_devices, node) {
		ret = p2prig_edu_set_mask(edu, bits);
		if (ret)
			break;
		if (bits != p2prig_edu_dma_bits)
			pci_info(edu->pdev, "DMA mask now %u bits, bounce buffer at %pad\n",
				 bits, &edu->bounce_dma);
	}
	if (ret) {
		/*
		 * All or nothing: the failing device put itself back, so put
		 * back the devices before it.
		 */
		list_for_each_entry_continue_reverse(edu, &p2prig_edu_devices,
						     node)
			p2prig_edu_set_mask(edu, p2prig_edu_dma_bits);
	} else {
		p2prig_edu_dma_bits = bits;
	}
	mutex_unlock(&p2prig_lock);

	return ret;
}

static const struct kernel_param_ops p2prig_edu_dma_bits_ops = {
	.set = p2prig_edu_dma_bits_set,
	.get = param_get_uint,
};
module_param_cb(edu_dma_bits, &p2prig_edu_dma_bits_ops, &p2prig_edu_dma_bits,
		0644);
MODULE_PARM_DESC(edu_dma_bits,
		 "DMA mask of every edu in bits, 12..64 (default 64); refused when the DMA layer cannot serve it or no bounce buffer fits under it; MAP refuses with -EIO an address beyond it");

static struct p2prig_edu *to_p2prig_edu(struct p2prig_initiator *init)
{
	return container_of(init, struct p2prig_edu, init);
}

static irqreturn_t p2prig_edu_irq(int irq, void *data)
{
	struct p2prig_edu *edu = data;
	u32 status;

	status = readl(edu->regs + EDU_REG_IRQ_STATUS);
	/* Nothing for us on a shared line, or the device is gone. */
	if (!status || status == ~0U)
		return IRQ_NONE;

	writel(status, edu->regs + EDU_REG_IRQ_ACK);
	if (status & EDU_IRQ_DMA)
		complete(&edu->done);

	return IRQ_HANDLED;
}

/*
 * A DMA that was started earlier (one that timed out, perhaps under an
 * earlier binding) ends on its own; with bus mastering off it reaches
 * nothing. Let it end before mastering goes back on, or it would land in
 * memory that is gone and its interrupt would complete our next DMA.
 */
static int p2prig_edu_wait_idle(struct p2prig_edu *edu)
{
	unsigned long deadline;

	deadline = jiffies + msecs_to_jiffies(EDU_IDLE_WAIT_MS);
	while (readq(edu->regs + EDU_REG_DMA_CMD) & EDU_CMD_START) {
		if (time_after(jiffies, deadline)) {
			pci_err(edu->pdev, "engine still busy with an old DMA\n");
			return -EBUSY;
		}
		msleep(20);
	}

	return 0;
}

/*
 * After a reset, with bus mastering still off: wait out a DMA the engine
 * may hold (QEMU's edu keeps its DMA timer across a reset), drop its stale
 * interrupt status, and only then let the function master again. The
 * reset's pci_restore_state() has put BARs, command and MSI back; the DMA
 * mask and the bounce buffer belong to the kernel and were never lost.
 */
static int p2prig_edu_restart(struct p2prig_edu *edu)
{
	int ret;

	ret = p2prig_edu_wait_idle(edu);
	if (ret)
		return ret;
	writel(readl(edu->regs + EDU_REG_IRQ_STATUS),
	       edu->regs + EDU_REG_IRQ_ACK);
	pci_set_master(edu->pdev);

	return 0;
}

/*
 * Bring the engine back after a DMA timed out, or retire it.
 *
 * The DMA may still be pending in the engine, aimed at the bounce buffer
 * or at a peer mapping that the caller may unmap, and the provider hand
 * to someone else, as soon as we return. So bus mastering goes off first:
 * from then on nothing the late DMA does reaches memory. It stays off
 * through the reset and until the engine reads back idle (see
 * p2prig_edu_restart()).
 *
 * The caller holds p2prig_lock, which nests inside device locks, so the
 * device locks are only tried, bridge first as pci_reset_function() takes
 * them: when someone else holds one (a binding change, a reset from user
 * space), the engine is retired instead of waiting for them.
 */
static int p2prig_edu_reset(struct p2prig_edu *edu)
{
	struct pci_dev *bridge = pci_upstream_bridge(edu->pdev);
	struct pci_dev *pdev = edu->pdev;
	const char *why = "function not reset";
	ktime_t start = ktime_get();
	int ret = -EAGAIN;

	lockdep_assert_held(&edu->engine_lock);

	pci_clear_master(pdev);

	if (bridge && !pci_dev_trylock(bridge))
		goto retire;
	if (pci_dev_trylock(pdev)) {
		edu->self_reset = true;
		ret = pci_reset_function_locked(pdev);
		edu->self_reset = false;
		pci_dev_unlock(pdev);
	}
	if (bridge)
		pci_dev_unlock(bridge);
	if (ret)
		goto retire;

	why = "engine busy after the reset";
	ret = p2prig_edu_restart(edu);
	if (ret)
		goto retire;

	pci_info(pdev, "function reset, engine idle and mastering again after %lld ms\n",
		 ktime_ms_delta(ktime_get(), start));
	return 0;

retire:
	edu->broken = true;
	pci_err(pdev, "%s (%d); engine retired until reset or rebind\n", why,
		ret);
	return ret;
}

/* Take one injected fault, if edu_inject_lost_irq has any left. */
static bool p2prig_edu_take_injection(void)
{
	unsigned int n = READ_ONCE(p2prig_edu_inject_lost_irq);

	do {
		if (!n)
			return false;
	} while (!try_cmpxchg(&p2prig_edu_inject_lost_irq, &n, n - 1));

	return true;
}

/*
 * Run one DMA of @count bytes from bus address @src to @dst, one of them
 * inside the edu buffer, and wait for its interrupt. @cmd is 0 or
 * EDU_CMD_TO_PCI. @ns is given for the legs to or from the peer, which
 * fault injection hits; the time from start to completion is added to it.
 *
 * Returns 0; -ETIMEDOUT when the interrupt did not come in time and the
 * function was reset; -EIO when the engine is retired, by now or before.
 */
static int p2prig_edu_dma(struct p2prig_edu *edu, u64 src, u64 dst, u32 count,
			  u32 cmd, u64 *ns)
{
	unsigned int ms = READ_ONCE(p2prig_edu_timeout_ms);
	u64 start;

	lockdep_assert_held(&edu->engine_lock);

	if (edu->broken)
		return -EIO;

	reinit_completion(&edu->done);

	/* The engine takes its addresses only as whole 64-bit writes. */
	writeq(src, edu->regs + EDU_REG_DMA_SRC);
	writeq(dst, edu->regs + EDU_REG_DMA_DST);
	writeq(count, edu->regs + EDU_REG_DMA_COUNT);

	if (!ns || !p2prig_edu_take_injection())
		cmd |= EDU_CMD_IRQ;

	start = ktime_get_ns();
	writeq(cmd | EDU_CMD_START, edu->regs + EDU_REG_DMA_CMD);
	if (!wait_for_completion_timeout(&edu->done, msecs_to_jiffies(ms))) {
		pci_err(edu->pdev, "DMA of %u bytes timed out after %u ms; resetting the function\n",
			count, ms);
		return p2prig_edu_reset(edu) ? -EIO : -ETIMEDOUT;
	}
	if (ns)
		*ns += ktime_get_ns() - start;

	return 0;
}

static int p2prig_edu_xfer(struct p2prig_initiator *init, dma_addr_t peer,
			   size_t len, enum p2prig_xfer_dir dir, void *buf,
			   u64 *xfer_ns)
{
	struct p2prig_edu *edu = to_p2prig_edu(init);
	dma_addr_t bounce;
	size_t done, n;
	u64 ns = 0;
	int ret = 0;

	lockdep_assert_held(&p2prig_lock);

	if (!len || len > EDU_BUF_SIZE)
		return -EINVAL;
	/*
	 * Never an address the engine would truncate: an import from another
	 * exporter, or a mapping made before edu_dma_bits narrowed the mask.
	 */
	ret = p2prig_dma_reach(&edu->pdev->dev, peer, len);
	if (ret)
		return ret;

	mutex_lock(&edu->engine_lock);
	/* Nor a bounce buffer the mask no longer covers. */
	ret = p2prig_dma_reach(&edu->pdev->dev, edu->bounce_dma, len);
	if (ret)
		goto unlock;
	if (dir == P2PRIG_XFER_TO_PEER)
		memcpy(edu->bounce, buf, len);

	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, EDU_DMA_MAX);
		bounce = edu->bounce_dma + done;

		if (dir == P2PRIG_XFER_TO_PEER) {
			ret = p2prig_edu_dma(edu, bounce, EDU_BUF_ADDR, n,
					     0, NULL);
			if (ret)
				goto unlock;
			ret = p2prig_edu_dma(edu, EDU_BUF_ADDR, peer + done, n,
					     EDU_CMD_TO_PCI, &ns);
		} else {
			ret = p2prig_edu_dma(edu, peer + done, EDU_BUF_ADDR, n,
					     0, &ns);
			if (ret)
				goto unlock;
			ret = p2prig_edu_dma(edu, EDU_BUF_ADDR, bounce, n,
					     EDU_CMD_TO_PCI, NULL);
		}
		if (ret)
			goto unlock;
	}

	if (dir == P2PRIG_XFER_FROM_PEER)
		memcpy(buf, edu->bounce, len);
	*xfer_ns = ns;
unlock:
	mutex_unlock(&edu->engine_lock);
	return ret;
}

static struct p2prig_initiator *
p2prig_edu_find(const struct p2prig_pci_addr *addr)
{
	struct p2prig_edu *edu;
	struct pci_dev *pdev;

	lockdep_assert_held(&p2prig_lock);

	list_for_each_entry(edu, &p2prig_edu_devices, node) {
		pdev = edu->pdev;
		if ((u32)pci_domain_nr(pdev->bus) == addr->domain &&
		    pdev->bus->number == addr->bus && pdev->devfn == addr->devfn)
			return &edu->init;
	}

	return NULL;
}

/*
 * Free the vectors explicitly rather than rely on pcim_enable_device()
 * managing them behind our back; a second free is harmless.
 */
static void p2prig_edu_free_vectors(void *pdev)
{
	pci_free_irq_vectors(pdev);
}

static int p2prig_edu_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct p2prig_edu *edu;
	u32 ident;
	int ret;

	edu = devm_kzalloc(dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	edu->init.ops = &p2prig_initiator_edu;
	edu->init.dev = dev;
	init_completion(&edu->done);
	ret = devm_mutex_init(dev, &edu->engine_lock);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	edu->regs = pcim_iomap_region(pdev, 0, KBUILD_MODNAME);
	if (IS_ERR(edu->regs))
		return PTR_ERR(edu->regs);

	ident = readl(edu->regs + EDU_REG_IDENT);
	if ((ident & EDU_IDENT_MASK) != EDU_IDENT) {
		pci_err(pdev, "not an edu device: ident %#010x\n", ident);
		return -ENODEV;
	}

	ret = p2prig_edu_wait_idle(edu);
	if (ret)
		return ret;
	pci_set_master(pdev);

	/*
	 * The rig starts edu with dma_mask=0xffffffffffffffff, so QEMU does
	 * not truncate the addresses we program to its default 28 bits; our
	 * mask is edu_dma_bits, set again below under the lock its changes
	 * take.
	 */
	ret = dma_set_mask_and_coherent(dev,
					DMA_BIT_MASK(READ_ONCE(p2prig_edu_dma_bits)));
	if (ret)
		return ret;

	edu->bounce = dmam_alloc_coherent(dev, EDU_BUF_SIZE, &edu->bounce_dma,
					  GFP_KERNEL);
	if (!edu->bounce)
		return -ENOMEM;

	/* Drop an interrupt an earlier binding left pending. */
	writel(readl(edu->regs + EDU_REG_IRQ_STATUS),
	       edu->regs + EDU_REG_IRQ_ACK);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	ret = devm_add_action_or_reset(dev, p2prig_edu_free_vectors, pdev);
	if (ret)
		return ret;

	ret = devm_request_irq(dev, pci_irq_vector(pdev, 0), p2prig_edu_irq,
			       IRQF_SHARED, KBUILD_MODNAME, edu);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, edu);

	/* edu_dma_bits may have changed meanwhile. */
	mutex_lock(&p2prig_lock);
	ret = p2prig_edu_set_mask(edu, p2prig_edu_dma_bits);
	if (!ret)
		list_add_tail(&edu->node, &p2prig_edu_devices);
	mutex_unlock(&p2prig_lock);

	return ret;
}

/*
 * Everything made for this device goes before devres releases the bounce
 * buffer, the interrupt and BAR0.
 */
static void p2prig_edu_remove(struct pci_dev *pdev)
{
	struct p2prig_edu *edu = pci_get_drvdata(pdev);

	mutex_lock(&p2prig_lock);
	list_del(&edu->node);
	/*
	 * No transfer runs while we hold the lock, but one that timed out may
	 * still be pending in the engine: stop it from reaching memory.
	 */
	pci_clear_master(pdev);
	p2prig_revoke_initiator(&edu->init);
	mutex_unlock(&p2prig_lock);
}

/*
 * A reset that is not ours (user space's reset file, a bus reset): hold
 * the engine from prepare to done, so no DMA starts meanwhile and one in
 * flight finishes first, and bring it back as after our own reset. A
 * successful reset revives a retired engine too.
 */
static void p2prig_edu_reset_prepare(struct pci_dev *pdev)
{
	struct p2prig_edu *edu = pci_get_drvdata(pdev);

	if (!edu || edu->self_reset)
		return;
	mutex_lock(&edu->engine_lock);
	pci_clear_master(pdev);
}

static void p2prig_edu_reset_done(struct pci_dev *pdev)
{
	struct p2prig_edu *edu = pci_get_drvdata(pdev);

	if (!edu || edu->self_reset)
		return;
	edu->broken = !!p2prig_edu_restart(edu);
	if (edu->broken)
		pci_err(pdev, "engine busy after a reset; engine retired until reset or rebind\n");
	mutex_unlock(&edu->engine_lock);
}

static const struct pci_error_handlers p2prig_edu_err_handler = {
	.reset_prepare = p2prig_edu_reset_prepare,
	.reset_done = p2prig_edu_reset_done,
};

static const struct pci_device_id p2prig_edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, p2prig_edu_ids);

static struct pci_driver p2prig_edu_driver = {
	.name = "p2prig_edu",
	.id_table = p2prig_edu_ids,
	.probe = p2prig_edu_probe,
	.remove = p2prig_edu_remove,
	.err_handler = &p2prig_edu_err_handler,
};

static int p2prig_edu_register(void)
{
	return pci_register_driver(&p2prig_edu_driver);
}

static void p2prig_edu_unregister(void)
{
	pci_unregister_driver(&p2prig_edu_driver);
}

const struct p2prig_initiator_ops p2prig_initiator_edu = {
	.name = "edu",
	.register_driver = p2prig_edu_register,
	.unregister_driver = p2prig_edu_unregister,
	.find = p2prig_edu_find,
	.xfer = p2prig_edu_xfer,
};
