/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the doctor_*.c files and their unit tests; not for other callers. */
#ifndef P2PRIG_DOCTOR_INTERNAL_H
#define P2PRIG_DOCTOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <pci/pci.h>

#include "doctor/doctor.h"

/* Appends to the NUL-terminated text in buf, cutting at size. */
void doctor_appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The gates with their options and notes, all DOCTOR_UNKNOWN. */
void doctor_config_gates_init(struct doctor_config_gate *gates);
/* Reads a whole kernel config (.config format) into the gates. */
void doctor_config_read(FILE *config, struct doctor_config_gate *gates, size_t n);
/* Whether a swiotlb= word on the kernel command line forces bouncing. */
bool doctor_cmdline_forces_swiotlb(const char *cmdline);
/* CPU vendor and family from /proc/cpuinfo text; machine is uname's. */
void doctor_cpu_parse(FILE *cpuinfo, const char *machine, struct doctor_cpu *cpu);
void doctor_cpu_scan(struct doctor_cpu *cpu);
/* The host bridge above a function on root bus (domain, bus), per the kernel's rule. */
void doctor_host_bridge_scan(struct pci_access *pacc, int domain, int bus,
			     struct doctor_host_bridge *out);
/* Sets vlab_bus_addr_faults and vlab_note from the prediction and the initiator's domain. */
void doctor_note_vlab_limit(struct doctor_pair *p);

/*
 * doctor_pair() with the CPU given instead of read from /proc/cpuinfo (a
 * NULL cpu: read it). libpci's sysfs.path (".../bus/pci") also roots the
 * doctor's own sysfs reads (IOMMU group types, p2pmem), so a fake sysfs
 * tree stands in for the machine in the unit tests.
 */
int doctor_pair_with_cpu(struct pci_access *pacc, struct pci_dev *provider,
			 struct pci_dev *initiator, const struct doctor_cpu *cpu,
			 struct doctor_pair *out);

/*
 * One step of the path the doctor explains: a function, or a host bridge
 * the traffic crosses. acs_checked: the kernel's walk reads this
 * function's ACS for its decision (every function from the provider up to
 * the common upstream, and the initiator's below it).
 */
struct doctor_step {
	const char *role;
	const struct doctor_node *node;		/* NULL for a host bridge */
	const struct doctor_host_bridge *host;
	bool acs_checked;
};

#define DOCTOR_PATH_MAX_STEPS (2 * DOCTOR_CHAIN_MAX + 2)

/* Provider up to the common upstream (or its root bus), then down to the initiator. */
size_t doctor_path_steps(const struct doctor_pair *p, struct doctor_step *steps);
/* What the kernel makes of one step: "no ACS", "ACS RR,CR on: redirects", ... */
void doctor_step_verdict(const struct doctor_pair *p, const struct doctor_step *s, char *buf,
			 size_t size);
/*
 * The prediction in words along the path, port by port: each function
 * and host bridge with its verdict, " -> " between them, then "=> MAP_TYPE,
 * distance N: reason"; or (one_line false) a step a line for the report.
 */
#define DOCTOR_EXPLAIN_MAX 4096
void doctor_explain(const struct doctor_pair *p, bool one_line, char *buf, size_t size);

#endif
