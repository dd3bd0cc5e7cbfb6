// SPDX-License-Identifier: GPL-2.0
/*
 * The dma trace read back typed: the dma events' formats recorded from the
 * virtual lab's kernels (7.3.4's dma_map_phys with MMIO among its attrs,
 * 6.12.117's dma_map_page and dma_map_resource without), parsed by
 * libtraceevent; raw records laid out by those formats (every field where
 * the format puts it) and decoded as the runner decodes the ring buffer;
 * pairing by device and address, the proof's verdicts, and which events a
 * kernel's tracefs offers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event-parse.h>
#include <trace-seq.h>

#include "system/dma_trace.h"
#include "scenario_checks.h"
#include "system/trace_instance.h"

#include "unit_helpers.h"

#define EDU "0000:04:00.0"
#define NVME "0000:03:00.0"

/* The kernel's DMA_ATTR_* bits (include/linux/dma-mapping.h, 7.3 and 6.12 alike). */
#define SKIP_CPU_SYNC (1UL << 5)
#define NO_WARN (1UL << 8)
#define MMIO (1UL << 10)	/* 7.3 only: 6.12 has no such attribute */

struct kernel {
	struct tep_handle *tep;
	const char *map, *unmap;	/* dma_map_phys, or 6.12's dma_map_page */
};

static struct tep_event *format(struct kernel *k, const char *name)
{
	struct tep_event *event = tep_find_event_by_name(k->tep, "dma", name);

	assert_non_null(event);
	return event;
}

/* Parses tests/unit/data/dma-formats-VERSION/NAME for each event that kernel has. */
static void load(struct kernel *k, const char *version)
{
	static const char *const names[] = {
		"dma_map_phys", "dma_unmap_phys", "dma_map_page", "dma_unmap_page",
		"dma_map_resource", "dma_unmap_resource", "dma_map_sg", "dma_unmap_sg",
	};
	char path[4096], buf[16384];
	size_t parsed = 0;

	k->tep = tep_alloc();
	assert_non_null(k->tep);
	tep_set_long_size(k->tep, 8);
	tep_set_file_bigendian(k->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(k->tep, TEP_LITTLE_ENDIAN);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/tests/unit/data/dma-formats-%s/%s", source_top(),
			 version, names[i]);
		FILE *f = fopen(path, "r");

		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		struct tep_event *event = NULL;

		assert_int_equal(tep_parse_format(k->tep, &event, buf, n, "dma"), 0);
		parsed++;
	}
	assert_int_equal(parsed, strcmp(version, "7.3.4") == 0 ? 4 : 6);
	k->map = tep_find_event_by_name(k->tep, "dma", "dma_map_phys") ? "dma_map_phys"
									 : "dma_map_page";
	k->unmap = strcmp(k->map, "dma_map_phys") == 0 ? "dma_unmap_phys" : "dma_unmap_page";
}

/* A raw record of one event, laid out by its format. */
struct raw {
	unsigned char data[1024];
	size_t used;
	struct tep_event *event;
	struct tep_record record;
};

static void put(struct raw *r, const char *name, uint64_t value)
{
	struct tep_format_field *f = tep_find_field(r->event, name);

	if (!f)
		f = tep_find_common_field(r->event, name);
	assert_non_null(f);
	assert_true(f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);
	/* Little endian, as the format's kernel and this host are. */
	for (int i = 0; i < f->size; i++)
		r->data[f->offset + i] = (unsigned char)(value >> (8 * i));
}

/* A __data_loc field: its bytes after the fixed part, their place and length in the field. */
static void put_dynamic(struct raw *r, const char *name, const void *bytes, size_t len)
{
	struct tep_format_field *f = tep_find_field(r->event, name);

	assert_non_null(f);
	assert_true(f->flags & TEP_FIELD_IS_DYNAMIC);
	assert_false(f->flags & TEP_FIELD_IS_RELATIVE);
	assert_true(r->used + len <= sizeof(r->data));
	memcpy(r->data + r->used, bytes, len);
	put(r, name, (uint64_t)(len << 16 | r->used));
	r->used += len;
}

static void begin(struct raw *r, struct kernel *k, const char *name, const char *device)
{
	memset(r, 0, sizeof(*r));
	r->event = format(k, name);
	for (struct tep_format_field *f = r->event->format.common_fields; f; f = f->next)
		if ((size_t)(f->offset + f->size) > r->used)
			r->used = (size_t)(f->offset + f->size);
	for (struct tep_format_field *f = r->event->format.fields; f; f = f->next)
		if ((size_t)(f->offset + f->size) > r->used)
			r->used = (size_t)(f->offset + f->size);
	put(r, "common_type", (uint64_t)r->event->id);
	put(r, "common_pid", 165);
	put_dynamic(r, "device", device, strlen(device) + 1);
	if (tep_find_field(r->event, "dir"))
		put(r, "dir", 0);	/* DMA_BIDIRECTIONAL */
}

static struct tep_record *end(struct raw *r)
{
	r->record.data = r->data;
	r->record.size = (int)r->used;
	r->record.ts = 7135691000ULL;
	return &r->record;
}

/* One single mapping's event: a map (with its physical address) or an unmap. */
static struct tep_record *single(struct raw *r, struct kernel *k, const char *name,
				 const char *device, uint64_t dma_addr, uint64_t size, uint64_t attrs)
{
	begin(r, k, name, device);
	if (tep_find_field(r->event, "phys_addr")) {
		put(r, "phys_addr", 0xf4010000);
		put(r, "dma_addr", dma_addr);
	} else {
		put(r, "addr", dma_addr);
	}
	put(r, "size", size);
	put(r, "attrs", attrs);
	return end(r);
}

/* A one-entry scatterlist's map or unmap. */
static struct tep_record *sg(struct raw *r, struct kernel *k, const char *name, const char *device,
			     uint64_t phys, uint64_t attrs)
{
	uint32_t length = 4096;

	begin(r, k, name, device);
	if (strcmp(name, "dma_map_sg") == 0) {
		put(r, "full_nents", 1);
		put(r, "full_ents", 1);
		put_dynamic(r, "phys_addrs", &phys, sizeof(phys));
		put_dynamic(r, "dma_addrs", &phys, sizeof(phys));
		put_dynamic(r, "lengths", &length, sizeof(length));
	} else {
		put_dynamic(r, "addrs", &phys, sizeof(phys));
	}
	put(r, "attrs", attrs);
	return end(r);
}

/* What the kernel's trace file would print for the record: the runner's trace-STEP.txt. */
static void text(struct raw *r, char *buf, size_t size)
{
	struct trace_seq s;

	trace_seq_init(&s);
	tep_print_event(r->event->tep, &s, &r->record, "%s: %s", TEP_PRINT_NAME, TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(buf, size, "%s", s.buffer);
	trace_seq_destroy(&s);
}

/* Decodes the record and tallies it for DEVICE, as the runner does. */
static void add(struct dma_trace_tally *t, const char *device, struct raw *r)
{
	struct dma_trace_event ev;
	char line[512];

	assert_true(dma_trace_decode(r->event, &r->record, &ev));
	text(r, line, sizeof(line));
	dma_trace_tally_add(t, device, &ev, line);
}

static void map(struct dma_trace_tally *t, struct kernel *k, const char *device, uint64_t dma,
		uint64_t size, uint64_t attrs)
{
	struct raw r;

	single(&r, k, k->map, device, dma, size, attrs);
	add(t, EDU, &r);
}

static void unmap(struct dma_trace_tally *t, struct kernel *k, const char *device, uint64_t dma,
		  uint64_t size, uint64_t attrs)
{
	struct raw r;

	single(&r, k, k->unmap, device, dma, size, attrs);
	add(t, EDU, &r);
}

/* One map of EDU's and its matching unmap. */
static void map_unmap(struct dma_trace_tally *t, struct kernel *k, uint64_t dma, uint64_t size,
		      uint64_t attrs)
{
	map(t, k, EDU, dma, size, attrs);
	unmap(t, k, EDU, dma, size, attrs);
}

static void probe_sg(struct dma_trace_tally *t, struct kernel *k)
{
	struct raw r;

	sg(&r, k, "dma_map_sg", EDU, 0xf4010000, 0);
	add(t, EDU, &r);
	sg(&r, k, "dma_unmap_sg", EDU, 0xf4010000, 0);
	add(t, EDU, &r);
}

/*
 * nvme's one-entry scatterlist, mapped with NO_WARN and unmapped without: it
 * pairs by its first physical address (phys_addrs on the map, addrs on the
 * unmap), decoded and tallied alike on every kernel.
 */
static void check_nvme_sg(struct kernel *k)
{
	struct raw r;
	struct dma_trace_event ev;
	struct dma_trace_tally t;

	dma_trace_tally_begin(&t);
	sg(&r, k, "dma_map_sg", NVME, 0x4667940, NO_WARN);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_int_equal(ev.kind, DMA_TRACE_SG);
	assert_int_equal(ev.key, 0x4667940);
	assert_int_equal(ev.size, 0);
	add(&t, NVME, &r);
	sg(&r, k, "dma_unmap_sg", NVME, 0x4667940, 0);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_false(ev.map);
	assert_int_equal(ev.key, 0x4667940);
	add(&t, NVME, &r);
	dma_trace_tally_end(&t);
	assert_int_equal(t.sg_maps, 1);
	assert_int_equal(t.mismatched, 0);
	assert_int_equal(t.outstanding, 0);
}

/* 7.3.4's events decoded typed, and printed as the kernel prints them. */
static void test_fields_7_3(void **state)
{
	struct kernel k;
	struct raw r;
	struct dma_trace_event ev;
	char line[512];

	(void)state;
	load(&k, "7.3.4");
	assert_string_equal(k.map, "dma_map_phys");
	single(&r, &k, "dma_map_phys", EDU, 0xffffc000, 8192, MMIO);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_string_equal(ev.device, EDU);
	assert_int_equal(ev.kind, DMA_TRACE_PHYS);
	assert_true(ev.map);
	assert_int_equal(ev.key, 0xffffc000);
	assert_int_equal(ev.size, 8192);
	assert_true(ev.mmio);
	text(&r, line, sizeof(line));
	assert_string_equal(line, "dma_map_phys: " EDU " dir=BIDIRECTIONAL dma_addr=ffffc000 "
			    "size=8192 phys_addr=f4010000 attrs=MMIO");

	/* The unmap's address field is addr; NO_WARN is left out of the pairing. */
	single(&r, &k, "dma_unmap_phys", EDU, 0xffffc000, 8192, MMIO | NO_WARN | SKIP_CPU_SYNC);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_false(ev.map);
	assert_int_equal(ev.key, 0xffffc000);
	assert_true(ev.mmio);
	assert_int_equal(ev.attrs, MMIO | NO_WARN | SKIP_CPU_SYNC);
	assert_int_equal(ev.pair_attrs, MMIO | SKIP_CPU_SYNC);
	text(&r, line, sizeof(line));
	assert_string_equal(line, "dma_unmap_phys: " EDU " dir=BIDIRECTIONAL dma_addr=ffffc000 "
			    "size=8192 attrs=SKIP_CPU_SYNC|NO_WARN|MMIO");

	single(&r, &k, "dma_map_phys", NVME, 0xfffd7000, 4096, 0);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_string_equal(ev.device, NVME);
	assert_false(ev.mmio);

	check_nvme_sg(&k);
	tep_free(k.tep);
}

/* 6.12.117's: dma_map_page and dma_map_resource, and no MMIO in its attrs' flags. */
static void test_fields_6_12(void **state)
{
	struct kernel k;
	struct raw r;
	struct dma_trace_event ev;
	struct dma_trace_tally t;
	char line[512], why[256];

	(void)state;
	load(&k, "6.12.117");
	assert_string_equal(k.map, "dma_map_page");
	single(&r, &k, "dma_map_resource", EDU, 0xfe000000, 4096, 0);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_int_equal(ev.kind, DMA_TRACE_RESOURCE);
	assert_int_equal(ev.key, 0xfe000000);
	assert_false(ev.mmio);
	/* Bit 10 means nothing to 6.12: not taken for MMIO. */
	single(&r, &k, "dma_map_page", EDU, 0xffffc000, 8192, MMIO);
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	assert_int_equal(ev.kind, DMA_TRACE_PAGE);
	assert_false(ev.mmio);
	single(&r, &k, "dma_map_page", EDU, 0xffffc000, 8192, 0);
	text(&r, line, sizeof(line));
	assert_string_equal(line, "dma_map_page: " EDU " dir=BIDIRECTIONAL dma_addr=ffffc000 "
			    "size=8192 phys_addr=f4010000 attrs=");

	/* A RAM transfer on 6.12, as captured there: three map/unmap pairs, no MMIO. */
	dma_trace_tally_begin(&t);
	for (uint64_t a = 0xffffc000; a > 0xffff6000; a -= 0x2000)
		map_unmap(&t, &k, a, 8192, 0);
	dma_trace_tally_end(&t);
	assert_int_equal(t.maps, 3);
	assert_int_equal(t.mmio_maps, 0);
	assert_true(dma_trace_check(&t, 3, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));
	check_nvme_sg(&k);
	tep_free(k.tep);
}

static void test_pairing_problems(void **state)
{
	struct kernel k;
	struct dma_trace_tally t;
	struct raw r;
	char why[256];

	(void)state;
	load(&k, "7.3.4");
	dma_trace_tally_begin(&t);
	map(&t, &k, EDU, 0xffffc000, 4096, MMIO);
	unmap(&t, &k, EDU, 0xffffc000, 4096, 0);
	dma_trace_tally_end(&t);
	assert_int_equal(t.mismatched, 1);
	assert_string_equal(t.first_problem, "dma_unmap_phys: " EDU " dir=BIDIRECTIONAL "
			    "dma_addr=ffffc000 size=4096 attrs=");
	assert_false(dma_trace_check(&t, 1, DMA_TRACE_ATTRS_ANY, why, sizeof(why)));
	assert_non_null(strstr(why, "1 with other size or attrs"));

	dma_trace_tally_begin(&t);
	map(&t, &k, EDU, 0xffffc000, 4096, MMIO);
	unmap(&t, &k, EDU, 0xffffc000, 8192, MMIO);
	dma_trace_tally_end(&t);
	assert_int_equal(t.mismatched, 1);

	dma_trace_tally_begin(&t);
	map(&t, &k, EDU, 0xffffc000, 4096, MMIO);
	map(&t, &k, EDU, 0xffffa000, 4096, MMIO);
	unmap(&t, &k, EDU, 0xffffb000, 4096, MMIO);
	dma_trace_tally_end(&t);
	assert_int_equal(t.unmatched_unmaps, 1);
	assert_int_equal(t.outstanding, 2);
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));

	/* Interleaved maps (several threads) pair by address, whatever the order. */
	dma_trace_tally_begin(&t);
	map(&t, &k, EDU, 0x1000, 4096, MMIO | SKIP_CPU_SYNC);
	map(&t, &k, EDU, 0x2000, 4096, MMIO);
	unmap(&t, &k, EDU, 0x1000, 4096, MMIO | SKIP_CPU_SYNC);
	unmap(&t, &k, EDU, 0x2000, 4096, MMIO);
	single(&r, &k, "dma_map_phys", NVME, 0x3000, 4096, 0);	/* another device: ignored */
	add(&t, EDU, &r);
	dma_trace_tally_end(&t);
	assert_int_equal(t.lines, 4);
	assert_int_equal(t.maps, 2);
	assert_int_equal(t.mmio_maps, 2);
	assert_true(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));
	assert_string_equal(why, "2 maps and 2 unmaps of RAM show attrs=MMIO");
	assert_false(dma_trace_check(&t, 3, DMA_TRACE_ATTRS_ANY, why, sizeof(why)));
	assert_string_equal(why, "3 maps made, the trace shows 2 maps and 2 unmaps");
	/* iova-link: the path has no events, and none may show up. */
	assert_false(dma_trace_check(&t, 2, DMA_TRACE_ATTRS_NO_EVENTS, why, sizeof(why)));
	dma_trace_tally_begin(&t);
	dma_trace_tally_end(&t);
	assert_true(dma_trace_check(&t, 32, DMA_TRACE_ATTRS_NO_EVENTS, why, sizeof(why)));
	tep_free(k.tep);
}

/* A transfer step: the p2pdma probe's scatterlist, then the step's own mappings. */
static void test_transfer_pairs(void **state)
{
	struct kernel k;
	struct dma_trace_tally t;
	char why[256];

	(void)state;
	load(&k, "7.3.4");
	dma_trace_tally_begin(&t);
	probe_sg(&t, &k);
	map_unmap(&t, &k, 0xffffc000, 8192, MMIO);
	map_unmap(&t, &k, 0xffffa000, 8192, MMIO);
	dma_trace_tally_end(&t);
	assert_int_equal(t.maps, 3);
	assert_int_equal(t.sg_maps, 1);
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));

	dma_trace_tally_begin(&t);
	probe_sg(&t, &k);
	map_unmap(&t, &k, 0xffffc000, 8192, 0);
	dma_trace_tally_end(&t);
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_string_equal(why, "0 of 1 maps and 0 of 1 unmaps show attrs=MMIO");
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_NO_MMIO, why, sizeof(why)));

	/* A refused map (swiotlb=force and MMIO: DMA_MAPPING_ERROR) has no unmap to pair with. */
	dma_trace_tally_begin(&t);
	probe_sg(&t, &k);
	map(&t, &k, EDU, UINT64_MAX, 65536, MMIO);
	dma_trace_tally_end(&t);
	assert_int_equal(t.refused, 1);
	assert_int_equal(t.outstanding, 0);
	assert_true(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));

	dma_trace_tally_begin(&t);
	map(&t, &k, EDU, 0xffffc000, 8192, MMIO);
	dma_trace_tally_end(&t);
	assert_false(dma_trace_check_pairs(&t, DMA_TRACE_ATTRS_MMIO, why, sizeof(why)));
	assert_non_null(strstr(why, "1 maps left"));
	tep_free(k.tep);
}

/* Not a dma map or unmap event: not decoded. */
static void test_other_events(void **state)
{
	struct kernel k;
	struct raw r;
	struct dma_trace_event ev;

	(void)state;
	load(&k, "7.3.4");
	single(&r, &k, "dma_map_phys", EDU, 0x1000, 4096, 0);
	char *saved = r.event->name;
	r.event->name = (char *)"dma_sync_single_for_cpu";
	assert_false(dma_trace_decode(r.event, &r.record, &ev));
	r.event->name = saved;
	assert_true(dma_trace_decode(r.event, &r.record, &ev));
	tep_free(k.tep);
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

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_fields_7_3),
	cmocka_unit_test(test_fields_6_12),
	cmocka_unit_test(test_pairing_problems),
	cmocka_unit_test(test_transfer_pairs),
	cmocka_unit_test(test_other_events),
	cmocka_unit_test(test_event_sets));
