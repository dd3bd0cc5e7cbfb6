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

#endif
