/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What in the kernel log says the kernel, or a DMA, went wrong: one list
 * for every reader of the log. The runner's health watch and scan-log
 * (health.c) and the module's fuzzer in the guest (tests/kmod/fuzz_kmsg.c,
 * built apart by tests/kmod/Makefile) include this file. Header only, plain
 * C11 and libc, so both builds take it as it is.
 *
 * A line is suspect when it holds a marker below (whatever its priority:
 * a saved log may have none), or when the kernel logged it at crit or
 * worse, or at err or worse from an IOMMU driver: an IOMMU that reports a
 * DMA fault in words no marker knows is still heard. Errors of other
 * drivers are not findings by their priority alone: under TCG the virtual
 * lab logs RCU stalls and the like at err, which say the host is slow,
 * not that the rig broke something.
 */
#ifndef P2PRIG_KMSG_MARKERS_H
#define P2PRIG_KMSG_MARKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A record's priority (facility * 8 + level) when the log kept none. */
#define KMSG_PRIO_UNKNOWN (-1)
#define KMSG_LEVEL_CRIT 2
#define KMSG_LEVEL_ERR 3
/* The kernel's own messages; what user space writes to /dev/kmsg is not. */
#define KMSG_FACILITY_KERN 0

struct kmsg_marker {
	const char *text;
	const char *then;	/* must follow text on the line; NULL: nothing more */
	const char *checker;	/* the debug checker whose report it starts; NULL: none */
};

/*
 * The marker @text holds, or NULL (also for a debug checker's note about
 * itself). The checkers' reports come first, so that a line is named after
 * its checker; most of them start with WARNING: or BUG: too.
 */
static inline const struct kmsg_marker *kmsg_marker_of(const char *text)
{
	static const struct kmsg_marker markers[] = {
		/* dma-debug (CONFIG_DMA_API_DEBUG): every error, less its notes below. */
		{ "DMA-API: ", NULL, "dma-debug" },
		{ "BUG: KASAN:", NULL, "KASAN" },
		/* lockdep (PROVE_LOCKING, PROVE_RCU) */
		{ "possible circular locking dependency", NULL, "lockdep" },
		{ "inconsistent lock state", NULL, "lockdep" },
		{ "possible recursive locking", NULL, "lockdep" },
		{ "possible irq lock inversion dependency", NULL, "lockdep" },
		{ "-unsafe lock order detected", NULL, "lockdep" },
		{ "bad unlock balance detected", NULL, "lockdep" },
		{ "held lock freed", NULL, "lockdep" },
		{ "still has locks held", NULL, "lockdep" },
		{ "lock held when returning to user space", NULL, "lockdep" },
		{ "Nested lock was not taken", NULL, "lockdep" },
		{ "suspicious RCU usage", NULL, "lockdep" },
		/* DEBUG_ATOMIC_SLEEP, and the scheduler's own check */
		{ "sleeping function called from invalid context", NULL, "atomic-sleep" },
		{ "scheduling while atomic", NULL, "atomic-sleep" },
		{ "UBSAN:", NULL, "UBSAN" },
		/* The scan's summary; the leaks themselves are in its debugfs file. */
		{ "new suspected memory leak", NULL, "kmemleak" },
		{ "WARNING:", NULL, NULL },
		{ "BUG:", NULL, NULL },
		{ "kernel BUG at ", NULL, NULL },
		{ "Oops", NULL, NULL },
		{ "general protection fault", NULL, NULL },
		{ "Call Trace", NULL, NULL },
		{ "Kernel panic", NULL, NULL },
		{ "stack-protector: ", NULL, NULL },
		{ "refcount_t: ", NULL, NULL },
		{ "list_add corruption", NULL, NULL },
		{ "list_del corruption", NULL, NULL },
		{ "page allocation failure", NULL, NULL },
		/* The hung-task detector: "INFO: task NAME:PID blocked for more than N seconds." */
		{ "INFO: task ", " blocked for more than ", NULL },
		/*
		 * IOMMU faults, in the words of each driver (drivers/iommu/):
		 * intel (dmar.c), AMD-Vi (amd/iommu.c, each event "Event logged
		 * [NAME ...]"), ARM SMMUv3 (a raw dump headed "event 0xID
		 * received:", then the decoded event), ARM SMMUv2, virtio-iommu
		 * ("REASON fault from EP N [at ADDR [RWX]]", an error line with
		 * no WARNING after it).
		 */
		{ "DMAR: [DMA", NULL, NULL },
		{ "DMAR: [INTR-REMAP]", NULL, NULL },
		{ "DMAR: DRHD: handling fault", NULL, NULL },
		{ "AMD-Vi: Event logged [", NULL, NULL },
		{ "IO_PAGE_FAULT", NULL, NULL },
		{ "event 0x", " received:", NULL },
		{ "unexpected global error reported", NULL, NULL },
		{ "Unhandled context fault:", NULL, NULL },
		{ "Unexpected global fault", NULL, NULL },
		{ " fault from EP ", NULL, NULL },
		/* Storage I/O that never completed, or failed: a p2p DMA that went nowhere. */
		{ "timeout, aborting", NULL, NULL },
		{ "timeout, reset controller", NULL, NULL },
		{ "I/O error, dev ", NULL, NULL },
	};
	/*
	 * What dma-debug says about itself (at boot, when its pool grows, when
	 * its driver filter changes), and the allocation stack it prints after
	 * an error's report: none of it is an error.
	 */
	static const char *const notes[] = {
		"DMA-API: preallocated ",
		"DMA-API: debugging enabled by kernel config",
		"DMA-API: debugging disabled on kernel command line",
		"DMA-API: dma_debug_entry pool grown to",
		"DMA-API: enable driver filter for driver",
		"DMA-API: switching off dma-debug driver filter",
		"DMA-API: Mapped at:",
	};

	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		if (strstr(text, notes[i]))
			return NULL;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *at = strstr(text, markers[i].text);

		if (at && (!markers[i].then || strstr(at + strlen(markers[i].text), markers[i].then)))
			return &markers[i];
	}
	return NULL;
}

/*
 * The IOMMU driver that logged @text, or NULL: the prefix its messages
 * carry, "DRIVER DEVICE: " of dev_err() or a pr_fmt tag (which a
 * pci_err() on the faulting device carries after that device's name).
 */
static inline const char *kmsg_iommu_driver(const char *text)
{
	static const char *const drivers[] = {
		"virtio_iommu ", "arm-smmu-v3 ", "arm-smmu ",
	};
	static const char *const tags[] = {
		"DMAR: ", "DMAR-IR: ", "AMD-Vi: ", "iommu: ",
	};

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strncmp(text, drivers[i], strlen(drivers[i])))
			return drivers[i];
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strstr(text, tags[i]))
			return tags[i];
	return NULL;
}

/* Whether the priority alone makes the kernel's line @text suspect. */
static inline bool kmsg_prio_suspect(int prio, const char *text)
{
	int level = prio & 7;

	if (prio < 0 || prio >> 3 != KMSG_FACILITY_KERN)
		return false;
	return level <= KMSG_LEVEL_CRIT || (level <= KMSG_LEVEL_ERR && kmsg_iommu_driver(text));
}

/* Whether a line at @prio (KMSG_PRIO_UNKNOWN: not known) is suspect. */
static inline bool kmsg_suspect(int prio, const char *text)
{
	return kmsg_marker_of(text) || kmsg_prio_suspect(prio, text);
}

/*
 * A /dev/kmsg record, "PRIO,SEQ,USEC,FLAGS[,...];TEXT\n" with dictionary
 * lines (" KEY=VALUE\n") after it: its priority, sequence number and time,
 * and where its text starts and how long it is. False when it is not one.
 */
struct kmsg_record {
	int prio;
	unsigned long long seq;
	unsigned long long usec;
	const char *text;
	size_t text_len;
};

static inline bool kmsg_record_parse(const char *rec, size_t len, struct kmsg_record *r)
{
	const char *semi = memchr(rec, ';', len), *end;
	char head[96], *p;
	size_t n;
	unsigned long prio;

	if (!semi || (size_t)(semi - rec) >= sizeof(head))
		return false;
	n = (size_t)(semi - rec);
	memcpy(head, rec, n);
	head[n] = '\0';
	prio = strtoul(head, &p, 10);
	if (p == head || *p != ',' || prio > 1023)
		return false;
	r->seq = strtoull(p + 1, &p, 10);
	if (*p != ',')
		return false;
	r->usec = strtoull(p + 1, &p, 10);
	if (*p != ',' && *p != '\0')
		return false;
	r->prio = (int)prio;
	r->text = semi + 1;
	end = memchr(r->text, '\n', len - (size_t)(r->text - rec));
	r->text_len = end ? (size_t)(end - r->text) : len - (size_t)(r->text - rec);
	return true;
}

#endif
