// SPDX-License-Identifier: GPL-2.0
/*
 * The tree for people (indented, with the ids QEMU knows each node by)
 * and for the guest's check (each device's path of PCI IDs from its host
 * bridge, tests/vlab/topology/tree-guest.sh reads the same from sysfs).
 */
#include "topology/tree.h"

/* What a switch's child sits on: a TI XIO3130 downstream port. */
#define DOWNSTREAM_PORT_ID "104c:8233"

static void print_line(const struct tree *tree, int i, int depth, FILE *out)
{
	const struct tree_node *node = &tree->nodes[i];
	const struct tree_kind_info *kind = &tree_kinds[node->kind];

	if (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH) {
		int n = 0;

		for (int c = tree->nodes[node->parent].first_child; c != i; c = tree->nodes[c].next_sibling)
			n++;
		fprintf(out, "%*ssw%dp%d: downstream port %s, chassis %d, no ACS knob\n", 2 * depth, "",
			tree->nodes[node->parent].index, n, DOWNSTREAM_PORT_ID, node->chassis);
		depth++;
	}
	fprintf(out, "%*s", 2 * depth, "");
	switch (node->kind) {
	case TREE_ROOT_PORT:
		fprintf(out, "rp%d: root port %s, chassis %d, ACS %s\n", node->index, kind->pci_id,
			node->chassis, node->acs_off ? "off" : "on");
		break;
	case TREE_SWITCH:
		fprintf(out, "sw%d: switch, upstream port %s\n", node->index, kind->pci_id);
		break;
	case TREE_EXPANDER:
		fprintf(out, "pxb%d: expander host bridge %s, buses from %d\n", node->index, kind->pci_id,
			node->bus_nr);
		break;
	case TREE_NVME_CMB:
		fprintf(out, "nvme-cmb: %s %s, serial p2prig0\n", kind->what, kind->pci_id);
		break;
	case TREE_NVME:
		fprintf(out, "nvme%d: %s %s, serial p2prig%d\n", node->index, kind->what, kind->pci_id,
			node->index);
		break;
	default:
		fprintf(out, "%s%d: %s %s\n", kind->word, node->index, kind->what, kind->pci_id);
		break;
	}
	for (int c = node->first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
		print_line(tree, c, depth + 1, out);
}

void tree_print_readable(const struct tree *tree, FILE *out)
{
	bool main_bus = false;

	for (int i = tree->first_top; i != TREE_NONE; i = tree->nodes[i].next_sibling) {
		if (tree->nodes[i].kind == TREE_EXPANDER) {
			print_line(tree, i, 0, out);
			continue;
		}
		if (!main_bus)
			fprintf(out, "pcie.0: q35 host bridge, bus 0\n");
		main_bus = true;
		print_line(tree, i, 1, out);
	}
}

/* The host bridge's bus, then each port's and the device's PCI ID. */
static void print_path(const struct tree *tree, int leaf, FILE *out)
{
	int chain[TREE_MAX_NODES], n = 0, top;

	for (int i = leaf; i != TREE_NONE; i = tree->nodes[i].parent)
		chain[n++] = i;
	top = chain[n - 1];
	fprintf(out, "%02x", tree->nodes[top].kind == TREE_EXPANDER ? tree->nodes[top].bus_nr : 0);
	while (n-- > 0) {
		const struct tree_node *node = &tree->nodes[chain[n]];

		if (node->kind == TREE_EXPANDER)
			continue;
		if (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH)
			fprintf(out, " %s", DOWNSTREAM_PORT_ID);
		fprintf(out, " %s", tree_kinds[node->kind].pci_id);
		if (node->kind == TREE_ROOT_PORT)
			fprintf(out, node->acs_off ? "-acs" : "+acs");
	}
	fputc('\n', out);
}

void tree_print_paths(const struct tree *tree, FILE *out)
{
	for (int i = 0; i < tree->n; i++)
		if (tree_kinds[tree->nodes[i].kind].leaf)
			print_path(tree, i, out);
}
