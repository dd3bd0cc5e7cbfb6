// SPDX-License-Identifier: GPL-2.0
/*
 * The tree as QEMU arguments, one word a line, the way boot.sh wrote
 * them before there was a tree: the disks and ivshmem's memory first,
 * then the ports and devices depth first, each NVMe namespace right
 * after its controller (QEMU wants the bus before what sits on it). Each
 * option and its value is a line of its own: boot.sh reads them as words.
 */
#include "topology/tree.h"

/* Each option on its line, its value on the next. */
#define DEVICE "-device\n"
#define DRIVE "-drive\n"
#define OBJECT "-object\n"
#define NETDEV "-netdev\n"

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
			fprintf(out, DRIVE "file=%s/nvme0n1.img,if=none,id=nvm0n1,format=raw\n", s);
		if (node->kind == TREE_NVME)
			for (unsigned int n = 1; n <= config->nvme_namespaces; n++)
				fprintf(out, DRIVE "file=%s/nvme%dn%u.img,if=none,id=nvm%dn%u,format=raw\n",
					s, node->index, n, node->index, n);
	}
	for (int i = 0; i < tree->n; i++) {
		const struct tree_node *node = &tree->nodes[i];

		if (node->kind == TREE_IVSHMEM)
			fprintf(out, OBJECT "memory-backend-file,id=ivmem,share=on,mem-path=%s/ivshmem,size=%uM\n",
				s, config->ivshmem_mb);
		if (node->kind == TREE_VIRTIO_NET)
			fprintf(out, NETDEV "user,id=vnet%d-net\n", node->index);
	}
}

static void print_node(const struct tree *tree, int i, const struct tree_qemu_config *config,
			   FILE *out)
{
	const struct tree_node *node = &tree->nodes[i];
	char bus[32];

	bus_of(tree, i, bus, sizeof(bus));
	if (node->parent != TREE_NONE && tree->nodes[node->parent].kind == TREE_SWITCH)
		fprintf(out, DEVICE "xio3130-downstream,id=%s,bus=sw%d,chassis=%d,slot=0\n", bus,
			tree->nodes[node->parent].index, node->chassis);
	switch (node->kind) {
	case TREE_ROOT_PORT:
		fprintf(out, DEVICE "pcie-root-port,id=rp%d,chassis=%d,slot=1,bus=%s%s\n", node->index,
			node->chassis, bus, node->acs_off ? ",disable-acs=on" : "");
		break;
	case TREE_SWITCH:
		fprintf(out, DEVICE "x3130-upstream,id=sw%d,bus=%s\n", node->index, bus);
		break;
	case TREE_EXPANDER:
		fprintf(out, DEVICE "pxb-pcie,id=pxb%d,bus_nr=%d,bus=%s\n", node->index, node->bus_nr, bus);
		break;
	case TREE_NVME_CMB:
		fprintf(out, DEVICE "nvme,id=nvme-cmb,serial=p2prig0,drive=nvm0n1,cmb_size_mb=%u,bus=%s\n",
			config->cmb_mb, bus);
		break;
	case TREE_NVME:
		fprintf(out, DEVICE "nvme,id=nvme%d,serial=p2prig%d,bus=%s\n", node->index, node->index, bus);
		for (unsigned int n = 1; n <= config->nvme_namespaces; n++)
			fprintf(out, DEVICE "nvme-ns,drive=nvm%dn%u,bus=nvme%d,nsid=%u\n", node->index, n,
				node->index, n);
		break;
	case TREE_EDU:
		fprintf(out, DEVICE "edu,id=edu%d,dma_mask=0xffffffffffffffff,bus=%s\n", node->index, bus);
		break;
	case TREE_IVSHMEM:
		fprintf(out, DEVICE "ivshmem-plain,id=ivshmem%d,memdev=ivmem,bus=%s\n", node->index, bus);
		break;
	case TREE_VIRTIO_NET:
		fprintf(out, DEVICE "virtio-net-pci,id=vnet%d,netdev=vnet%d-net,bus=%s\n", node->index,
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
