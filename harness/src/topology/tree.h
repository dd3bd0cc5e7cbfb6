/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual lab's PCIe tree, as CONFIG_VLAB_TREE writes it in one line:
 *
 *   rp(sw(sw(nvme-cmb, edu), ivshmem)) pxb(rp[acs=off](edu))
 *
 * The top holds root ports (rp) on the q35 host bridge and expander host
 * bridges (pxb, QEMU's pxb-pcie) holding root ports of their own. A root
 * port holds one device or switch; a switch (sw: an x3130 upstream port)
 * gives each of its children a downstream port of its own, and switches
 * nest. The leaves are devices: nvme-cmb (the NVMe controller with the
 * CMB), nvme (plain storage), edu, ivshmem and virtio-net. [acs=off] on a
 * root port drops its ACS capability (QEMU's disable-acs=on): the only
 * per-port ACS knob QEMU has.
 */
#ifndef P2PRIG_TOPOLOGY_TREE_H
#define P2PRIG_TOPOLOGY_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/strlist.h"

enum tree_kind {
	TREE_ROOT_PORT,
	TREE_SWITCH,
	TREE_EXPANDER,
	TREE_NVME_CMB,
	TREE_NVME,
	TREE_EDU,
	TREE_IVSHMEM,
	TREE_VIRTIO_NET,
	TREE_KINDS
};

/* What the grammar calls each kind, and what QEMU and the guest see. */
struct tree_kind_info {
	const char *word;	/* in the tree: rp, sw, nvme-cmb, ... */
	const char *what;	/* in prose */
	const char *pci_id;	/* vendor:device the guest sees (a switch: its upstream port) */
	bool leaf;
};

extern const struct tree_kind_info tree_kinds[TREE_KINDS];

/* Most nodes a tree may have: more than QEMU's 256 bus numbers allow anyway. */
#define TREE_MAX_NODES 512
#define TREE_NONE (-1)

struct tree_node {
	enum tree_kind kind;
	int parent, first_child, next_sibling;	/* indexes, or TREE_NONE */
	int column;				/* where it starts, from 1 */
	bool acs_off;				/* a root port's [acs=off] */
	/* Given by tree_number(): */
	int index;	/* rpN, swN, pxbN, nvmeN (the CMB's is 0), eduN, ... */
	int chassis;	/* a root port's or its downstream port's */
	int bus_nr;	/* an expander's first bus */
};

struct tree {
	struct tree_node nodes[TREE_MAX_NODES];
	int n, first_top;		/* the top's first item, or TREE_NONE */
	struct strlist errors;		/* "column N: message" */
};

/* What the checks need beyond the tree itself; 0 / NULL: not checked. */
struct tree_needs {
	int nvme_count;		/* CONFIG_VLAB_NVME_COUNT: controllers, the CMB's included */
	const char *devices;	/* comma-separated words a scenario needs, e.g. "nvme-cmb,edu" */
};

/* What the QEMU arguments take from the rig config. */
struct tree_qemu_config {
	const char *scratch;	/* the folder of the disk images and ivshmem's file */
	unsigned int cmb_mb, ivshmem_mb, nvme_namespaces;
};

/* Parse text into tree (zeroed first); false with tree->errors filled. */
bool tree_parse(const char *text, struct tree *tree);
/* Check a parsed tree against the grammar's rules and QEMU's limits. */
bool tree_check(struct tree *tree, const struct tree_needs *needs);
/* Number ports, devices and buses in the order QEMU gets them. */
void tree_number(struct tree *tree);
/* parse, check and number: false with tree->errors filled. */
bool tree_load(const char *text, const struct tree_needs *needs, struct tree *tree);
void tree_free(struct tree *tree);

/* Record "column N: message" against node (or column 0: the whole tree). */
void tree_error(struct tree *tree, int column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* QEMU's -drive/-object/-device arguments, one word a line. */
void tree_print_qemu(const struct tree *tree, const struct tree_qemu_config *config, FILE *out);
/* The tree indented, a node a line, with ids and PCI IDs. */
void tree_print_readable(const struct tree *tree, FILE *out);
/* Each device's path from its host bridge, as the guest can read it back. */
void tree_print_paths(const struct tree *tree, FILE *out);

#endif
