// SPDX-License-Identifier: GPL-2.0
/*
 * The tree as QEMU arguments, one word a line, the way boot.sh wrote
 * them before there was a tree: the disks and ivshmem's memory first,
 * then the ports and devices depth first, each NVMe namespace right
 * after its controller (QEMU wants the bus before what sits on it).
 */
#include <stdarg.h>

#include "topology/tree.h"

static void arg(FILE *out, const char *option, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void arg(FILE *out, const char *option, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s\n", option);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* The position of node i among its siblings: a switch's port number. */
static int position(const struct tree *tree, int i)
{
	int n = 0;

	for (int c = tree->nodes[tree->nodes[i].parent].first_child; c != i;
	     c = tree->nodes[c].next_sibling)
		n++;
	return n;
}

/* The id of the bus node i sits on, as a QEMU bus= names it. */
static void bus_of(const struct tree *tree, int i, char *buf, size_t size)
{
	int parent = tree->nodes[i].parent;

	if (parent == TREE_NONE) {
		snprintf(buf, size, "pcie.0");
		return;
	}
	const struct tree_node *p = &tree->nodes[parent];

	switch (p->kind) {
	case TREE_SWITCH:
		snprintf(buf, size, "sw%dp%d", p->index, position(tree, i));
		break;
	case TREE_EXPANDER:
		snprintf(buf, size, "pxb%d", p->index);
		break;
	default:
		snprintf(buf, size, "rp%d", p->index);
		break;
	}
}

static void print_backends(const struct tree *tree, const struct tree_qemu_config *config, FILE *out)
{
	const char *s = config->scratch;

	for (int i = 0; i < tree->n; i++) {
		const struct tree_node *node = &tree->nodes[i];

		if (node->kind == TREE_NVME_CMB)
			arg(out, "-drive", "file=%s/nvme0n1.img,if=none,id=nvm0n1,format=raw", s);
		if (node->kind == TREE_NVME)
			for (unsigned int n = 1; n <= config->nvme_namespaces; n++)
				arg(out, "-drive", "file=%s/nvme%dn%u.img,if=none,id=nvm%dn%u,format=raw", s,
				    node->index, n, node->index, n);
	}
	for (int i = 0; i < tree->n; i++) {
		const struct tree_node *node = &tree->nodes[i];

		if (node->kind == TREE_IVSHMEM)
			arg(out, "-object",
			    "memory-backend-file,id=ivmem,share=on,mem-path=%s/ivshmem,size=%uM", s,
			    config->ivshmem_mb);
		if (node->kind == TREE_VIRTIO_NET)
			arg(out, "-netdev", "user,id=vnet%d-net", node->index);
	}
}

static void print_node(const struct tree *tree, int i, const struct tree_qemu_config *config,
		       FILE *out)
{
	const struct tree_node *node = &tree->nodes[i];
	char bus[32];

	bus_of(tree, i, bus, sizeof(bus));
	if (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH)
		arg(out, "-device", "xio3130-downstream,id=%s,bus=sw%d,chassis=%d,slot=0", bus,
		    tree->nodes[node->parent].index, node->chassis);
	switch (node->kind) {
	case TREE_ROOT_PORT:
		arg(out, "-device", "pcie-root-port,id=rp%d,chassis=%d,slot=1,bus=%s%s", node->index,
		    node->chassis, bus, node->acs_off ? ",disable-acs=on" : "");
		break;
	case TREE_SWITCH:
		arg(out, "-device", "x3130-upstream,id=sw%d,bus=%s", node->index, bus);
		break;
	case TREE_EXPANDER:
		arg(out, "-device", "pxb-pcie,id=pxb%d,bus_nr=%d,bus=%s", node->index, node->bus_nr, bus);
		break;
	case TREE_NVME_CMB:
		arg(out, "-device", "nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=%u,bus=%s",
		    config->cmb_mb, bus);
		break;
	case TREE_NVME:
		arg(out, "-device", "nvme,id=nvme%d,serial=p2prig%d,bus=%s", node->index, node->index, bus);
		for (unsigned int n = 1; n <= config->nvme_namespaces; n++)
			arg(out, "-device", "nvme-ns,drive=nvm%dn%u,bus=nvme%d,nsid=%u", node->index, n,
			    node->index, n);
		break;
	case TREE_EDU:
		arg(out, "-device", "edu,id=edu%d,dma_mask=0xffffffffffffffff,bus=%s", node->index, bus);
		break;
	case TREE_IVSHMEM:
		arg(out, "-device", "ivshmem-plain,id=ivshmem%d,memdev=ivmem,bus=%s", node->index, bus);
		break;
	case TREE_VIRTIO_NET:
		arg(out, "-device", "virtio-net-pci,id=vnet%d,netdev=vnet%d-net,bus=%s", node->index,
		    node->index, bus);
		break;
	default:
		break;
	}
	for (int c = node->first_child; c != TREE_NONE; c = tree->nodes[c].next_sibling)
		print_node(tree, c, config, out);
}

void tree_print_qemu(const struct tree *tree, const struct tree_qemu_config *config, FILE *out)
{
	print_backends(tree, config, out);
	for (int i = tree->first_top; i != TREE_NONE; i = tree->nodes[i].next_sibling)
		print_node(tree, i, config, out);
}
