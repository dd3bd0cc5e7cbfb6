// SPDX-License-Identifier: GPL-2.0
/*
 * The machine part of the doctor: kernel config and version gates, the
 * IOMMU and swiotlb, the CPU, and the host bridges the whitelist would see.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "doctor/doctor_internal.h"

static const char *const config_dirs[] = { "/boot/config-%s", "/lib/modules/%s/config",
					   "/usr/lib/modules/%s/config" };

void doctor_config_gates_init(struct doctor_config_gate *gates)
{
	static const char *const options[DOCTOR_CONFIG_GATES] = {
		"PCI_P2PDMA", "DMABUF_MOVE_NOTIFY", "INFINIBAND_ON_DEMAND_PAGING",
	};

	for (size_t i = 0; i < DOCTOR_CONFIG_GATES; i++)
		gates[i] = (struct doctor_config_gate){ .option = options[i] };
}

/* "CONFIG_X=v" or "# CONFIG_X is not set"; anything else is left alone. */
static void config_line(const char *line, struct doctor_config_gate *gates, size_t n)
{
	bool unset = strncmp(line, "# CONFIG_", 9) == 0;
	const char *name = line + (unset ? 9 : 7);

	if (!unset && strncmp(line, "CONFIG_", 7) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(gates[i].option);

		if (strncmp(name, gates[i].option, len) != 0)
			continue;
		if (unset && strcmp(name + len, " is not set") == 0) {
			gates[i].state = DOCTOR_MISSING;
		} else if (!unset && name[len] == '=') {
			gates[i].state = DOCTOR_PRESENT;
			snprintf(gates[i].value, sizeof(gates[i].value), "%s", name + len + 1);
		}
	}
}

void doctor_config_read(FILE *config, struct doctor_config_gate *gates, size_t n)
{
	char line[512];

	for (size_t i = 0; i < n; i++) {
		gates[i].state = DOCTOR_UNKNOWN;
		gates[i].note = NULL;
	}
	while (fgets(line, sizeof(line), config)) {
		line[strcspn(line, "\n")] = '\0';
		config_line(line, gates, n);
	}
	/* Absent altogether, not just unset: the option may not exist in this kernel. */
	for (size_t i = 0; i < n; i++) {
		if (gates[i].state != DOCTOR_UNKNOWN)
			continue;
		gates[i].state = DOCTOR_MISSING;
		if (strcmp(gates[i].option, "DMABUF_MOVE_NOTIFY") == 0)
			gates[i].note = "not in this config; removed from newer kernels, where dynamic "
					"dma-buf importers no longer need it";
		else
			gates[i].note = "not in this config";
	}
}

static void scan_config(struct doctor_system *s)
{
	doctor_config_gates_init(s->config);
	for (size_t i = 0; i < sizeof(config_dirs) / sizeof(config_dirs[0]); i++) {
		char path[sizeof(s->config_path)];
		FILE *f;

		snprintf(path, sizeof(path), config_dirs[i], s->release);
		f = fopen(path, "r");
		if (!f)
			continue;
		snprintf(s->config_path, sizeof(s->config_path), "%s", path);
		doctor_config_read(f, s->config, DOCTOR_CONFIG_GATES);
		fclose(f);
		return;
	}
}

static void scan_versions(struct doctor_system *s)
{
	static const struct {
		const char *feature;
		struct kversion since;
	} gates[DOCTOR_VERSION_GATES] = {
		{ "DMA_ATTR_MMIO", { 6, 18, 0 } },
		{ "dma-buf phys helpers", { 6, 19, 0 } },
	};
	struct kversion running;
	bool parsed = kversion_from_release(s->release, &running);

	for (size_t i = 0; i < DOCTOR_VERSION_GATES; i++) {
		s->versions[i].feature = gates[i].feature;
		s->versions[i].since = gates[i].since;
		if (!parsed)
			s->versions[i].state = DOCTOR_UNKNOWN;
		else if (kversion_compare(&running, &gates[i].since) >= 0)
			s->versions[i].state = DOCTOR_PRESENT;
		else
			s->versions[i].state = DOCTOR_MISSING;
	}
}

void doctor_cpu_parse(FILE *cpuinfo, const char *machine, struct doctor_cpu *cpu)
{
	char line[256];
	bool have_vendor = false, have_family = false;

	memset(cpu, 0, sizeof(*cpu));
	cpu->x86 = strcmp(machine, "x86_64") == 0 ||
		   (machine[0] == 'i' && strcmp(machine + 2, "86") == 0);
	/* The first processor is enough: the kernel looks at CPU 0. */
	while ((!have_vendor || !have_family) && fgets(line, sizeof(line), cpuinfo)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "vendor_id", 9) == 0) {
			sscanf(colon + 1, " %15s", cpu->vendor);
			have_vendor = true;
		} else if (strncmp(line, "cpu family", 10) == 0) {
			cpu->family = (unsigned int)strtoul(colon + 1, NULL, 10);
			have_family = true;
		}
	}
	/* Off x86 there is no CPU rule, so nothing more is needed. */
	cpu->known = !cpu->x86 || (have_vendor && have_family);
}

void doctor_cpu_scan(struct doctor_cpu *cpu)
{
	struct utsname uts;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (uname(&uts) != 0 || !f) {
		memset(cpu, 0, sizeof(*cpu));
		if (f)
			fclose(f);
		return;
	}
	doctor_cpu_parse(f, uts.machine, cpu);
	fclose(f);
}

/* The value after swiotlb=: [slabs][,areas][,force|noforce]... */
static bool swiotlb_value_forces(const char *v)
{
	for (int field = 0; field < 2; field++) {
		while (*v >= '0' && *v <= '9')
			v++;
		if (*v == 'x' || *v == 'X') {	/* 0x.. counts */
			v++;
			while ((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f') ||
			       (*v >= 'A' && *v <= 'F'))
				v++;
		}
		if (*v == ',')
			v++;
	}
	return strncmp(v, "force", 5) == 0;
}

/* Calls fn on each kernel word of the command line (up to "--"). */
static void cmdline_words(const char *cmdline, void (*fn)(const char *word, void *ctx), void *ctx)
{
	char word[256];
	const char *p = cmdline;

	while (*p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		p += len;
		if (strcmp(word, "--") == 0)
			break;
		fn(word, ctx);
	}
}

static void note_forcing(const char *word, void *ctx)
{
	if (strncmp(word, "swiotlb=", 8) == 0 && swiotlb_value_forces(word + 8))
		*(bool *)ctx = true;
}

bool doctor_cmdline_forces_swiotlb(const char *cmdline)
{
	bool forced = false;

	cmdline_words(cmdline, note_forcing, &forced);
	return forced;
}

static void note_relevant(const char *word, void *ctx)
{
	static const char *const prefixes[] = {
		"iommu=", "iommu.", "intel_iommu=", "amd_iommu=", "swiotlb=", "pci=",
	};
	struct doctor_system *s = ctx;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(word, prefixes[i], strlen(prefixes[i])) == 0) {
			doctor_appendf(s->cmdline_notes, sizeof(s->cmdline_notes), "%s%s",
				       s->cmdline_notes[0] ? " " : "", word);
			return;
		}
}

static void scan_cmdline(struct doctor_system *s)
{
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	if (!fgets(cmdline, sizeof(cmdline), f))
		cmdline[0] = '\0';
	fclose(f);
	s->swiotlb_forced = doctor_cmdline_forces_swiotlb(cmdline);
	cmdline_words(cmdline, note_relevant, s);
}

static void scan_iommu(struct doctor_system *s)
{
	DIR *d = opendir("/sys/class/iommu");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		s->iommu_present = true;
		doctor_appendf(s->iommu_units, sizeof(s->iommu_units), "%s%s",
			       s->iommu_units[0] ? " " : "", e->d_name);
	}
	if (d)
		closedir(d);

	s->iommu_groups = -1;
	d = opendir("/sys/kernel/iommu_groups");
	if (!d)
		return;
	s->iommu_groups = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			s->iommu_groups++;
	closedir(d);
}

static bool host_listed(const struct doctor_system *s, const char *name)
{
	for (size_t i = 0; i < s->n_hosts; i++)
		if (strcmp(s->hosts[i].name, name) == 0)
			return true;
	return false;
}

/* Every root bus: the functions without a parent bridge. */
static void scan_host_bridges(struct pci_access *pacc, struct doctor_system *s)
{
	for (struct pci_dev *d = pacc->devices; d; d = d->next) {
		struct doctor_host_bridge h;

		pci_fill_info(d, PCI_FILL_PARENT);
		if (d->parent || s->n_hosts == DOCTOR_HOST_BRIDGES_MAX)
			continue;
		doctor_host_bridge_scan(pacc, d->domain, d->bus, &h);
		if (!host_listed(s, h.name))
			s->hosts[s->n_hosts++] = h;
	}
}

void doctor_system_scan(struct pci_access *pacc, struct doctor_system *out)
{
	struct utsname uts;

	memset(out, 0, sizeof(*out));
	if (uname(&uts) == 0) {
		snprintf(out->release, sizeof(out->release), "%s", uts.release);
		snprintf(out->machine, sizeof(out->machine), "%s", uts.machine);
	}
	scan_config(out);
	scan_versions(out);
	doctor_cpu_scan(&out->cpu);
	scan_iommu(out);
	scan_cmdline(out);
	if (pacc)
		scan_host_bridges(pacc, out);
	/* A failed scan is a finding, not a reason to stop: the rest still holds. */
	nvme_inventory_scan(&out->nvme, out->nvme_error, sizeof(out->nvme_error));
}
