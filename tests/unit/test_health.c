// SPDX-License-Identifier: GPL-2.0
/* Kernel health: which kernel log lines fail a step, and allow-dmesg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"

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
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(health_text_is_suspect(bad[i]));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_false(health_text_is_suspect(good[i]));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_text),
		cmocka_unit_test(test_suspect_lines),
		cmocka_unit_test(test_allow_dmesg),
		cmocka_unit_test(test_unreadable_log),
	};

	return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
