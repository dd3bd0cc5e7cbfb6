// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe inventory's pure parts: CMB and PMR decoders, the register
 * reader on a file laid out like BAR0, the driver's cmb attribute, the
 * lookups scenario lines use, and the JSON field names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json.h>

#include "system/nvme_inventory.h"
#include "system/nvme_registers.h"

#include "unit_helpers.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)

/*
 * QEMU 7.2's nvme with cmb_size_mb=64, as the 7.3.4 guest's nvme driver
 * shows them in /sys/class/nvme/nvme0/cmb: BIR 2 (CDPLMS, CDPCILS set),
 * 64 units of 1 MiB, SQS LISTS RDS WDS.
 */
#define QEMU_CMBLOC 0x00000062u
#define QEMU_CMBSZ 0x0004021du
/*
 * CAP of the same two controllers, read from BAR0 in that guest (booted
 * iomem=relaxed): with the CMB, CAP.CMBS (bit 57) is set, QEMU without
 * legacy-cmb reporting the CMB only after CMBMSC.CRE; the plain one has none.
 */
#define QEMU_CAP_CMB 0x024018200f0107ffull
#define QEMU_CAP_PLAIN 0x004018200f0107ffull
#define CAP_PMRS (1ull << 56)

/* CAP, CMBLOC and CMBSZ decoded, as the inventory reads them. */
static struct nvme_cmb_info decoded(uint64_t cap, uint32_t cmbloc, uint32_t cmbsz)
{
	struct nvme_cmb_info cmb;

	nvme_cmb_decode(cap, cmbloc, cmbsz, &cmb);
	return cmb;
}

static void test_qemu_cmb(void **state)
{
	struct nvme_cmb_info cmb = decoded(QEMU_CAP_CMB, QEMU_CMBLOC, QEMU_CMBSZ);

	(void)state;
	assert_true(cmb.present);
	assert_int_equal(cmb.cmbloc, QEMU_CMBLOC);
	assert_int_equal(cmb.cmbsz, QEMU_CMBSZ);
	assert_int_equal(cmb.bir, 2);
	assert_int_equal(cmb.offset_bytes, 0);
	assert_int_equal(cmb.szu, 2);
	assert_int_equal(cmb.size_unit_bytes, MiB);
	assert_int_equal(cmb.size_bytes, 64 * MiB);
	assert_false(cmb.size_unit_reserved);
	assert_true(cmb.sqs);
	assert_false(cmb.cqs);
	assert_true(cmb.lists);
	assert_true(cmb.rds);
	assert_true(cmb.wds);
}

static void test_no_cmb(void **state)
{
	struct nvme_cmb_info cmb = decoded(QEMU_CAP_PLAIN, 0, 0);

	(void)state;
	assert_false(cmb.present);
	assert_int_equal(cmb.size_bytes, 0);
	assert_false(cmb.rds || cmb.wds || cmb.sqs || cmb.cqs || cmb.lists);
}

/* CAP.CMBS with CMBSZ still 0: present, its size not reported yet (CRE unset). */
static void test_cmb_not_enabled(void **state)
{
	struct nvme_cmb_info cmb = decoded(QEMU_CAP_CMB, 0, 0);

	(void)state;
	assert_true(cmb.present);
	assert_int_equal(cmb.size_bytes, 0);
}

/* Only the driver's sysfs attribute (CAP unknown, passed as 0): CMBSZ alone tells. */
static void test_cmb_without_cap(void **state)
{
	struct nvme_cmb_info cmb = decoded(0, QEMU_CMBLOC, QEMU_CMBSZ);

	(void)state;
	assert_true(cmb.present);
	assert_int_equal(cmb.size_bytes, 64 * MiB);
}

static uint32_t cmbsz_of(uint32_t sz, uint32_t szu, uint32_t flags)
{
	return sz << 12 | szu << 8 | flags;
}

static void test_size_units(void **state)
{
	static const uint64_t unit[] = { 4096, 64 * 1024, MiB, 16 * MiB, 256 * MiB, 4 * GiB,
					 64 * GiB };
	struct nvme_cmb_info cmb;

	(void)state;
	for (uint32_t szu = 0; szu < sizeof(unit) / sizeof(unit[0]); szu++) {
		nvme_cmb_decode(0, 0, cmbsz_of(3, szu, 0), &cmb);
		assert_int_equal(cmb.size_unit_bytes, unit[szu]);
		assert_int_equal(cmb.size_bytes, 3 * unit[szu]);
	}
	/* The largest CMB there is: SZ all ones in 64 GiB units, no overflow. */
	nvme_cmb_decode(0, 0, cmbsz_of(0xfffff, 6, 0), &cmb);
	assert_int_equal(cmb.size_bytes, 0xfffffull * 64 * GiB);
	/* One 4 KiB unit. */
	nvme_cmb_decode(0, 0, cmbsz_of(1, 0, 0x18), &cmb);
	assert_int_equal(cmb.size_bytes, 4096);
	assert_true(cmb.rds && cmb.wds);
	/* SZ 0 with a unit: no size, yet a CMB (CMBSZ is not zero). */
	nvme_cmb_decode(0, 0, cmbsz_of(0, 2, 0x18), &cmb);
	assert_true(cmb.present);
	assert_int_equal(cmb.size_bytes, 0);
}

/* SZU 7..15 are reserved: no size, no offset, and no shift past 64 bits. */
static void test_reserved_size_unit(void **state)
{
	struct nvme_cmb_info cmb;

	(void)state;
	for (uint32_t szu = 7; szu < 16; szu++) {
		nvme_cmb_decode(0, 0x1000u | 2, cmbsz_of(64, szu, 0x1f), &cmb);
		assert_true(cmb.present);
		assert_true(cmb.size_unit_reserved);
		assert_int_equal(cmb.szu, szu);
		assert_int_equal(cmb.size_unit_bytes, 0);
		assert_int_equal(cmb.size_bytes, 0);
		assert_int_equal(cmb.offset_bytes, 0);
		assert_int_equal(cmb.bir, 2);
		assert_true(cmb.sqs && cmb.cqs && cmb.lists && cmb.rds && cmb.wds);
	}
}

/* CMBLOC.OFST counts in CMBSZ.SZU units. */
static void test_offset_in_units(void **state)
{
	struct nvme_cmb_info cmb;

	(void)state;
	nvme_cmb_decode(0, 3u << 12 | 4, cmbsz_of(16, 1, 0x18), &cmb);
	assert_int_equal(cmb.bir, 4);
	assert_int_equal(cmb.offset_bytes, 3 * 64 * 1024);
	assert_int_equal(cmb.size_bytes, 16 * 64 * 1024);
	nvme_cmb_decode(0, 0xfffffu << 12, cmbsz_of(1, 6, 0), &cmb);
	assert_int_equal(cmb.offset_bytes, 0xfffffull * 64 * GiB);
}

/*
 * PMRCAP as QEMU builds it for pmrdev= (hw/nvme/ctrl.c: RDS, WDS, BIR 4,
 * PMRWBM 2, CMSS), with CAP.PMRS set.
 */
#define QEMU_PMRCAP 0x01000898u

static void test_pmr(void **state)
{
	struct nvme_pmr_info pmr;

	(void)state;
	nvme_pmr_decode(QEMU_CAP_PLAIN | CAP_PMRS, QEMU_PMRCAP, &pmr);
	assert_true(pmr.present);
	assert_int_equal(pmr.pmrcap, QEMU_PMRCAP);
	assert_int_equal(pmr.bir, 4);
	assert_true(pmr.rds);
	assert_true(pmr.wds);
	/* Without CAP.PMRS the controller has none, whatever PMRCAP holds. */
	nvme_pmr_decode(QEMU_CAP_CMB, 0, &pmr);
	assert_false(pmr.present);
	assert_false(pmr.rds || pmr.wds);
}

static void put32(unsigned char *bar, size_t offset, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		bar[offset + i] = (unsigned char)(value >> (8 * i));
}

static void write_bytes(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* A file laid out like BAR0: little-endian registers, CAP as two halves. */
static void test_read_registers_file(void **state)
{
	static unsigned char bar[0x4000];
	char path[] = "/tmp/p2prig-nvme-bar0.XXXXXX";
	struct nvme_registers regs;
	char err[128] = "";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	put32(bar, 0x0, (uint32_t)QEMU_CAP_CMB);
	put32(bar, 0x4, (uint32_t)(QEMU_CAP_CMB >> 32));
	put32(bar, 0x38, QEMU_CMBLOC);
	put32(bar, 0x3c, QEMU_CMBSZ);
	put32(bar, 0xe00, QEMU_PMRCAP);
	write_bytes(path, bar, sizeof(bar));
	assert_int_equal(nvme_registers_read(path, &regs, err, sizeof(err)), 0);
	assert_int_equal(regs.cap, QEMU_CAP_CMB);
	assert_int_equal(regs.cmbloc, QEMU_CMBLOC);
	assert_int_equal(regs.cmbsz, QEMU_CMBSZ);
	assert_int_equal(regs.pmrcap, QEMU_PMRCAP);

	/* Too small to hold PMRCAP: refused, not read past the end. */
	write_bytes(path, bar, 0x100);
	assert_int_equal(nvme_registers_read(path, &regs, err, sizeof(err)), -1);
	assert_string_equal(err, "BAR0 smaller than 4096 bytes");
	unlink(path);
	assert_int_equal(nvme_registers_read(path, &regs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
}

static void test_cmb_attribute(void **state)
{
	static const char now[] = "cmbloc : 0x00000062\ncmbsz  : 0x0004021d\n";
	static const char before[] = "cmbloc : x00000062\ncmbsz  : x0004021d\n";
	char dir[] = "/tmp/p2prig-nvme-ctrl.XXXXXX", path[64];
	uint32_t cmbloc = 0, cmbsz = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cmb", dir);
	assert_int_equal(nvme_registers_read_cmb_attr(dir, &cmbloc, &cmbsz), -ENOENT);
	write_bytes(path, now, strlen(now));
	assert_int_equal(nvme_registers_read_cmb_attr(dir, &cmbloc, &cmbsz), 0);
	assert_int_equal(cmbloc, QEMU_CMBLOC);
	assert_int_equal(cmbsz, QEMU_CMBSZ);
	cmbloc = 0;
	cmbsz = 0;
	write_bytes(path, before, strlen(before));
	assert_int_equal(nvme_registers_read_cmb_attr(dir, &cmbloc, &cmbsz), 0);
	assert_int_equal(cmbloc, QEMU_CMBLOC);
	assert_int_equal(cmbsz, QEMU_CMBSZ);
	write_bytes(path, "cmbloc : 0x2\n", 13);
	assert_int_equal(nvme_registers_read_cmb_attr(dir, &cmbloc, &cmbsz), -EINVAL);
	unlink(path);
	rmdir(dir);
}

/* The two controllers of the vlab-nvme-p2p rig, as a scan would fill them. */
static void two_controllers(struct nvme_inventory *inv)
{
	static const char *const names[] = { "nvme0", "nvme1" };
	static const char *const addresses[] = { "0000:03:00.0", "0000:04:00.0" };
	static const char *const serials[] = { "p2prig0", "p2prig1" };

	memset(inv, 0, sizeof(*inv));
	inv->n_ctrls = 2;
	for (size_t i = 0; i < 2; i++) {
		struct nvme_ctrl_info *c = &inv->ctrls[i];

		snprintf(c->name, sizeof(c->name), "%s", names[i]);
		snprintf(c->transport, sizeof(c->transport), "pcie");
		snprintf(c->address, sizeof(c->address), "%s", addresses[i]);
		snprintf(c->serial, sizeof(c->serial), "%s", serials[i]);
		c->n_ns = 1;
		c->ns[0].nsid = 1;
		snprintf(c->ns[0].name, sizeof(c->ns[0].name), "%sn1", names[i]);
		snprintf(c->ns[0].dev_path, sizeof(c->ns[0].dev_path), "/dev/%sn1", names[i]);
		c->ns[0].lba_bytes = 512;
		c->ns[0].size_bytes = 64 * MiB;
	}
	snprintf(inv->ctrls[0].cmb_source, sizeof(inv->ctrls[0].cmb_source), "sysfs");
	nvme_cmb_decode(0, QEMU_CMBLOC, QEMU_CMBSZ, &inv->ctrls[0].cmb);
	snprintf(inv->ctrls[1].regs_error, sizeof(inv->ctrls[1].regs_error), "not read");
}

static void test_find_ns(void **state)
{
	static struct nvme_inventory inv;
	const struct nvme_ctrl_info *ctrl;
	const struct nvme_ns_info *ns;
	char why[128];

	(void)state;
	two_controllers(&inv);
	ns = nvme_inventory_find_ns(&inv, "serial=p2prig1", 1, &ctrl, why, sizeof(why));
	assert_non_null(ns);
	assert_string_equal(ns->dev_path, "/dev/nvme1n1");
	assert_string_equal(ctrl->name, "nvme1");
	ns = nvme_inventory_find_ns(&inv, "slot=0000:03:00.0", 1, &ctrl, why, sizeof(why));
	assert_non_null(ns);
	assert_string_equal(ns->name, "nvme0n1");
	ns = nvme_inventory_find_ns(&inv, "slot=04:00.0", 1, NULL, why, sizeof(why));
	assert_non_null(ns);
	assert_string_equal(ns->name, "nvme1n1");
	ns = nvme_inventory_find_ns(&inv, "name=nvme0", 1, &ctrl, why, sizeof(why));
	assert_non_null(ns);
	assert_ptr_equal(ctrl, &inv.ctrls[0]);

	assert_null(nvme_inventory_find_ns(&inv, "name=nvme1", 3, &ctrl, why, sizeof(why)));
	assert_string_equal(why, "nvme1 has no namespace 3");
	assert_ptr_equal(ctrl, &inv.ctrls[1]);
	assert_null(nvme_inventory_find_ns(&inv, "serial=x", 1, &ctrl, why, sizeof(why)));
	assert_string_equal(why, "no controller with serial=x");
	assert_null(ctrl);
	assert_null(nvme_inventory_find_ns(&inv, "slot=05:00.0", 1, NULL, why, sizeof(why)));
	assert_string_equal(why, "no controller with slot=05:00.0");
	assert_null(nvme_inventory_find_ns(&inv, "slot=zz", 1, NULL, why, sizeof(why)));
	assert_string_equal(why, "no controller with slot=zz");
	assert_null(nvme_inventory_find_ns(&inv, "nvme0", 1, NULL, why, sizeof(why)));
	assert_string_equal(why, "'nvme0': expected serial=, slot= or name= and a value");
	assert_null(nvme_inventory_find_ns(&inv, "model=x", 1, NULL, why, sizeof(why)));
	assert_null(nvme_inventory_find_ns(&inv, "serial=", 1, NULL, why, sizeof(why)));
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void test_json(void **state)
{
	static struct nvme_inventory inv;
	json_object *o, *ctrls, *c0, *c1, *cmb;

	(void)state;
	two_controllers(&inv);
	o = nvme_inventory_json(&inv);
	ctrls = get(o, "controllers");
	assert_int_equal(json_object_array_length(ctrls), 2);
	c0 = json_object_array_get_idx(ctrls, 0);
	c1 = json_object_array_get_idx(ctrls, 1);
	assert_string_equal(json_object_get_string(get(c0, "address")), "0000:03:00.0");
	assert_string_equal(json_object_get_string(get(c0, "serial")), "p2prig0");
	cmb = get(c0, "cmb");
	assert_true(json_object_get_boolean(get(cmb, "present")));
	assert_int_equal(json_object_get_int64(get(cmb, "size_bytes")), 64 * MiB);
	assert_int_equal(json_object_get_int(get(cmb, "bar")), 2);
	assert_string_equal(json_object_get_string(get(cmb, "cmbsz")), "0x0004021d");
	assert_true(json_object_get_boolean(get(cmb, "rds")));
	assert_true(json_object_get_boolean(get(cmb, "wds")));
	assert_false(json_object_get_boolean(get(cmb, "cqs")));
	assert_string_equal(json_object_get_string(get(get(c0, "registers"), "cmb_source")),
			    "sysfs");
	/* Unknown is null, never a made-up "none". */
	assert_null(get(c0, "pmr"));
	assert_null(get(c1, "cmb"));
	assert_null(get(get(c1, "registers"), "cap"));
	assert_string_equal(json_object_get_string(get(get(c1, "registers"), "error")),
			    "not read");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(
				    get(c1, "namespaces"), 0), "dev")), "/dev/nvme1n1");
	json_object_put(o);
}

static void test_print(void **state)
{
	static const char cmb_line[] =
		"CMB    64 MiB in BAR2 at +0x0 (unit 1 MiB)  SQS LISTS RDS WDS [cmbloc 0x00000062 cmbsz 0x0004021d, sysfs]";
	static struct nvme_inventory inv;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	(void)state;
	two_controllers(&inv);
	nvme_inventory_print(f, &inv);
	fclose(f);
	ASSERT_CONTAINS(text, cmb_line, "CMB    unknown (not read)",
			"ns 1    nvme1n1      64 MiB     /dev/nvme1n1");
	free(text);
}

UNIT_TEST_MAIN("nvme_inventory",
	cmocka_unit_test(test_qemu_cmb),
	cmocka_unit_test(test_no_cmb),
	cmocka_unit_test(test_cmb_not_enabled),
	cmocka_unit_test(test_cmb_without_cap),
	cmocka_unit_test(test_size_units),
	cmocka_unit_test(test_reserved_size_unit),
	cmocka_unit_test(test_offset_in_units),
	cmocka_unit_test(test_pmr),
	cmocka_unit_test(test_read_registers_file),
	cmocka_unit_test(test_cmb_attribute),
	cmocka_unit_test(test_find_ns),
	cmocka_unit_test(test_json),
	cmocka_unit_test(test_print));
