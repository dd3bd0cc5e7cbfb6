// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig topology-tree: the virtual lab's PCIe tree (CONFIG_VLAB_TREE,
 * harness/src/topology/tree.h), checked, then
 *
 *   check   nothing more (exit 0: the tree is good)
 *   qemu    QEMU's arguments for it, one word a line (boot.sh)
 *   show    the tree indented, with ids and PCI IDs
 *   paths   each device's path of PCI IDs from its host bridge
 *
 * Errors go to stderr as "WHERE: column N: message", WHERE being --at's
 * FILE:LINE (the rig config's line) or "tree". Exit 1 on a bad tree, 2 on
 * bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "topology/tree.h"
#include "util/numparse.h"

static const char usage[] =
	"usage: p2prig topology-tree check|qemu|show|paths TREE [--at FILE:LINE]\n"
	"         [--nvme-count N] [--needs DEVICE,...] [--scratch DIR] [--cmb-mb N]\n"
	"         [--ivshmem-mb N] [--namespaces N]\n";

struct tree_args {
	const char *at;
	struct tree_needs needs;
	struct tree_qemu_config qemu;
};

static bool parse_uint(const char *text, unsigned int *out)
{
	uint64_t v;

	if (!parse_number(text, &v) || v > 1u << 20)
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool parse_options(int argc, char **argv, struct tree_args *a)
{
	unsigned int count = 0;

	for (int i = 3; i < argc; i += 2) {
		const char *key = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = value != NULL;

		if (!ok)
			return false;
		if (!strcmp(key, "--at"))
			a->at = value;
		else if (!strcmp(key, "--needs"))
			a->needs.devices = value;
		else if (!strcmp(key, "--scratch"))
			a->qemu.scratch = value;
		else if (!strcmp(key, "--nvme-count"))
			ok = parse_uint(value, &count);
		else if (!strcmp(key, "--cmb-mb"))
			ok = parse_uint(value, &a->qemu.cmb_mb);
		else if (!strcmp(key, "--ivshmem-mb"))
			ok = parse_uint(value, &a->qemu.ivshmem_mb);
		else if (!strcmp(key, "--namespaces"))
			ok = parse_uint(value, &a->qemu.nvme_namespaces);
		else
			ok = false;
		if (!ok)
			return false;
	}
	a->needs.nvme_count = (int)count;
	return true;
}

int cmd_topology_tree(int argc, char **argv)
{
	struct tree_args a = { .qemu = { "SCRATCH", 64, 64, 1 } };
	struct tree *tree;
	const char *what;
	int rc = 0;

	if (argc < 3 || !parse_options(argc, argv, &a)) {
		fputs(usage, stderr);
		return 2;
	}
	what = argv[1];
	if (strcmp(what, "check") && strcmp(what, "qemu") && strcmp(what, "show") &&
	    strcmp(what, "paths")) {
		fputs(usage, stderr);
		return 2;
	}
	tree = calloc(1, sizeof(*tree));
	if (!tree) {
		perror("p2prig topology-tree");
		return 1;
	}
	if (!tree_load(argv[2], &a.needs, tree)) {
		for (size_t i = 0; i < tree->errors.n; i++)
			fprintf(stderr, "%s: %s\n", a.at ? a.at : "tree", tree->errors.items[i]);
		rc = 1;
	} else if (!strcmp(what, "qemu")) {
		tree_print_qemu(tree, &a.qemu, stdout);
	} else if (!strcmp(what, "show")) {
		tree_print_readable(tree, stdout);
	} else if (!strcmp(what, "paths")) {
		tree_print_paths(tree, stdout);
	}
	tree_free(tree);
	free(tree);
	return rc;
}
