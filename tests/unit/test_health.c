// SPDX-License-Identifier: GPL-2.0
/* Kernel health: which kernel log lines fail a step, and allow-dmesg. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "system/health.h"

#include "unit_helpers.h"

static void test_record_text(void **state)
{
	static const char record[] =
		"4,1234,5678901,-;DMAR: DRHD: handling fault status reg 2\n"
		" SUBSYSTEM=pci\n DEVICE=+pci:0000:04:00.0\n";
	char text[128];

	(void)state;
	assert_true(health_record_text(record, sizeof(record) - 1, text, sizeof(text)));
	assert_string_equal(text, "DMAR: DRHD: handling fault status reg 2");
	assert_false(health_record_text("no separator\n", 13, text, sizeof(text)));
}

static void test_suspect_lines(void **state)
{
	static const char *const bad[] = {
		"WARNING: CPU: 0 PID: 42 at kernel/dma/mapping.c:123 dma_map_phys+0x1/0x2",
		"BUG: unable to handle page fault for address: ffffc90000000000",
		"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		"general protection fault, probably for non-canonical address",
		"DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault addr 0xfe000000",
		"DMAR: DRHD: handling fault status reg 2",
		"AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x0]",
		"Call Trace:",
		"Kernel panic - not syncing: Fatal exception",
		"nvme nvme1: I/O tag 941 (73ad) opcode 0x2 (I/O Cmd) QID 1 timeout, aborting req_op:READ(0) size:65536",
		"nvme nvme1: I/O tag 941 (73ad) opcode 0x2 (I/O Cmd) QID 1 timeout, reset controller",
		"I/O error, dev nvme1n1, sector 2048 op 0x0:(READ) flags 0x4000 phys_seg 16 prio class 0",
	};
	static const char *const good[] = {
		"p2prig: begin scenario nvme-cmb",
		"nvme nvme0: 1/0/0 default/read/poll queues",
		"nvme nvme1: Abort status: 0x0",
		"pci 0000:03:00.0: p2pmem published",
		"warning: lowercase is not the kernel's WARN format",
		/* The debug checkers saying they are there, at boot. */
		"DMA-API: preallocated 65536 debug entries",
		"DMA-API: debugging enabled by kernel config",
		"kmemleak: Kernel memory leak detector initialized (mem pool available: 15706)",
		"kasan: KernelAddressSanitizer initialized (generic)",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(health_text_is_suspect(bad[i]));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_false(health_text_is_suspect(good[i]));
}

/* Each debug checker's report is suspect and says which checker made it. */
static void test_checker_lines(void **state)
{
	static const struct {
		const char *text, *checker;
	} named[] = {
		{ "DMA-API: p2prig_edu 0000:01:00.0: device driver frees DMA memory with different size "
		  "[device address=0x00000000fff00000] [map size=65536 bytes] [unmap size=65535 bytes]",
		  "dma-debug" },
		{ "DMA-API: nvme 0000:02:00.0: device driver frees DMA memory with different direction "
		  "[device address=0x0000000012340000] [size=4096 bytes] [mapped with DMA_TO_DEVICE] "
		  "[unmapped with DMA_BIDIRECTIONAL]", "dma-debug" },
		{ "DMA-API: exceeded 7 overlapping mappings of cacheline 0x0000000001234560", "dma-debug" },
		{ "BUG: KASAN: slab-out-of-bounds in p2prig_ioctl+0x1a4/0x6d0 [p2prig]", "KASAN" },
		{ "WARNING: possible circular locking dependency detected", "lockdep" },
		{ "WARNING: inconsistent lock state", "lockdep" },
		{ "WARNING: possible recursive locking detected", "lockdep" },
		{ "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", "lockdep" },
		{ "WARNING: bad unlock balance detected!", "lockdep" },
		{ "WARNING: suspicious RCU usage", "lockdep" },
		{ "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580",
		  "atomic-sleep" },
		{ "BUG: scheduling while atomic: p2prig/391/0x00000002", "atomic-sleep" },
		{ "UBSAN: array-index-out-of-bounds in kmod/main.c:123:9", "UBSAN" },
		{ "kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
		  "kmemleak" },
	};
	static const char *const unnamed[] = {
		"WARNING: kernel/dma/debug.c:1014 at check_unmap+0x7d8/0x1a20, CPU#1: p2prig/391",
		"BUG: unable to handle page fault for address: ffffc90000000000",
		"DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault addr 0xfe000000",
	};
	static const char *const notes[] = {
		"DMA-API: preallocated 65536 debug entries",
		"DMA-API: dma_debug_entry pool grown to 131072 (200%)",
		"DMA-API: Mapped at:",
		"kmemleak: Automatic memory scanning thread started",
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		assert_true(health_text_is_suspect(named[i].text));
		assert_non_null(health_text_checker(named[i].text));
		assert_string_equal(health_text_checker(named[i].text), named[i].checker);
	}
	for (size_t i = 0; i < sizeof(unnamed) / sizeof(unnamed[0]); i++) {
		assert_true(health_text_is_suspect(unnamed[i]));
		assert_null(health_text_checker(unnamed[i]));
	}
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		assert_false(health_text_is_suspect(notes[i]));
		assert_null(health_text_checker(notes[i]));
	}
	health_finding_text("UBSAN: shift-out-of-bounds in x.c:1:2", out, sizeof(out));
	assert_string_equal(out, "[UBSAN] UBSAN: shift-out-of-bounds in x.c:1:2");
	health_finding_text("Oops: 0000 [#1] SMP", out, sizeof(out));
	assert_string_equal(out, "Oops: 0000 [#1] SMP");
	health_finding_text("DMA-API: p2prig_edu 0000:01:00.0: device driver frees DMA memory",
			    out, 24);
	assert_string_equal(out, "[dma-debug] DMA-API: p2");
}

static void test_allow_dmesg(void **state)
{
	struct scenario sc;
	static const char text[] =
		"describe an expected fault\n"
		"provider cmb nvme-cmb id=1b36:0010 size=1M\n"
		"initiator edu edu id=1234:11e8\n"
		"step s transfer provider=cmb initiator=edu method=mmio size=4K piece=4K seed=1\n"
		"allow-dmesg ^DMAR: \\[DMA (Read|Write)\n";

	(void)state;
	assert_int_equal(scenario_parse_text("allow", text, &sc), 0);
	assert_true(health_text_is_allowed("DMAR: [DMA Write NO_PASID] Request device",
					   sc.allows, sc.n_allows));
	assert_false(health_text_is_allowed("DMAR: DRHD: handling fault status reg 2",
					    sc.allows, sc.n_allows));
	assert_false(health_text_is_allowed("DMAR: [DMA Read]", sc.allows, 0));
	scenario_free(&sc);
}

/* A log that cannot be opened says why instead of failing the run. */
static void test_unreadable_log(void **state)
{
	struct health_watch w;

	(void)state;
	assert_false(health_open(&w, "/nonexistent/kmsg", "x"));
	assert_int_equal(w.fd, -1);
	assert_string_equal(w.why, "cannot read /nonexistent/kmsg (No such file or directory)");
}


/*
 * Each IOMMU's fault as its driver words it (drivers/iommu/): suspect
 * without a priority, as a saved log without one has them.
 */
static void test_iommu_faults(void **state)
{
	static const char *const faults[] = {
		/* virtio-iommu: an error line, no WARNING after it */
		"virtio_iommu virtio0: page fault from EP 8 at 0xfe000000 [R]",
		"virtio_iommu virtio0: domain fault from EP 16",
		/* intel */
		"DMAR: [DMA Write NO_PASID] Request device [00:04.0] fault addr 0xfe000000 "
		"[fault reason 0x05] PTE Write access is not set",
		"DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 0x2 [fault reason 0x25] "
		"Blocked a compatibility format interrupt request",
		/* AMD-Vi: on the faulting device, or the IOMMU's own line */
		"nvme 0000:41:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000e "
		"address=0xfe000000 flags=0x0020]",
		"AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:41:00.0 pasid=0x00000 "
		"address=0xfe000000 flags=0x0a00]",
		/* ARM SMMUv3's raw dump heading, its global error; SMMUv2 */
		"arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:",
		"arm-smmu-v3 arm-smmu-v3.0.auto: unexpected global error reported (0x00000001), "
		"this could be serious",
		"arm-smmu 2b400000.iommu: Unhandled context fault: fsr=0x402, iova=0xfe000000, "
		"fsynr=0x1, cbfrsynra=0x0, cb=0",
		"arm-smmu 2b400000.iommu: Unexpected global fault, this could be serious",
	};
	static const char *const fine[] = {
		"virtio_iommu virtio0: input address: 64 bits",
		"AMD-Vi: Interrupt remapping enabled",
		"arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit (features 0x00001fef)",
		"e1000e 0000:00:19.0: event 0x10 queued",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		assert_true(health_text_is_suspect(faults[i]));
		assert_true(health_line_is_suspect(HEALTH_PRIO_UNKNOWN, faults[i]));
	}
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		assert_false(health_text_is_suspect(fine[i]));
}

/*
 * The kernel's priority: crit or worse from anyone, err or worse from an
 * IOMMU driver, is a finding without a marker; an error of another driver
 * (an RCU stall on a slow TCG host) and what user space writes are not.
 */
static void test_priority(void **state)
{
	static const struct {
		int prio;
		const char *text;
		bool suspect;
	} lines[] = {
		{ 3, "virtio_iommu virtio0: could not add event buffer", true },
		{ 3, "arm-smmu-v3 arm-smmu-v3.0.auto: EVTQ overflow detected -- events lost", true },
		{ 3, "DMAR: VT-d detected Invalidation Time-out Error: SID 0", true },
		{ 3, "pcieport 0000:00:01.0: DMAR: no free domain ids", true },
		{ 3, "iommu: Failed to allocate default IOMMU domain of type 11 for group (null)",
		  true },
		{ 2, "EXT4-fs error (device nvme0n1): ext4_find_entry:1455: inode #2: comm ls", true },
		{ 0, "something the kernel says before it dies", true },
		{ 4, "virtio_iommu virtio0: unknown resv mem subtype 0x3", false },
		{ 6, "virtio_iommu virtio0: input address: 64 bits", false },
		{ 3, "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", false },
		{ 3, "nvme 0000:01:00.0: something a driver reports", false },
		/* user.err: a program wrote it into /dev/kmsg */
		{ 8 + 3, "virtio_iommu virtio0: text from user space", false },
		{ 8 + 2, "a program's crit line", false },
		{ HEALTH_PRIO_UNKNOWN, "virtio_iommu virtio0: could not add event buffer", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (health_line_is_suspect(lines[i].prio, lines[i].text) != lines[i].suspect)
			fail_msg("<%d> %s: expected %s", lines[i].prio, lines[i].text,
				 lines[i].suspect ? "suspect" : "fine");
	}
}

/* A record's priority and sequence number are kept with its text. */
static void test_record_fields(void **state)
{
	static const char record[] = "3,4711,5678901,-,caller=T81;virtio_iommu virtio0: "
				     "page fault from EP 8 at 0xfe000000 [R]\n SUBSYSTEM=virtio\n";
	struct health_record r;
	char text[128];

	(void)state;
	assert_true(health_record_read(record, sizeof(record) - 1, &r, text, sizeof(text)));
	assert_int_equal(r.prio, 3);
	assert_int_equal(r.seq, 4711);
	assert_int_equal(r.usec, 5678901);
	assert_string_equal(text, "virtio_iommu virtio0: page fault from EP 8 at 0xfe000000 [R]");
	assert_false(health_record_read("x,1,2,-;text\n", 13, &r, text, sizeof(text)));
	assert_false(health_record_read("6,1,2,-\n", 8, &r, text, sizeof(text)));
}

UNIT_TEST_MAIN("health",
	cmocka_unit_test(test_record_text),
	cmocka_unit_test(test_suspect_lines),
	cmocka_unit_test(test_checker_lines),
	cmocka_unit_test(test_allow_dmesg),
	cmocka_unit_test(test_unreadable_log),
	cmocka_unit_test(test_iommu_faults),
	cmocka_unit_test(test_priority),
	cmocka_unit_test(test_record_fields));
