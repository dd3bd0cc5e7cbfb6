// SPDX-License-Identifier: GPL-2.0
/*
 * From the machine to the doctor's model: each function from a device up
 * to its root bus through libpci (identity, parent, PCIe port type, ACS,
 * IOMMU group), the group's domain type and p2pmem from sysfs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor/doctor_internal.h"
#include "scenario/selector.h"

#define NODE_FILL (PCI_FILL_IDENT | PCI_FILL_PARENT | PCI_FILL_IOMMU_GROUP)
/* Past the 64 bytes of config space that sysfs shows everybody. */
#define PRIVILEGED_CONFIG_OFFSET 64

static void read_sysfs_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Capabilities can be read only by root: sysfs cuts everybody else off at 64 bytes. */
static bool capabilities_readable(struct pci_dev *d)
{
	u8 probe;

	return pci_read_block(d, PRIVILEGED_CONFIG_OFFSET, &probe, 1);
}

static int port_type(struct pci_dev *d)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);

	if (!cap)
		return DOCTOR_PORT_NONE;
	return (pci_read_word(d, cap->addr + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> 4;
}

static void read_acs(struct pci_dev *d, struct doctor_acs *acs)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED);

	acs->known = true;
	acs->present = cap != NULL;
	if (!cap)
		return;
	acs->cap = pci_read_word(d, cap->addr + PCI_ACS_CAP);
	acs->ctrl = pci_read_word(d, cap->addr + PCI_ACS_CTRL);
}

/*
 * The sysfs root libpci reads (its sysfs.path less "/bus/pci"), so that the
 * doctor's own reads follow a fake tree given to libpci.
 */
static void sysfs_root(struct pci_access *pacc, char *buf, size_t size)
{
	static const char bus_pci[] = "/bus/pci";
	const char *path = pci_get_param(pacc, "sysfs.path");
	size_t len = path ? strlen(path) : 0;

	if (len > sizeof(bus_pci) - 1 && strcmp(path + len - (sizeof(bus_pci) - 1), bus_pci) == 0)
		snprintf(buf, size, "%.*s", (int)(len - (sizeof(bus_pci) - 1)), path);
	else
		snprintf(buf, size, "/sys");
}

static void iommu_group(struct pci_dev *dev, int *group, char *type, size_t size)
{
	char root[256], path[320];
	const char *name;

	*group = -1;
	type[0] = '\0';
	pci_fill_info(dev, PCI_FILL_IOMMU_GROUP);
	name = pci_get_string_property(dev, PCI_FILL_IOMMU_GROUP);
	if (!name)
		return;
	*group = atoi(name);
	sysfs_root(dev->access, root, sizeof(root));
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/type", root, *group);
	read_sysfs_line(path, type, size);
}

static void scan_node(struct pci_dev *d, struct doctor_node *n)
{
	memset(n, 0, sizeof(*n));
	pci_fill_info(d, NODE_FILL);
	selector_address_text(d, n->bdf, sizeof(n->bdf));
	n->vendor = d->vendor_id;
	n->device = d->device_id;
	iommu_group(d, &n->iommu_group, n->iommu_domain, sizeof(n->iommu_domain));
	if (!capabilities_readable(d)) {
		n->port_type = DOCTOR_PORT_UNKNOWN;
		return;
	}
	pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	n->port_type = port_type(d);
	read_acs(d, &n->acs);
}

/* The device, then each bridge above it, as libpci's parent links go. */
static int scan_chain(struct pci_dev *d, struct doctor_node *chain, size_t *n)
{
	for (*n = 0; d; d = d->parent) {
		if (*n == DOCTOR_CHAIN_MAX)
			return -E2BIG;
		scan_node(d, &chain[(*n)++]);
	}
	return 0;
}

static struct pci_dev *first_on_root_bus(struct pci_access *pacc, int domain, int bus)
{
	struct pci_dev *first = NULL;

	for (struct pci_dev *d = pacc->devices; d; d = d->next) {
		if (d->domain != domain || d->bus != bus)
			continue;
		pci_fill_info(d, PCI_FILL_PARENT);
		if (d->parent)
			continue;
		if (!first || (d->dev << 3 | d->func) < (first->dev << 3 | first->func))
			first = d;
	}
	return first;
}

void doctor_host_bridge_scan(struct pci_access *pacc, int domain, int bus,
			     struct doctor_host_bridge *out)
{
	/* The kernel looks at the function its root bus lists first: the lowest devfn. */
	struct pci_dev *first = first_on_root_bus(pacc, domain, bus);
	struct doctor_node node;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "pci%04x:%02x", (unsigned int)domain,
		 (unsigned int)bus);
	if (!first)
		return;
	scan_node(first, &node);
	if ((first->dev || first->func) && node.port_type != PCI_EXP_TYPE_ROOT_PORT)
		return;
	out->has_device = true;
	snprintf(out->bdf, sizeof(out->bdf), "%s", node.bdf);
	out->vendor = node.vendor;
	out->device = node.device;
}

static long long read_sysfs_number(const char *dir, const char *name)
{
	char path[400], value[32];
	char *end;
	long long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	read_sysfs_line(path, value, sizeof(value));
	n = strtoll(value, &end, 0);
	return value[0] && !*end ? n : -1;
}

static void scan_endpoint(struct pci_dev *d, const char *bdf, struct doctor_endpoint *e)
{
	const char *driver;
	char root[256], dir[320];

	memset(e, 0, sizeof(*e));
	pci_fill_info(d, PCI_FILL_DRIVER);
	driver = pci_get_string_property(d, PCI_FILL_DRIVER);
	if (driver)
		snprintf(e->driver, sizeof(e->driver), "%s", driver);

	sysfs_root(d->access, root, sizeof(root));
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/%s/p2pmem", root, bdf);
	e->p2pmem = access(dir, F_OK) == 0;
	e->p2pmem_size = read_sysfs_number(dir, "size");
	e->p2pmem_available = read_sysfs_number(dir, "available");
	e->p2pmem_published = (int)read_sysfs_number(dir, "published");
}

static void host_of_chain(struct pci_access *pacc, struct pci_dev *d,
			  struct doctor_host_bridge *out)
{
	while (d->parent)
		d = d->parent;
	doctor_host_bridge_scan(pacc, d->domain, d->bus, out);
}

int doctor_pair(struct pci_access *pacc, struct pci_dev *provider, struct pci_dev *initiator,
		struct doctor_pair *out)
{
	return doctor_pair_with_cpu(pacc, provider, initiator, NULL, out);
}

int doctor_pair_with_cpu(struct pci_access *pacc, struct pci_dev *provider,
			 struct pci_dev *initiator, const struct doctor_cpu *cpu,
			 struct doctor_pair *out)
{
	struct doctor_model *m;
	int rc;

	if (!pacc || !provider || !initiator || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	m = &out->model;
	rc = scan_chain(provider, m->provider, &m->n_provider);
	if (!rc)
		rc = scan_chain(initiator, m->initiator, &m->n_initiator);
	if (rc)
		return rc;
	host_of_chain(pacc, provider, &m->provider_host);
	host_of_chain(pacc, initiator, &m->initiator_host);
	if (cpu)
		m->cpu = *cpu;
	else
		doctor_cpu_scan(&m->cpu);

	scan_endpoint(provider, m->provider[0].bdf, &out->provider);
	scan_endpoint(initiator, m->initiator[0].bdf, &out->initiator);
	doctor_predict(m, &out->prediction);
	doctor_note_vlab_limit(out);
	return 0;
}
