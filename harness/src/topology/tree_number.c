// SPDX-License-Identifier: GPL-2.0
/*
 * Ids, chassis numbers and expander bus numbers, given in the order QEMU
 * gets the devices (the tree depth first), so today's two trees keep the
 * names and numbers boot.sh gave them: rp0, sw0, sw0p0.., nvme-cmb,
 * nvme1.., edu0.., ivshmem0, chassis from 1.
 */
#include "topology/tree.h"

/* Bus numbers the subtree at i takes: one a port, one a host bridge. */
static int buses_under(const struct tree *tree, int i)
{
	const struct tree_node *node = &tree->nodes[i];
	int n = 0;

	if (node->kind == TREE_ROOT_PORT || node->kind == TREE_SWITCH || node->kind == TREE_EXPANDER)
		n++;
	if (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH)
		n++;	/* its downstream port */
	for (int c = node->first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
		n += buses_under(tree, c);
	return n;
}

struct counters {
	int per_kind[TREE_KINDS];
	int chassis;
};

static void number_node(struct tree *tree, int i, struct counters *next)
{
	struct tree_node *node = &tree->nodes[i];

	/* The CMB controller is nvme0 (serial p2prig0); plain ones follow it. */
	if (node->kind == TREE_NVME)
		node->index = ++next->per_kind[TREE_NVME];
	else
		node->index = next->per_kind[node->kind]++;
	if (node->kind == TREE_ROOT_PORT ||
	    (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH))
		node->chassis = ++next->chassis;
	for (int c = node->first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
		number_node(tree, c, next);
}

void tree_number(struct tree *tree)
{
	struct counters next = { 0 };
	int bus = 1;	/* bus 0 is pcie.0 itself */

	for (int i = tree->first_top; i != TREE_NONE; i = tree->nodes[i].next_sibling)
		number_node(tree, i, &next);
	/* The q35 host bridge's buses first, then each expander's, packed. */
	for (int i = tree->first_top; i != TREE_NONE; i = tree->nodes[i].next_sibling)
		if (tree->nodes[i].kind != TREE_EXPANDER)
			bus += buses_under(tree, i);
	for (int i = tree->first_top; i != TREE_NONE; i = tree->nodes[i].next_sibling)
		if (tree->nodes[i].kind == TREE_EXPANDER) {
			tree->nodes[i].bus_nr = bus;
			bus += buses_under(tree, i);
		}
}

bool tree_load(const char *text, const struct tree_needs *needs, struct tree *tree)
{
	if (!tree_parse(text, tree) || !tree_check(tree, needs))
		return false;
	tree_number(tree);
	return true;
}
