// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual lab's PCIe tree (harness/src/topology/): today's two trees
 * give QEMU exactly the arguments boot.sh wrote by hand before there was
 * a tree, a nested tree and an expander's get their ports, chassis and
 * bus numbers, and every malformed tree gets the one error a person
 * would be shown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "topology/tree.h"

#include "unit_helpers.h"

static const struct tree_qemu_config config = { "/S", 64, 64, 1 };

/* What tree_print_* writes for text, joined by blanks; NULL if the tree is bad. */
static char *print_tree(const char *text, void (*print)(const struct tree *, FILE *))
{
	struct tree *tree = calloc(1, sizeof(*tree));
	char *out = NULL;
	size_t size;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(tree);
	assert_non_null(f);
	if (!tree_load(text, NULL, tree)) {
		for (size_t i = 0; i < tree->errors.n; i++)
			print_message("%s\n", tree->errors.items[i]);
		fail_msg("'%s' did not load", text);
	}
	if (print)
		print(tree, f);
	else
		tree_print_qemu(tree, &config, f);
	fclose(f);
	for (char *c = out; *c; c++)
		if (*c == '\n' && c[1])
			*c = ' ';
	tree_free(tree);
	free(tree);
	return out;
}

static void assert_prints(const char *text, void (*print)(const struct tree *, FILE *),
			  const char *want)
{
	char *got = print_tree(text, print);

	assert_string_equal(got, want);
	free(got);
}

#define QEMU_ARGS NULL

/* As boot.sh's "switch" case wrote them (CONFIG_VLAB_NVME_COUNT=1). */
static void test_switch_tree_as_boot_sh_wrote_it(void **state)
{
	(void)state;
	assert_prints("rp(sw(nvme-cmb, edu, ivshmem))", QEMU_ARGS,
		      "-drive file=/S/nvme0n1.img,if=none,id=nvm0n1,format=raw "
		      "-object memory-backend-file,id=ivmem,share=on,mem-path=/S/ivshmem,size=64M "
		      "-device pcie-root-port,id=rp0,chassis=1,slot=1,bus=pcie.0 "
		      "-device x3130-upstream,id=sw0,bus=rp0 "
		      "-device xio3130-downstream,id=sw0p0,bus=sw0,chassis=2,slot=0 "
		      "-device nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=64,bus=sw0p0 "
		      "-device xio3130-downstream,id=sw0p1,bus=sw0,chassis=3,slot=0 "
		      "-device edu,id=edu0,dma_mask=0xffffffffffffffff,bus=sw0p1 "
		      "-device xio3130-downstream,id=sw0p2,bus=sw0,chassis=4,slot=0 "
		      "-device ivshmem-plain,id=ivshmem0,memdev=ivmem,bus=sw0p2\n");
}

/* As boot.sh's "root-ports" case wrote them, with a plain controller too. */
static void test_root_ports_tree_as_boot_sh_wrote_it(void **state)
{
	(void)state;
	assert_prints("rp(nvme-cmb) rp(nvme) rp(edu) rp(ivshmem)", QEMU_ARGS,
		      "-drive file=/S/nvme0n1.img,if=none,id=nvm0n1,format=raw "
		      "-drive file=/S/nvme1n1.img,if=none,id=nvm1n1,format=raw "
		      "-object memory-backend-file,id=ivmem,share=on,mem-path=/S/ivshmem,size=64M "
		      "-device pcie-root-port,id=rp0,chassis=1,slot=1,bus=pcie.0 "
		      "-device nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=64,bus=rp0 "
		      "-device pcie-root-port,id=rp1,chassis=2,slot=1,bus=pcie.0 "
		      "-device nvme,id=nvme1,serial=p2prig1,bus=rp1 "
		      "-device nvme-ns,drive=nvm1n1,bus=nvme1,nsid=1 "
		      "-device pcie-root-port,id=rp2,chassis=3,slot=1,bus=pcie.0 "
		      "-device edu,id=edu0,dma_mask=0xffffffffffffffff,bus=rp2 "
		      "-device pcie-root-port,id=rp3,chassis=4,slot=1,bus=pcie.0 "
		      "-device ivshmem-plain,id=ivshmem0,memdev=ivmem,bus=rp3\n");
}

/* A switch in a switch: ports numbered depth first, chassis in QEMU's order. */
static void test_nested_switches(void **state)
{
	(void)state;
	assert_prints("rp(sw(sw(nvme-cmb, edu), edu))", QEMU_ARGS,
		      "-drive file=/S/nvme0n1.img,if=none,id=nvm0n1,format=raw "
		      "-device pcie-root-port,id=rp0,chassis=1,slot=1,bus=pcie.0 "
		      "-device x3130-upstream,id=sw0,bus=rp0 "
		      "-device xio3130-downstream,id=sw0p0,bus=sw0,chassis=2,slot=0 "
		      "-device x3130-upstream,id=sw1,bus=sw0p0 "
		      "-device xio3130-downstream,id=sw1p0,bus=sw1,chassis=3,slot=0 "
		      "-device nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=64,bus=sw1p0 "
		      "-device xio3130-downstream,id=sw1p1,bus=sw1,chassis=4,slot=0 "
		      "-device edu,id=edu0,dma_mask=0xffffffffffffffff,bus=sw1p1 "
		      "-device xio3130-downstream,id=sw0p1,bus=sw0,chassis=5,slot=0 "
		      "-device edu,id=edu1,dma_mask=0xffffffffffffffff,bus=sw0p1\n");
}

/*
 * An expander's buses start after those of q35's host bridge (rp0 and
 * rp3: 1 and 2), whatever the order they are written in; ACS off where
 * asked; a NIC gets a network of its own, the backends in the tree's order.
 */
static void test_expander_host_bridge(void **state)
{
	(void)state;
	assert_prints("rp(nvme-cmb) pxb(rp[acs=off](edu), rp(virtio-net)) rp[acs=on](ivshmem)", QEMU_ARGS,
		      "-drive file=/S/nvme0n1.img,if=none,id=nvm0n1,format=raw "
		      "-netdev user,id=vnet0-net "
		      "-object memory-backend-file,id=ivmem,share=on,mem-path=/S/ivshmem,size=64M "
		      "-device pcie-root-port,id=rp0,chassis=1,slot=1,bus=pcie.0 "
		      "-device nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=64,bus=rp0 "
		      "-device pxb-pcie,id=pxb0,bus_nr=3,bus=pcie.0 "
		      "-device pcie-root-port,id=rp1,chassis=2,slot=1,bus=pxb0,disable-acs=on "
		      "-device edu,id=edu0,dma_mask=0xffffffffffffffff,bus=rp1 "
		      "-device pcie-root-port,id=rp2,chassis=3,slot=1,bus=pxb0 "
		      "-device virtio-net-pci,id=vnet0,netdev=vnet0-net,bus=rp2 "
		      "-device pcie-root-port,id=rp3,chassis=4,slot=1,bus=pcie.0 "
		      "-device ivshmem-plain,id=ivshmem0,memdev=ivmem,bus=rp3\n");
}

/* What the guest's sysfs must show for it (tests/vlab/topology/67). */
static void test_paths_from_the_host_bridges(void **state)
{
	(void)state;
	assert_prints("rp(sw(sw(nvme-cmb, edu), ivshmem)) pxb(rp[acs=off](edu))", tree_print_paths,
		      "00 1b36:000c+acs 104c:8232 104c:8233 104c:8232 104c:8233 1b36:0010 "
		      "00 1b36:000c+acs 104c:8232 104c:8233 104c:8232 104c:8233 1234:11e8 "
		      "00 1b36:000c+acs 104c:8232 104c:8233 1af4:1110 "
		      "08 1b36:000c-acs 1234:11e8\n");
}

static void test_readable_picture(void **state)
{
	char *got = print_tree("rp(sw(nvme-cmb, edu)) pxb(rp[acs=off](ivshmem))", tree_print_readable);

	(void)state;
	ASSERT_CONTAINS(got, "pcie.0: q35 host bridge, bus 0",
			"  rp0: root port 1b36:000c, chassis 1, ACS on",
			"    sw0: switch, upstream port 104c:8232",
			"      sw0p0: downstream port 104c:8233, chassis 2, no ACS knob",
			"        nvme-cmb: NVMe controller with the CMB 1b36:0010, serial p2prig0",
			"pxb0: expander host bridge 1b36:000b, buses from 5",
			"  rp1: root port 1b36:000c, chassis 4, ACS off", "    ivshmem0: ivshmem 1af4:1110");
	free(got);
}

/* A tree of n root ports, each with an edu, or n edus on one switch. */
static char *repeated(const char *head, const char *item, const char *sep, int n, const char *tail)
{
	size_t size = strlen(head) + (size_t)n * (strlen(item) + strlen(sep)) + strlen(tail) + 1;
	char *text = malloc(size);

	assert_non_null(text);
	strcpy(text, head);
	for (int i = 0; i < n; i++) {
		strcat(text, i ? sep : "");
		strcat(text, item);
	}
	strcat(text, tail);
	return text;
}

static void assert_error(const char *text, const struct tree_needs *needs, const char *want)
{
	struct tree *tree = calloc(1, sizeof(*tree));

	assert_non_null(tree);
	assert_false(tree_load(text, needs, tree));
	if (tree->errors.n != 1 || strcmp(tree->errors.items[0], want)) {
		for (size_t i = 0; i < tree->errors.n; i++)
			print_message("got: %s\n", tree->errors.items[i]);
		fail_msg("'%s': want the one error '%s'", text, want);
	}
	tree_free(tree);
	free(tree);
}

static void test_each_error(void **state)
{
	static const struct {
		const char *tree, *error;
	} cases[] = {
		{ "", "an empty tree: expected root ports or pxbs, e.g. rp(sw(nvme-cmb, edu))" },
		{ "rp(gpu)",
		  "column 4: unknown device 'gpu': expected rp, sw, pxb, nvme-cmb, nvme, edu, ivshmem or virtio-net" },
		{ "rp(edu", "column 7: expected ',' or ')' after a child, found the end of the tree" },
		{ "rp(edu))", "column 8: a ')' without its '('" },
		{ "rp()", "column 4: expected a device, a root port, a switch or a pxb, found ')'" },
		{ "rp[acs=maybe](edu)", "column 4: unknown option 'acs=maybe': expected acs=on or acs=off" },
		{ "rp(sw[acs=off](edu))",
		  "column 4: only a root port's ACS can be set (QEMU's pcie-root-port disable-acs); sw has no such knob" },
		{ "rp(edu, ivshmem)", "column 9: a root port holds one device or switch, e.g. rp(edu); this one holds 2" },
		{ "rp", "column 1: a root port holds one device or switch, e.g. rp(edu); this one holds 0" },
		{ "edu", "column 1: edu needs a port: write rp(edu)" },
		{ "pxb(edu)", "column 5: a pxb holds root ports only: write rp(edu)" },
		{ "rp(edu(edu))", "column 4: edu is a device: it holds nothing" },
		{ "sw(edu)", "column 1: a switch needs a port above it: write rp(sw(...))" },
		{ "rp(sw)", "column 4: a switch holds devices or switches: sw(edu, ...)" },
		{ "rp(sw(rp(edu)))",
		  "column 7: a root port belongs at the top or in a pxb, not in sw (a switch's children get downstream ports of their own)" },
		{ "rp(pxb(rp(edu)))",
		  "column 4: a pxb is a host bridge of the root complex: it belongs at the top, not in rp" },
		{ "pxb", "column 1: a pxb holds root ports: pxb(rp(edu))" },
		{ "rp(nvme-cmb) rp(nvme-cmb)",
		  "column 17: a second nvme-cmb: the rig has one CMB controller (serial p2prig0)" },
		{ "rp(ivshmem) rp(ivshmem)", "column 16: a second ivshmem: the rig has one (ivshmem0)" },
		{ "rp(nvme)", "plain nvme without nvme-cmb: the CMB controller comes first (nvme0)" },
		{ "rp(sw(nvme-cmb, nvme, nvme, nvme, nvme))", "5 NVMe controllers; the rig names at most 4" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_error(cases[i].tree, NULL, cases[i].error);
}

static void test_what_the_config_and_scenario_need(void **state)
{
	const struct tree_needs two_nvme = { .nvme_count = 2 };
	const struct tree_needs edu = { .devices = "nvme-cmb, edu" };
	const struct tree_needs gpu = { .devices = "gpu" };

	(void)state;
	assert_error("rp(nvme-cmb)", &two_nvme,
		     "the tree has 1 NVMe controllers (nvme-cmb and nvme), CONFIG_VLAB_NVME_COUNT says 2");
	assert_error("rp(sw(nvme-cmb, ivshmem))", &edu, "the scenario needs edu, which the tree lacks");
	assert_error("rp(edu)", &gpu, "the scenario needs 'gpu', which is not a device the tree can hold");
}

/* QEMU's limits: slots on a switch and on bus 0, bus numbers, chassis numbers. */
static void test_more_than_qemu_allows(void **state)
{
	char *wide_switch = repeated("rp(sw(", "edu", ", ", 33, "))");
	char *wide_top = repeated("", "rp(edu)", " ", 25, "");
	char *deep = repeated("", "rp(sw(sw(sw(sw(sw(sw(sw(sw(sw(sw(edu)))))))))))", " ", 13, "");
	char *ports = repeated("rp(sw(", "sw(edu, edu, edu, edu, edu, edu, edu, edu, edu)", ", ", 26, "))");

	(void)state;
	assert_error(wide_switch, NULL, "column 167: a switch has at most 32 downstream ports (one bus's device slots)");
	assert_error(wide_top, NULL,
		     "25 root ports and pxbs at the top; q35's bus 0 has room for 24 beside the rig's own devices");
	assert_error(deep, NULL, "the tree needs 274 bus numbers; PCI has 256");
	free(wide_switch);
	free(wide_top);
	free(deep);
	/* 26 * (1 + 9) ports: 260 chassis, and more buses than that. */
	struct tree *tree = calloc(1, sizeof(*tree));

	assert_non_null(tree);
	assert_false(tree_load(ports, NULL, tree));
	assert_int_equal(tree->errors.n, 2);
	assert_string_equal(tree->errors.items[1], "the tree has 261 ports; QEMU's chassis numbers run to 255");
	tree_free(tree);
	free(tree);
	free(ports);
}

UNIT_TEST_MAIN("topology", cmocka_unit_test(test_switch_tree_as_boot_sh_wrote_it),
	       cmocka_unit_test(test_root_ports_tree_as_boot_sh_wrote_it),
	       cmocka_unit_test(test_nested_switches), cmocka_unit_test(test_expander_host_bridge),
	       cmocka_unit_test(test_paths_from_the_host_bridges),
	       cmocka_unit_test(test_readable_picture), cmocka_unit_test(test_each_error),
	       cmocka_unit_test(test_what_the_config_and_scenario_need),
	       cmocka_unit_test(test_more_than_qemu_allows))
