// SPDX-License-Identifier: GPL-2.0
/*
 * What a parsed tree must be before QEMU gets it: each word where it may
 * stand, as many of each device as the rig can name, within QEMU's bus
 * numbers, chassis numbers and slots, and with the devices the rig
 * config and the scenario count on.
 */
#include <string.h>

#include "topology/tree.h"

/* A bus number is 8 bits; each bridge (port) takes one, a host bridge one. */
#define TREE_BUSES 256
/* pcie-root-port and xio3130-downstream take an 8-bit chassis, from 1 here. */
#define TREE_CHASSIS 255
/* Device slots on a bus; on pcie.0 the rig's own devices take some. */
#define TREE_SLOTS 32
#define TREE_SLOTS_TOP 24
/* The CMB controller is nvme0; the runner names 1..3 (CONFIG_VLAB_NVME_COUNT <= 4). */
#define TREE_NVME_MAX 4

static const char *word(const struct tree *tree, int i)
{
	return tree_kinds[tree->nodes[i].kind].word;
}

static int count_children(const struct tree *tree, int i)
{
	int n = 0;

	for (int c = tree->nodes[i].first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
		n++;
	return n;
}

static int nth_child(const struct tree *tree, int i, int nth)
{
	int c = tree->nodes[i].first_child;

	while (nth-- > 0)
		c = tree->nodes[c].next_sibling;
	return c;
}

/* Where each word may stand; one error a node. */
static void check_place(struct tree *tree, int i)
{
	const struct tree_node *node = &tree->nodes[i];
	int parent = node->parent, children = count_children(tree, i);
	enum tree_kind up = parent == TREE_NONE ? TREE_KINDS : tree->nodes[parent].kind;

	if (tree_kinds[node->kind].leaf) {
		if (children)
			tree_error(tree, node->column, "%s is a device: it holds nothing", word(tree, i));
		else if (up == TREE_KINDS)	/* in a pxb: the pxb's own check says it */
			tree_error(tree, node->column, "%s needs a port: write rp(%s)", word(tree, i),
				   word(tree, i));
		return;
	}
	switch (node->kind) {
	case TREE_ROOT_PORT:
		if (up != TREE_KINDS && up != TREE_EXPANDER)
			tree_error(tree, node->column,
				   "a root port belongs at the top or in a pxb, not in %s (a switch's children get downstream ports of their own)",
				   word(tree, parent));
		else if (children != 1)
			tree_error(tree, children ? tree->nodes[nth_child(tree, i, 1)].column : node->column,
				   "a root port holds one device or switch, e.g. rp(edu); this one holds %d",
				   children);
		break;
	case TREE_SWITCH:
		if (up == TREE_KINDS || up == TREE_EXPANDER)
			tree_error(tree, node->column, "a switch needs a port above it: write rp(sw(...))");
		else if (!children)
			tree_error(tree, node->column, "a switch holds devices or switches: sw(edu, ...)");
		else if (children > TREE_SLOTS)
			tree_error(tree, tree->nodes[nth_child(tree, i, TREE_SLOTS)].column,
				   "a switch has at most %d downstream ports (one bus's device slots)",
				   TREE_SLOTS);
		break;
	case TREE_EXPANDER:
		if (up != TREE_KINDS)
			tree_error(tree, node->column,
				   "a pxb is a host bridge of the root complex: it belongs at the top, not in %s",
				   word(tree, parent));
		else if (!children)
			tree_error(tree, node->column, "a pxb holds root ports: pxb(rp(edu))");
		else if (children > TREE_SLOTS)
			tree_error(tree, tree->nodes[nth_child(tree, i, TREE_SLOTS)].column,
				   "a pxb has at most %d root ports (its bus's device slots)", TREE_SLOTS);
		else
			for (int c = node->first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
				if (tree->nodes[c].kind != TREE_ROOT_PORT) {
					tree_error(tree, tree->nodes[c].column,
						   "a pxb holds root ports only: write rp(%s)", word(tree, c));
					break;
				}
		break;
	default:
		break;
	}
}

/* Buses, chassis numbers and top-level slots, against QEMU's limits. */
static void check_room(struct tree *tree)
{
	int buses = 1, ports = 0, top = 0;

	for (int i = 0; i < tree->n; i++) {
		enum tree_kind kind = tree->nodes[i].kind;
		int parent = tree->nodes[i].parent;

		if (parent == TREE_NONE)
			top++;
		if (kind == TREE_ROOT_PORT || kind == TREE_SWITCH || kind == TREE_EXPANDER)
			buses++;
		/* Each child of a switch sits on a downstream port: a bus, a chassis. */
		if (parent != TREE_NONE && tree->nodes[parent].kind == TREE_SWITCH) {
			buses++;
			ports++;
		}
		if (kind == TREE_ROOT_PORT)
			ports++;
	}
	if (buses > TREE_BUSES)
		tree_error(tree, 0, "the tree needs %d bus numbers; PCI has %d", buses, TREE_BUSES);
	if (ports > TREE_CHASSIS)
		tree_error(tree, 0, "the tree has %d ports; QEMU's chassis numbers run to %d", ports,
			   TREE_CHASSIS);
	if (top > TREE_SLOTS_TOP)
		tree_error(tree, 0, "%d root ports and pxbs at the top; q35's bus 0 has room for %d beside the rig's own devices",
			   top, TREE_SLOTS_TOP);
}

static int count_kind(const struct tree *tree, enum tree_kind kind, int *second)
{
	int n = 0;

	*second = TREE_NONE;
	for (int i = 0; i < tree->n; i++)
		if (tree->nodes[i].kind == kind && ++n == 2)
			*second = i;
	return n;
}

/* The ids the rig names devices by: one CMB controller, one ivshmem. */
static void check_counts(struct tree *tree, const struct tree_needs *needs)
{
	int second, cmb, plain;

	cmb = count_kind(tree, TREE_NVME_CMB, &second);
	if (cmb > 1)
		tree_error(tree, tree->nodes[second].column, "a second nvme-cmb: the rig has one CMB controller (serial p2prig0)");
	if (count_kind(tree, TREE_IVSHMEM, &second) > 1)
		tree_error(tree, tree->nodes[second].column, "a second ivshmem: the rig has one (ivshmem0)");
	plain = count_kind(tree, TREE_NVME, &second);
	if (cmb + plain > TREE_NVME_MAX)
		tree_error(tree, 0, "%d NVMe controllers; the rig names at most %d", cmb + plain, TREE_NVME_MAX);
	else if (needs && needs->nvme_count && cmb + plain != needs->nvme_count)
		tree_error(tree, 0, "the tree has %d NVMe controllers (nvme-cmb and nvme), CONFIG_VLAB_NVME_COUNT says %d",
			   cmb + plain, needs->nvme_count);
	if (plain && !cmb)
		tree_error(tree, 0, "plain nvme without nvme-cmb: the CMB controller comes first (nvme0)");
}

/* Each word of needs->devices must be a device the tree has. */
static void check_needed(struct tree *tree, const char *devices)
{
	const char *at = devices;

	while (at && *at) {
		size_t len = strcspn(at, ", ");
		int second, kind = -1;

		for (int k = 0; k < TREE_KINDS; k++)
			if (tree_kinds[k].leaf && strlen(tree_kinds[k].word) == len &&
			    !strncmp(tree_kinds[k].word, at, len))
				kind = k;
		if (len && kind < 0)
			tree_error(tree, 0, "the scenario needs '%.*s', which is not a device the tree can hold",
				   (int)len, at);
		else if (len && !count_kind(tree, kind, &second))
			tree_error(tree, 0, "the scenario needs %.*s, which the tree lacks", (int)len, at);
		at += len;
		at += strspn(at, ", ");
	}
}

bool tree_check(struct tree *tree, const struct tree_needs *needs)
{
	size_t before = tree->errors.n;

	for (int i = 0; i < tree->n; i++)
		check_place(tree, i);
	check_room(tree);
	check_counts(tree, needs);
	if (needs)
		check_needed(tree, needs->devices);
	return tree->errors.n == before;
}
