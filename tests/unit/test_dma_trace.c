// SPDX-License-Identifier: GPL-2.0
/*
 * The dma trace read back: traces captured in the virtual lab (7.3.4's
 * dma_map_phys with attrs=MMIO for mmio and resource transfers and none
 * for RAM; 6.12.117's dma_map_page), pairing by device and address, the
 * proof's verdicts, and which events a kernel's tracefs offers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dma_trace.h"
#include "scenario_checks.h"
#include "tracefs.h"

#define EDU "0000:04:00.0"
#define NVME "0000:03:00.0"

static char *read_data(const char *name)
{
	char path[4096];
	FILE *f;
	char *text = calloc(1, 1 << 20);

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", source_top(), name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(text);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

#define MAP(dev, addr, size, attrs)                                                        \
	"  p2prig-165 [000] .....  7.135691: dma_map_phys: " dev " dir=BIDIRECTIONAL dma_addr=" \
	addr " size=" size " phys_addr=f4010000 attrs=" attrs "\n"
#define UNMAP(dev, addr, size, attrs)                                                        \
	"  p2prig-165 [000] .....  7.135695: dma_unmap_phys: " dev " dir=BIDIRECTIONAL dma_addr=" \
	addr " size=" size " attrs=" attrs "\n"

static void test_captured_7_3(void **state)
{
	char *text = read_data("trace-7.3.4-transfer.txt");
	struct dma_trace_tally t;
	char why[256];

	(void)state;
	dma_trace_tally(text, EDU, &t);
	assert_int_equal(t.maps, 13);
	assert_int_equal(t.unmaps, 13);
	assert_int_equal(t.mmio_maps, 6);	/* 3 mmio + 3 resource: dma_map_resource is MMIO now */
	assert_int_equal(t.mmio_unmaps, 6);
	assert_int_equal(t.sg_maps, 4);
	assert_int_equal(t.unmatched_unmaps + t.mismatched + t.outstanding, 0);
	assert_true(dma_trace_check(&t, 13, DMA_TRACE_ATTRS_ANY, why, sizeof(why)));
	/* Not every map is MMIO (RAM and p2p pages are among them). */
	assert_false(dma_trace_check(&t, 13, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_string_equal(why, "only 6 of 13 maps and 6 of 13 unmaps show attrs=MMIO");
	assert_false(dma_trace_check(&t, 12, DMA_TRACE_ATTRS_ANY, why, sizeof(why)));
	assert_string_equal(why, "12 maps made, the trace shows 13 maps and 13 unmaps");

	dma_trace_tally(text, NVME, &t);
	assert_int_equal(t.maps, 1);
	assert_int_equal(t.unmaps, 1);	/* unmapped in an interrupt: still paired */
	assert_true(dma_trace_check(&t, 1, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));
	free(text);
}

static void test_captured_6_12(void **state)
{
	char *text = read_data("trace-6.12.117-transfer.txt");
	struct dma_trace_tally t;
	char why[256];

	(void)state;
	dma_trace_tally(text, EDU, &t);
	assert_int_equal(t.maps, 3);	/* dma_map_page of a RAM chunk */
	assert_int_equal(t.mmio_maps, 0);
	assert_true(dma_trace_check(&t, 3, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));
	/* nvme maps its scatterlist with NO_WARN and unmaps it without: still a pair. */
	dma_trace_tally(text, NVME, &t);
	assert_int_equal(t.maps, 2);
	assert_int_equal(t.sg_maps, 1);
	assert_int_equal(t.mismatched, 0);
	assert_int_equal(t.outstanding, 0);
	free(text);
}

static void test_pairing_problems(void **state)
{
	struct dma_trace_tally t;
	char why[256];

	(void)state;
	dma_trace_tally(MAP(EDU, "ffffc000", "4096", "MMIO") UNMAP(EDU, "ffffc000", "4096", ""),
			EDU, &t);
	assert_int_equal(t.mismatched, 1);
	assert_false(dma_trace_check(&t, 1, DMA_TRACE_ATTRS_ANY, why, sizeof(why)));
	assert_non_null(strstr(why, "1 with other size or attrs"));

	dma_trace_tally(MAP(EDU, "ffffc000", "4096", "MMIO") UNMAP(EDU, "ffffc000", "8192", "MMIO"),
			EDU, &t);
	assert_int_equal(t.mismatched, 1);

	dma_trace_tally(MAP(EDU, "ffffc000", "4096", "MMIO") MAP(EDU, "ffffa000", "4096", "MMIO")
			UNMAP(EDU, "ffffb000", "4096", "MMIO"), EDU, &t);
	assert_int_equal(t.unmatched_unmaps, 1);
	assert_int_equal(t.outstanding, 2);
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));

	/* Interleaved maps (several threads) pair by address, whatever the order. */
	dma_trace_tally(MAP(EDU, "1000", "4096", "MMIO|SKIP_CPU_SYNC") MAP(EDU, "2000", "4096",
			"MMIO") UNMAP(EDU, "1000", "4096", "MMIO|SKIP_CPU_SYNC")
			UNMAP(EDU, "2000", "4096", "MMIO") MAP(NVME, "3000", "4096", ""), EDU, &t);
	assert_int_equal(t.maps, 2);
	assert_int_equal(t.mmio_maps, 2);
	assert_true(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));
	assert_string_equal(why, "2 maps and 2 unmaps of RAM show attrs=MMIO");
	/* iova-link: the path has no events, and none may show up. */
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_NO_EVENTS, why, sizeof(why)));
	dma_trace_tally("# tracer: nop\n", EDU, &t);
	assert_true(dma_trace_check(&t, 32, DMA_TRACE_ATTRS_NO_EVENTS, why, sizeof(why)));
	/* "NO_MMIO" is not MMIO. */
	dma_trace_tally(MAP(EDU, "1000", "4096", "NO_MMIO_X") UNMAP(EDU, "1000", "4096", "NO_MMIO_X"),
			EDU, &t);
	assert_int_equal(t.mmio_maps, 0);
}

#define PROBE_SG                                                                                  \
	"  p2prig-165 [000] .....  5.535220: dma_map_sg: " EDU " dir=BIDIRECTIONAL nents=1/1 ents=1/1 " \
	"dma_addrs={0xf4010000} sizes={0x1000} phys_addrs={0xf4010000} attrs=\n"                   \
	"  p2prig-165 [000] .....  5.535221: dma_unmap_sg: " EDU " dir=BIDIRECTIONAL "               \
	"phys_addrs={0xf4010000} attrs=\n"

/* A transfer step: the p2pdma probe's scatterlist, then the step's own mappings. */
static void test_transfer_pairs(void **state)
{
	struct dma_trace_tally t;
	char why[256];

	(void)state;
	dma_trace_tally(PROBE_SG MAP(EDU, "ffffc000", "8192", "MMIO") UNMAP(EDU, "ffffc000", "8192", "MMIO")
			MAP(EDU, "ffffa000", "8192", "MMIO") UNMAP(EDU, "ffffa000", "8192", "MMIO"), EDU, &t);
	assert_int_equal(t.maps, 3);
	assert_int_equal(t.sg_maps, 1);
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));

	dma_trace_tally(PROBE_SG MAP(EDU, "ffffc000", "8192", "") UNMAP(EDU, "ffffc000", "8192", ""),
			EDU, &t);
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_string_equal(why, "0 of 1 maps and 0 of 1 unmaps show attrs=MMIO");
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));

	/* A refused map (swiotlb=force and MMIO, as captured) has no unmap to pair with. */
	dma_trace_tally(PROBE_SG MAP(EDU, "ffffffffffffffff", "65536", "MMIO"), EDU, &t);
	assert_int_equal(t.refused, 1);
	assert_int_equal(t.outstanding, 0);
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));

	dma_trace_tally(MAP(EDU, "ffffc000", "8192", "MMIO"), EDU, &t);
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_non_null(strstr(why, "1 maps left"));

	/* The ring buffer overwrote events: counted, so the proof is not judged. */
	dma_trace_tally("# entries-in-buffer/entries-written: 28/40   #P:1\n", EDU, &t);
	assert_int_equal(t.lost, 12);
	char *text = read_data("trace-7.3.4-transfer.txt");
	dma_trace_tally(text, EDU, &t);
	assert_int_equal(t.lost, 0);
	free(text);
}

static bool kernel_7_3(const char *name, void *data)
{
	(void)data;
	return strcmp(name, "dma_map_phys") == 0 || strcmp(name, "dma_unmap_phys") == 0 ||
	       strcmp(name, "dma_map_sg") == 0 || strcmp(name, "dma_unmap_sg") == 0;
}

static bool kernel_6_12(const char *name, void *data)
{
	(void)data;
	return strstr(name, "_phys") == NULL;
}

static bool no_dma_events(const char *name, void *data)
{
	(void)name;
	(void)data;
	return false;
}

static void test_event_sets(void **state)
{
	struct dma_event_set set;
	char text[128];

	(void)state;
	assert_true(dma_event_set_choose(kernel_7_3, NULL, &set));
	assert_true(set.phys);
	dma_event_set_text(&set, text, sizeof(text));
	assert_string_equal(text, "dma_map_phys,dma_unmap_phys,dma_map_sg,dma_unmap_sg");

	assert_true(dma_event_set_choose(kernel_6_12, NULL, &set));
	assert_false(set.phys);
	dma_event_set_text(&set, text, sizeof(text));
	assert_string_equal(text, "dma_map_page,dma_unmap_page,dma_map_resource,dma_unmap_resource,"
			    "dma_map_sg,dma_unmap_sg");

	assert_false(dma_event_set_choose(no_dma_events, NULL, &set));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_7_3),
		cmocka_unit_test(test_captured_6_12),
		cmocka_unit_test(test_pairing_problems),
		cmocka_unit_test(test_transfer_pairs),
		cmocka_unit_test(test_event_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
