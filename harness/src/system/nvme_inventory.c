// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe inventory: libnvme's topology walk (hosts, subsystems,
 * controllers, namespaces), Identify Controller through libnvme, and the
 * registers of each PCIe controller; plus lookups for scenario lines.
 */
#include "system/nvme_inventory.h"

#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libnvme.h>
#include <pci/pci.h>

#include "system/nvme_registers.h"

/* sysfs strings are padded with blanks to the Identify field's width. */
static void copy_trimmed(char *dst, size_t size, const char *src)
{
	size_t len;

	snprintf(dst, size, "%s", src ? src : "");
	len = strlen(dst);
	while (len && isspace((unsigned char)dst[len - 1]))
		dst[--len] = '\0';
}

static bool is_pci_address(const char *text)
{
	unsigned int domain, bus, dev, fn;
	int end = 0;

	return sscanf(text, "%4x:%2x:%2x.%1x%n", &domain, &bus, &dev, &fn, &end) == 4 &&
	       text[end] == '\0';
}

/* The controller's registers: BAR0 first, the driver's cmb attribute if that fails. */
static void read_registers(nvme_ctrl_t c, struct nvme_ctrl_info *info)
{
	struct nvme_registers regs;
	uint32_t cmbloc, cmbsz;
	char path[128];

	if (strcmp(info->transport, "pcie") != 0 || !info->address[0]) {
		snprintf(info->regs_error, sizeof(info->regs_error), "not a PCIe controller");
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", info->address);
	if (nvme_registers_read(path, &regs, info->regs_error, sizeof(info->regs_error)) == 0) {
		info->regs_read = true;
		info->regs_error[0] = '\0';
		info->cap = regs.cap;
		snprintf(info->cmb_source, sizeof(info->cmb_source), "bar0");
		nvme_cmb_decode(regs.cap, regs.cmbloc, regs.cmbsz, &info->cmb);
		nvme_pmr_decode(regs.cap, regs.pmrcap, &info->pmr);
		return;
	}
	/*
	 * The nvme driver, which is bound (the controller is in /sys/class/nvme),
	 * shows the CMBLOC/CMBSZ it read at probe (after setting CMBMSC.CRE) in
	 * /sys/class/nvme/nvmeX/cmb, and hides the attribute when CMBSZ read 0
	 * (some kernels before 6.3 left it hidden by mistake). Without CAP the CMB
	 * is known this way, the PMR is not.
	 */
	cmbloc = 0;
	cmbsz = 0;
	if (nvme_registers_read_cmb_attr(nvme_ctrl_get_sysfs_dir(c), &cmbloc, &cmbsz) == -EINVAL)
		return;
	snprintf(info->cmb_source, sizeof(info->cmb_source), "sysfs");
	nvme_cmb_decode(0, cmbloc, cmbsz, &info->cmb);
}

/*
 * Identify Controller into a page of its own, as nvme-cli does: 4 KiB on
 * the stack straddle two pages, which makes the passthrough command a
 * request of two segments, and a kernel whose block layer mishandles those
 * (bugs/blk-p2p-uninit) would hold the runner there for ever, before any
 * step could say what broke.
 */
static void identify(nvme_ctrl_t c, struct nvme_ctrl_info *info)
{
	struct nvme_id_ctrl *id = NULL;
	uint64_t min_page, mdts;
	int err;

	err = posix_memalign((void **)&id, 4096, sizeof(*id));
	if (err) {
		snprintf(info->identify_error, sizeof(info->identify_error), "Identify: %s",
			 strerror(err));
		return;
	}
	memset(id, 0, sizeof(*id));
	if (nvme_ctrl_identify(c, id) != 0) {
		snprintf(info->identify_error, sizeof(info->identify_error), "Identify: %s",
			 errno ? strerror(errno) : "failed");
		free(id);
		return;
	}
	info->identified = true;
	info->vid = le16toh(id->vid);
	info->ssvid = le16toh(id->ssvid);
	/* MDTS counts in CAP.MPSMIN pages; 4 KiB (MPSMIN 0) when CAP is unread. */
	min_page = 1ull << (12 + (info->regs_read ? NVME_CAP_MPSMIN(info->cap) : 0));
	mdts = id->mdts < 32 ? min_page << id->mdts : UINT64_MAX;
	if (id->mdts)
		info->mdts_bytes = mdts > UINT32_MAX ? UINT32_MAX : (uint32_t)mdts;
	free(id);
}

static bool has_nsid(const struct nvme_ctrl_info *info, uint32_t nsid)
{
	for (size_t i = 0; i < info->n_ns; i++)
		if (info->ns[i].nsid == nsid)
			return true;
	return false;
}

static void add_namespace(nvme_ns_t n, struct nvme_ctrl_info *info)
{
	struct nvme_ns_info *ns;
	uint32_t nsid = (uint32_t)nvme_ns_get_nsid(n);

	if (info->n_ns == NVME_INV_MAX_NS || has_nsid(info, nsid))
		return;
	ns = &info->ns[info->n_ns++];
	snprintf(ns->name, sizeof(ns->name), "%s", nvme_ns_get_name(n));
	snprintf(ns->dev_path, sizeof(ns->dev_path), "/dev/%s", nvme_ns_get_name(n));
	ns->nsid = nsid;
	ns->lba_bytes = (uint32_t)nvme_ns_get_lba_size(n);
	ns->size_bytes = nvme_ns_get_lba_count(n) * ns->lba_bytes;
}

static int by_nsid(const void *a, const void *b)
{
	const struct nvme_ns_info *x = a, *y = b;

	return (x->nsid > y->nsid) - (x->nsid < y->nsid);
}

static void add_namespaces(nvme_ctrl_t c, struct nvme_ctrl_info *info)
{
	nvme_path_t p;
	nvme_ns_t n;

	/* Without native multipath the namespaces hang off the controller... */
	nvme_ctrl_for_each_ns(c, n)
		add_namespace(n, info);
	/* ...with it, off the subsystem, reached through this controller's paths. */
	nvme_ctrl_for_each_path(c, p) {
		n = nvme_path_get_ns(p);
		if (n)
			add_namespace(n, info);
	}
	qsort(info->ns, info->n_ns, sizeof(info->ns[0]), by_nsid);
}

static void add_controller(nvme_ctrl_t c, struct nvme_inventory *inv)
{
	struct nvme_ctrl_info *info;

	if (inv->n_ctrls == NVME_INV_MAX_CTRLS)
		return;
	info = &inv->ctrls[inv->n_ctrls++];
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", nvme_ctrl_get_name(c));
	copy_trimmed(info->transport, sizeof(info->transport), nvme_ctrl_get_transport(c));
	/* For PCIe the sysfs address attribute is the function's address. */
	if (strcmp(info->transport, "pcie") == 0 && nvme_ctrl_get_address(c) &&
	    is_pci_address(nvme_ctrl_get_address(c)))
		snprintf(info->address, sizeof(info->address), "%s", nvme_ctrl_get_address(c));
	copy_trimmed(info->serial, sizeof(info->serial), nvme_ctrl_get_serial(c));
	copy_trimmed(info->model, sizeof(info->model), nvme_ctrl_get_model(c));
	copy_trimmed(info->firmware, sizeof(info->firmware), nvme_ctrl_get_firmware(c));
	read_registers(c, info);
	identify(c, info);
	add_namespaces(c, info);
}

/* "nvme10" after "nvme9": by the instance number. */
static int by_instance(const void *a, const void *b)
{
	const struct nvme_ctrl_info *x = a, *y = b;
	unsigned long i = strtoul(x->name + strcspn(x->name, "0123456789"), NULL, 10);
	unsigned long j = strtoul(y->name + strcspn(y->name, "0123456789"), NULL, 10);

	return (i > j) - (i < j);
}

int nvme_inventory_scan(struct nvme_inventory *inv, char *err, size_t err_size)
{
	nvme_subsystem_t s;
	nvme_root_t root;
	nvme_host_t h;
	nvme_ctrl_t c;

	memset(inv, 0, sizeof(*inv));
	err[0] = '\0';
	/* libnvme's notices would land in the runner's output: errors only. */
	root = nvme_create_root(stderr, LOG_ERR);
	if (!root) {
		snprintf(err, err_size, "libnvme: %s", strerror(errno));
		return -1;
	}
	if (nvme_scan_topology(root, NULL, NULL) != 0) {
		int why = errno;

		nvme_free_tree(root);
		/* No nvme-subsystem class: the driver is not loaded, no NVMe here. */
		if (why == ENOENT)
			return 0;
		snprintf(err, err_size, "libnvme topology scan: %s", strerror(why));
		return -1;
	}
	nvme_for_each_host(root, h)
		nvme_for_each_subsystem(h, s)
			nvme_subsystem_for_each_ctrl(s, c)
				add_controller(c, inv);
	nvme_free_tree(root);
	qsort(inv->ctrls, inv->n_ctrls, sizeof(inv->ctrls[0]), by_instance);
	return 0;
}

static bool slot_matches(const char *address, const char *slot)
{
	unsigned int domain, bus, dev, fn;
	struct pci_filter filter;
	char text[64];

	if (sscanf(address, "%x:%x:%x.%x", &domain, &bus, &dev, &fn) != 4)
		return false;
	/* libpci's own slot syntax, as for slot= PCI selectors; -1 is "any". */
	pci_filter_init(NULL, &filter);
	snprintf(text, sizeof(text), "%s", slot);
	if (pci_filter_parse_slot(&filter, text))
		return false;
	return (filter.domain < 0 || (unsigned int)filter.domain == domain) &&
	       (filter.bus < 0 || (unsigned int)filter.bus == bus) &&
	       (filter.slot < 0 || (unsigned int)filter.slot == dev) &&
	       (filter.func < 0 || (unsigned int)filter.func == fn);
}

static bool ctrl_matches(const struct nvme_ctrl_info *c, const char *key, const char *value)
{
	if (strcmp(key, "serial") == 0)
		return strcmp(c->serial, value) == 0;
	if (strcmp(key, "slot") == 0)
		return c->address[0] && slot_matches(c->address, value);
	return strcmp(c->name, value) == 0;
}

const struct nvme_ns_info *nvme_inventory_find_ns(const struct nvme_inventory *inv,
						  const char *ctrl_sel, uint32_t nsid,
						  const struct nvme_ctrl_info **ctrl,
						  char *why, size_t why_size)
{
	const char *eq = strchr(ctrl_sel, '=');
	char key[8];

	if (ctrl)
		*ctrl = NULL;
	if (!eq || eq == ctrl_sel || (size_t)(eq - ctrl_sel) >= sizeof(key) || !eq[1]) {
		snprintf(why, why_size, "'%s': expected serial=, slot= or name= and a value",
			 ctrl_sel);
		return NULL;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - ctrl_sel), ctrl_sel);
	if (strcmp(key, "serial") && strcmp(key, "slot") && strcmp(key, "name")) {
		snprintf(why, why_size, "'%s': expected serial=, slot= or name= and a value",
			 ctrl_sel);
		return NULL;
	}
	for (size_t i = 0; i < inv->n_ctrls; i++) {
		const struct nvme_ctrl_info *c = &inv->ctrls[i];

		if (!ctrl_matches(c, key, eq + 1))
			continue;
		if (ctrl)
			*ctrl = c;
		for (size_t j = 0; j < c->n_ns; j++)
			if (c->ns[j].nsid == nsid)
				return &c->ns[j];
		snprintf(why, why_size, "%s has no namespace %u", c->name, nsid);
		return NULL;
	}
	snprintf(why, why_size, "no controller with %s", ctrl_sel);
	return NULL;
}
