/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The topology doctor: what the running kernel's p2pdma code will decide
 * for a provider (peer memory) and an initiator (the DMA engine), and why.
 *
 * Three layers, each usable alone:
 *   - doctor_system_scan(): the machine (kernel config and version gates,
 *     IOMMU, swiotlb, CPU, host bridges);
 *   - doctor_pair(): one provider/initiator pair, read through libpci and
 *     sysfs into a struct doctor_model, then doctor_predict() on it;
 *   - doctor_predict(): the pure decision, the kernel's rules on the model
 *     (drivers/pci/p2pdma.c as of 7.3.4). No I/O: unit tests drive it.
 * doctor_json() and doctor_print() render the result, with the prediction
 * explained along the path, port by port (JSON: pair.explanation, and a
 * verdict per pair.path step).
 *
 * Callers that only want the prediction for result.json:
 *
 *	struct doctor_pair pair;
 *	if (doctor_pair(pacc, provider_dev, initiator_dev, &pair) == 0)
 *		json_object_object_add(obj, "doctor", doctor_json(NULL, &pair));
 *	... pair.prediction.map_type, pair.prediction.p2pdma_distance
 */
#ifndef P2PRIG_DOCTOR_H
#define P2PRIG_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json.h>
#include <pci/pci.h>

#include "util/kversion.h"
#include "system/nvme_inventory.h"

/* The kernel's enum pci_p2pdma_map_type, plus UNKNOWN when we cannot tell. */
enum doctor_map_type {
	DOCTOR_MAP_UNKNOWN,
	DOCTOR_MAP_NOT_SUPPORTED,
	DOCTOR_MAP_BUS_ADDR,
	DOCTOR_MAP_THRU_HOST_BRIDGE,
};

/* "BUS_ADDR", "THRU_HOST_BRIDGE", "NOT_SUPPORTED" or "UNKNOWN". */
const char *doctor_map_type_name(enum doctor_map_type type);

#define DOCTOR_BDF_MAX 16	/* "dddd:bb:dd.f" and its NUL */
#define DOCTOR_CHAIN_MAX 16	/* functions from a device up to its root bus */
#define DOCTOR_TEXT_MAX 512
#define DOCTOR_PORT_NONE (-1)	/* port_type of a function without a PCIe capability */
#define DOCTOR_PORT_UNKNOWN (-2)	/* capabilities unreadable (not root) */

/* ACS of one function, as its ACS extended capability reads. */
struct doctor_acs {
	bool known;		/* false: config space past 64 bytes unreadable (not root) */
	bool present;		/* the function has an ACS capability */
	uint16_t cap;		/* PCI_ACS_CAP: what it can do */
	uint16_t ctrl;		/* PCI_ACS_CTRL: what is enabled */
};

/* One PCI function on a device's way up to its root bus. */
struct doctor_node {
	char bdf[DOCTOR_BDF_MAX];
	uint16_t vendor, device;
	int port_type;		/* PCI_EXP_TYPE_*, DOCTOR_PORT_NONE or DOCTOR_PORT_UNKNOWN */
	struct doctor_acs acs;
	int iommu_group;	/* -1: none */
	char iommu_domain[16];	/* the group's type: "identity", "DMA", "DMA-FQ", ... or "" */
};

/*
 * A host bridge and the function the kernel compares against its
 * whitelist: the first function on the root bus, if that is 00.0 or a
 * root port; otherwise the kernel has nothing to look up.
 */
struct doctor_host_bridge {
	char name[24];		/* as sysfs names it: "pci0000:00" */
	bool has_device;
	char bdf[DOCTOR_BDF_MAX];
	uint16_t vendor, device;
};

struct doctor_cpu {
	bool known;		/* /proc/cpuinfo was read */
	bool x86;		/* the CPU rule exists only on x86 */
	char vendor[16];	/* "AuthenticAMD", "GenuineIntel", ... */
	unsigned int family;
};

/* Everything doctor_predict() looks at. */
struct doctor_model {
	/* [0] is the device itself, then each upstream bridge, up to the root bus. */
	struct doctor_node provider[DOCTOR_CHAIN_MAX];
	size_t n_provider;
	struct doctor_node initiator[DOCTOR_CHAIN_MAX];
	size_t n_initiator;
	struct doctor_host_bridge provider_host, initiator_host;
	struct doctor_cpu cpu;
};

/* Which rule let traffic through the host bridge, or refused it. */
enum doctor_whitelist_rule {
	DOCTOR_WHITELIST_NOT_ASKED,	/* BUS_ADDR: the kernel never consults it */
	DOCTOR_WHITELIST_CPU,		/* x86 AMD, family >= 0x17 */
	DOCTOR_WHITELIST_TABLE,		/* host bridge(s) in the ID table */
	DOCTOR_WHITELIST_NEEDS_SAME_HOST,	/* listed, but only for one shared host bridge */
	DOCTOR_WHITELIST_NOT_LISTED,
	DOCTOR_WHITELIST_NO_DEVICE,	/* no function on the root bus to look up */
	DOCTOR_WHITELIST_CPU_UNKNOWN,	/* table says no, CPU unknown: cannot tell */
};

const char *doctor_whitelist_rule_name(enum doctor_whitelist_rule rule);

struct doctor_prediction {
	enum doctor_map_type map_type;
	int distance;		/* the kernel's hop count, also when not supported */
	int p2pdma_distance;	/* what pci_p2pdma_distance() returns: distance or -1 */
	int common_provider;	/* index in model->provider of the common upstream, -1: none */
	int common_initiator;	/* the same function's index in model->initiator */
	bool acs_redirect;	/* a function the kernel checks has RR, CR or EC on */
	char acs_redirect_bdfs[DOCTOR_TEXT_MAX];	/* "A;B", the kernel's order */
	char acs_hint[DOCTOR_TEXT_MAX];	/* "pci=disable_acs_redir=A;B" or "" */
	enum doctor_whitelist_rule whitelist;
	char whitelist_text[DOCTOR_TEXT_MAX];
	char reason[DOCTOR_TEXT_MAX];
	/*
	 * The deliberate host-bridge route (the "-host" methods) of a
	 * BUS_ADDR pair: what the kernel's rule says of traffic through the
	 * host bridge (the CPU rule and the whitelist, as for a pair without a
	 * common upstream): THRU_HOST_BRIDGE accepted, NOT_SUPPORTED refused,
	 * UNKNOWN when it cannot tell. Other pairs: their map_type.
	 */
	enum doctor_map_type host_route;
	char host_route_text[DOCTOR_TEXT_MAX];
};

/* The route a mapping takes (uAPI version 8), as the doctor predicts it. */
enum doctor_route {
	DOCTOR_ROUTE_UNKNOWN,
	DOCTOR_ROUTE_REFUSED,		/* no path the kernel trusts: -EREMOTEIO */
	DOCTOR_ROUTE_BUS_ADDR,		/* the bus address, switch-local */
	DOCTOR_ROUTE_HOST_BRIDGE,	/* the DMA layer, through the root complex */
};

const char *doctor_route_name(enum doctor_route route);

/*
 * The route for a method: the kernel's rule (deliberate_host false), or
 * always through the host bridge (the "-host" methods). *unaccepted is
 * set when that route goes through a host bridge the kernel's rule would
 * not accept for the pair on real hardware (host_route NOT_SUPPORTED).
 * Pure.
 */
enum doctor_route doctor_predict_route(const struct doctor_prediction *p, bool deliberate_host,
				       bool *unaccepted);

/* The kernel's decision for the model. Pure. */
void doctor_predict(const struct doctor_model *model, struct doctor_prediction *out);

/* Pure helpers of the same rules, for reports and tests. */
bool doctor_acs_redirects(const struct doctor_acs *acs);
bool doctor_cpu_allows_p2pdma(const struct doctor_cpu *cpu);
/* The table alone for one host bridge, for devices under it (same) or under two. */
enum doctor_whitelist_rule doctor_host_bridge_rule(const struct doctor_host_bridge *host,
						   bool same_host_bridge);
const char *doctor_port_type_name(int port_type);
/* "SV,RR,CR" for the ACS bits set in bits, "none" for none. */
void doctor_acs_bits_text(uint16_t bits, char *buf, size_t size);

/* Extras of an endpoint that the prediction does not need. */
struct doctor_endpoint {
	char driver[64];	/* "" when unbound */
	bool p2pmem;		/* /sys/bus/pci/devices/BDF/p2pmem exists */
	long long p2pmem_size, p2pmem_available;	/* -1: unreadable */
	int p2pmem_published;	/* 0, 1, or -1: unreadable */
};

/* One pair's analysis. */
struct doctor_pair {
	struct doctor_model model;
	struct doctor_endpoint provider, initiator;
	struct doctor_prediction prediction;
	/* BUS_ADDR while the initiator's IOMMU domain translates: QEMU faults. */
	bool vlab_bus_addr_faults;
	char vlab_note[DOCTOR_TEXT_MAX];
};

/*
 * Reads both devices (pacc scanned with pci_scan_bus) and predicts. The
 * CPU is read from /proc/cpuinfo. Returns 0, or -EINVAL for a NULL
 * argument, -E2BIG for a chain deeper than DOCTOR_CHAIN_MAX.
 */
int doctor_pair(struct pci_access *pacc, struct pci_dev *provider, struct pci_dev *initiator,
		struct doctor_pair *out);

/* Whether a kernel config option or a kernel version gate holds. */
enum doctor_presence {
	DOCTOR_UNKNOWN,
	DOCTOR_PRESENT,
	DOCTOR_MISSING,
};

const char *doctor_presence_name(enum doctor_presence presence);

struct doctor_config_gate {
	const char *option;	/* without CONFIG_ */
	enum doctor_presence state;
	char value[8];		/* "y" or "m" when present */
	const char *note;	/* for the reader, or NULL */
};

struct doctor_version_gate {
	const char *feature;
	struct kversion since;
	enum doctor_presence state;	/* unknown when the release does not parse */
};

#define DOCTOR_CONFIG_GATES 3
#define DOCTOR_VERSION_GATES 2
#define DOCTOR_HOST_BRIDGES_MAX 16

struct doctor_system {
	char release[65], machine[65];
	char config_path[128];	/* "" when no config file was found */
	struct doctor_config_gate config[DOCTOR_CONFIG_GATES];
	struct doctor_version_gate versions[DOCTOR_VERSION_GATES];
	struct doctor_cpu cpu;
	bool iommu_present;	/* /sys/class/iommu has a unit */
	char iommu_units[128];	/* "dmar0 dmar1" */
	int iommu_groups;	/* -1: no /sys/kernel/iommu_groups */
	bool swiotlb_forced;	/* swiotlb=force on the command line */
	char cmdline_notes[DOCTOR_TEXT_MAX];	/* iommu, swiotlb, pci= words of /proc/cmdline */
	struct doctor_host_bridge hosts[DOCTOR_HOST_BRIDGES_MAX];
	size_t n_hosts;
	/* NVMe controllers and namespaces (libnvme); nvme_error: why the scan failed. */
	struct nvme_inventory nvme;
	char nvme_error[DOCTOR_TEXT_MAX];
};

/* The machine; pacc (scanned) may be NULL, then no host bridges are listed. */
void doctor_system_scan(struct pci_access *pacc, struct doctor_system *out);

/*
 * A new JSON object {"system": ..., "nvme": ..., "pair": ...}; "system" and
 * "nvme" come from system, "pair" from pair. Either argument may be NULL,
 * and what it gives is then left out. The caller owns the reference.
 */
json_object *doctor_json(const struct doctor_system *system, const struct doctor_pair *pair);

/* The human table; either argument may be NULL. */
void doctor_print(FILE *to, const struct doctor_system *system, const struct doctor_pair *pair);

#endif
