// SPDX-License-Identifier: GPL-2.0
/*
 * The tree's syntax: words, each with an optional [key=value] and an
 * optional (child, child, ...). Which word may hold which is the checks'
 * business (tree_check.c); here only the shape, and the words known.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology/tree.h"

const struct tree_kind_info tree_kinds[TREE_KINDS] = {
	[TREE_ROOT_PORT] = { "rp", "root port", "1b36:000c", false },
	[TREE_SWITCH] = { "sw", "switch", "104c:8232", false },
	[TREE_EXPANDER] = { "pxb", "expander host bridge", "1b36:000b", false },
	[TREE_NVME_CMB] = { "nvme-cmb", "NVMe controller with the CMB", "1b36:0010", true },
	[TREE_NVME] = { "nvme", "NVMe controller", "1b36:0010", true },
	[TREE_EDU] = { "edu", "edu DMA engine", "1234:11e8", true },
	[TREE_IVSHMEM] = { "ivshmem", "ivshmem", "1af4:1110", true },
	[TREE_VIRTIO_NET] = { "virtio-net", "virtio-net NIC", "1af4:1041", true },
};

struct cursor {
	const char *text, *at;
	struct tree *tree;
};

void tree_error(struct tree *tree, int column, const char *fmt, ...)
{
	char message[256], line[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (column > 0)
		snprintf(line, sizeof(line), "column %d: %s", column, message);
	else
		snprintf(line, sizeof(line), "%s", message);
	strlist_add(&tree->errors, line);
}

static int column_of(const struct cursor *c)
{
	return (int)(c->at - c->text) + 1;
}

static void skip_blanks(struct cursor *c)
{
	while (*c->at == ' ' || *c->at == '\t')
		c->at++;
}

static bool is_word_char(char ch)
{
	return islower((unsigned char)ch) || isdigit((unsigned char)ch) || ch == '-';
}

/* What the cursor points at, for "found ..." in an error. */
static const char *found(const struct cursor *c, char *buf, size_t size)
{
	if (!*c->at)
		return "the end of the tree";
	snprintf(buf, size, "'%c'", *c->at);
	return buf;
}

static bool expect_char(struct cursor *c, char want, const char *what)
{
	char buf[8];

	skip_blanks(c);
	if (*c->at == want) {
		c->at++;
		return true;
	}
	tree_error(c->tree, column_of(c), "expected %s, found %s", what, found(c, buf, sizeof(buf)));
	return false;
}

static int kind_of(const char *word, size_t len)
{
	for (int k = 0; k < TREE_KINDS; k++)
		if (strlen(tree_kinds[k].word) == len && !strncmp(tree_kinds[k].word, word, len))
			return k;
	return -1;
}

/* [acs=on] or [acs=off], the only option there is. */
static bool parse_options(struct cursor *c, struct tree_node *node)
{
	const char *start;

	c->at++;
	skip_blanks(c);
	start = c->at;
	while (*c->at && *c->at != ']' && *c->at != ' ')
		c->at++;
	if (!strncmp(start, "acs=on", 6) && c->at - start == 6) {
		node->acs_off = false;
	} else if (!strncmp(start, "acs=off", 7) && c->at - start == 7) {
		node->acs_off = true;
	} else {
		tree_error(c->tree, (int)(start - c->text) + 1,
			   "unknown option '%.*s': expected acs=on or acs=off", (int)(c->at - start),
			   start);
		return false;
	}
	if (node->kind != TREE_ROOT_PORT) {
		tree_error(c->tree, node->column,
			   "only a root port's ACS can be set (QEMU's pcie-root-port disable-acs); "
			   "%s has no such knob", tree_kinds[node->kind].word);
		return false;
	}
	return expect_char(c, ']', "']' after the option");
}

static int parse_node(struct cursor *c, int parent);

/* (child, child, ...) after a word. */
static bool parse_children(struct cursor *c, int parent)
{
	struct tree_node *p = &c->tree->nodes[parent];
	int last = TREE_NONE;

	c->at++;
	for (;;) {
		int child = parse_node(c, parent);

		if (child == TREE_NONE)
			return false;
		if (last == TREE_NONE)
			p->first_child = child;
		else
			c->tree->nodes[last].next_sibling = child;
		last = child;
		skip_blanks(c);
		if (*c->at == ')') {
			c->at++;
			return true;
		}
		if (!expect_char(c, ',', "',' or ')' after a child"))
			return false;
	}
}

static int parse_node(struct cursor *c, int parent)
{
	struct tree *tree = c->tree;
	const char *start;
	int kind, index;
	char buf[8];

	skip_blanks(c);
	start = c->at;
	while (is_word_char(*c->at))
		c->at++;
	if (c->at == start) {
		tree_error(tree, column_of(c), "expected a device, a root port, a switch or a pxb, found %s",
			   found(c, buf, sizeof(buf)));
		return TREE_NONE;
	}
	kind = kind_of(start, (size_t)(c->at - start));
	if (kind < 0) {
		tree_error(tree, (int)(start - c->text) + 1,
			   "unknown device '%.*s': expected rp, sw, pxb, nvme-cmb, nvme, edu, ivshmem or virtio-net",
			   (int)(c->at - start), start);
		return TREE_NONE;
	}
	if (tree->n == TREE_MAX_NODES) {
		tree_error(tree, (int)(start - c->text) + 1, "more than %d nodes", TREE_MAX_NODES);
		return TREE_NONE;
	}
	index = tree->n++;
	tree->nodes[index] = (struct tree_node){
		.kind = kind,
		.parent = parent,
		.first_child = TREE_NONE,
		.next_sibling = TREE_NONE,
		.column = (int)(start - c->text) + 1,
	};
	skip_blanks(c);
	if (*c->at == '[' && !parse_options(c, &tree->nodes[index]))
		return TREE_NONE;
	skip_blanks(c);
	if (*c->at == '(' && !parse_children(c, index))
		return TREE_NONE;
	return index;
}

bool tree_parse(const char *text, struct tree *tree)
{
	struct cursor c = { .text = text, .at = text, .tree = tree };
	int last = TREE_NONE;

	memset(tree, 0, sizeof(*tree));
	tree->first_top = TREE_NONE;
	skip_blanks(&c);
	if (!*c.at) {
		tree_error(tree, 0, "an empty tree: expected root ports or pxbs, e.g. rp(sw(nvme-cmb, edu))");
		return false;
	}
	/* Top-level items are separated by blanks (a comma is let through). */
	while (*c.at) {
		int item = parse_node(&c, TREE_NONE);

		if (item == TREE_NONE)
			return false;
		if (last == TREE_NONE)
			tree->first_top = item;
		else
			tree->nodes[last].next_sibling = item;
		last = item;
		skip_blanks(&c);
		if (*c.at == ',')
			c.at++;
		skip_blanks(&c);
		if (*c.at == ')') {
			tree_error(tree, column_of(&c), "a ')' without its '('");
			return false;
		}
	}
	return true;
}

void tree_free(struct tree *tree)
{
	strlist_free(&tree->errors);
}
