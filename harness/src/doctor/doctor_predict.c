// SPDX-License-Identifier: GPL-2.0
/*
 * The p2pdma decision as drivers/pci/p2pdma.c makes it (7.3.4), redone on
 * a model of the topology. No I/O here: everything comes from the model.
 *
 * The kernel's rules, in our words:
 *  - Walk up from the provider; the first function that is also on the
 *    initiator's way up is the common upstream. The distance is the number
 *    of steps from each side to it (0 for one function, 2 for two functions
 *    under one bridge, 4 across a switch).
 *  - With a common upstream, ACS redirection (Request Redirect, Completion
 *    Redirect or Egress Control enabled) on any function checked on the way
 *    sends the traffic up to the host bridge. Checked are the provider's
 *    functions up to and including the common one, and the initiator's
 *    functions below it. No redirection: BUS_ADDR.
 *  - Through the host bridge (no common upstream, or redirection): allowed
 *    on x86 AMD CPUs of family 0x17 (Zen) and newer, else only if the host
 *    bridge's function is in an ID table; some entries hold only when both
 *    devices sit under that same host bridge. Allowed: THRU_HOST_BRIDGE,
 *    else NOT_SUPPORTED.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doctor/doctor_internal.h"
#include "util/array_size.h"
#include "util/names.h"

#define ANY_DEVICE (-1)

/* The kernel's ID table as of 7.3.4. */
static const struct whitelist_entry {
	uint16_t vendor;
	int device;
	bool same_host_bridge_only;
} whitelist[] = {
	/* Intel Xeon E5 / Core i7 */
	{ 0x8086, 0x3c00, true },
	{ 0x8086, 0x3c01, true },
	/* Intel Xeon E7 v3 / E5 v3 / Core i7 */
	{ 0x8086, 0x2f00, true },
	{ 0x8086, 0x2f01, true },
	/* Intel Skylake-E root ports and later */
	{ 0x8086, 0x2030, false },
	{ 0x8086, 0x2031, false },
	{ 0x8086, 0x2032, false },
	{ 0x8086, 0x2033, false },
	{ 0x8086, 0x2020, false },
	{ 0x8086, 0x09a2, false },
	/* Intel DSA/IAA accelerators and QAT devices as root-bus functions */
	{ 0x8086, 0x0b25, false },
	{ 0x8086, 0x0cfe, false },
	{ 0x8086, 0x11fb, false },
	{ 0x8086, 0x1212, false },
	{ 0x8086, 0x1216, false },
	{ 0x8086, 0x4940, false },
	{ 0x8086, 0x4942, false },
	{ 0x8086, 0x4944, false },
	{ 0x8086, 0x4946, false },
	{ 0x8086, 0x4948, false },
	/* Google SoCs: any device */
	{ 0x1ae0, ANY_DEVICE, false },
	/* Nvidia CPUs */
	{ 0x10de, 0x2f95, false },
	{ 0x10de, 0x2f96, false },
	{ 0x10de, 0x2f97, false },
	{ 0x10de, 0x2f98, false },
};

#define ACS_REDIRECT_BITS (PCI_ACS_CTRL_REQ_RED | PCI_ACS_CTRL_CMPLT_RED | PCI_ACS_CTRL_EGRESS)
#define AMD_ZEN_FAMILY 0x17

void doctor_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

const char *doctor_map_type_name(enum doctor_map_type type)
{
	static const char *const names[] = {
		[DOCTOR_MAP_UNKNOWN] = "UNKNOWN", [DOCTOR_MAP_NOT_SUPPORTED] = "NOT_SUPPORTED",
		[DOCTOR_MAP_BUS_ADDR] = "BUS_ADDR", [DOCTOR_MAP_THRU_HOST_BRIDGE] = "THRU_HOST_BRIDGE",
	};

	return name_of(names, ARRAY_SIZE(names), type, "UNKNOWN");
}

const char *doctor_whitelist_rule_name(enum doctor_whitelist_rule rule)
{
	static const char *const names[] = {
		[DOCTOR_WHITELIST_NOT_ASKED] = "not-asked",
		[DOCTOR_WHITELIST_CPU] = "cpu-amd-zen",
		[DOCTOR_WHITELIST_TABLE] = "table",
		[DOCTOR_WHITELIST_NEEDS_SAME_HOST] = "table-same-host-bridge-only",
		[DOCTOR_WHITELIST_NOT_LISTED] = "not-listed",
		[DOCTOR_WHITELIST_NO_DEVICE] = "no-host-bridge-device",
		[DOCTOR_WHITELIST_CPU_UNKNOWN] = "cpu-unknown",
	};

	return name_of(names, ARRAY_SIZE(names), rule, "?");
}

const char *doctor_presence_name(enum doctor_presence presence)
{
	static const char *const names[] = {
		[DOCTOR_PRESENT] = "present", [DOCTOR_MISSING] = "missing", [DOCTOR_UNKNOWN] = "unknown",
	};

	return name_of(names, ARRAY_SIZE(names), presence, "unknown");
}

const char *doctor_port_type_name(int port_type)
{
	switch (port_type) {
	case DOCTOR_PORT_NONE:
		return "pci";
	case DOCTOR_PORT_UNKNOWN:
		return "?";
	case PCI_EXP_TYPE_ENDPOINT:
		return "endpoint";
	case PCI_EXP_TYPE_LEG_END:
		return "legacy-endpoint";
	case PCI_EXP_TYPE_ROOT_PORT:
		return "root-port";
	case PCI_EXP_TYPE_UPSTREAM:
		return "upstream-port";
	case PCI_EXP_TYPE_DOWNSTREAM:
		return "downstream-port";
	case PCI_EXP_TYPE_PCI_BRIDGE:
		return "pcie-to-pci";
	case PCI_EXP_TYPE_PCIE_BRIDGE:
		return "pci-to-pcie";
	case PCI_EXP_TYPE_ROOT_INT_EP:
		return "rc-endpoint";
	case PCI_EXP_TYPE_ROOT_EC:
		return "rc-event-collector";
	}
	return "pcie-other";
}

/* What a reader calls the common upstream function. */
static const char *common_upstream_words(int port_type)
{
	switch (port_type) {
	case PCI_EXP_TYPE_UPSTREAM:
		return "switch port";
	case PCI_EXP_TYPE_DOWNSTREAM:
		return "switch downstream port";
	case PCI_EXP_TYPE_ROOT_PORT:
		return "root port";
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_PCIE_BRIDGE:
		return "bridge";
	}
	return "function";
}

void doctor_acs_bits_text(uint16_t bits, char *buf, size_t size)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} names[] = {
		{ PCI_ACS_CTRL_VALID, "SV" },	  { PCI_ACS_CTRL_BLOCK, "TB" },
		{ PCI_ACS_CTRL_REQ_RED, "RR" },	  { PCI_ACS_CTRL_CMPLT_RED, "CR" },
		{ PCI_ACS_CTRL_FORWARD, "UF" },	  { PCI_ACS_CTRL_EGRESS, "EC" },
		{ PCI_ACS_CTRL_TRANS, "DT" },
	};

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bits & names[i].bit)
			doctor_appendf(buf, size, "%s%s", buf[0] ? "," : "", names[i].name);
	if (!buf[0])
		snprintf(buf, size, "none");
}

bool doctor_acs_redirects(const struct doctor_acs *acs)
{
	return acs->known && acs->present && (acs->ctrl & ACS_REDIRECT_BITS);
}

bool doctor_cpu_allows_p2pdma(const struct doctor_cpu *cpu)
{
	return cpu->known && cpu->x86 && strcmp(cpu->vendor, "AuthenticAMD") == 0 &&
	       cpu->family >= AMD_ZEN_FAMILY;
}

enum doctor_whitelist_rule doctor_host_bridge_rule(const struct doctor_host_bridge *host,
						   bool same_host_bridge)
{
	if (!host->has_device)
		return DOCTOR_WHITELIST_NO_DEVICE;
	/* The first entry that matches decides. */
	for (size_t i = 0; i < sizeof(whitelist) / sizeof(whitelist[0]); i++) {
		const struct whitelist_entry *e = &whitelist[i];

		if (e->vendor != host->vendor)
			continue;
		if (e->device != ANY_DEVICE && e->device != host->device)
			continue;
		if (e->same_host_bridge_only && !same_host_bridge)
			return DOCTOR_WHITELIST_NEEDS_SAME_HOST;
		return DOCTOR_WHITELIST_TABLE;
	}
	return DOCTOR_WHITELIST_NOT_LISTED;
}

static int chain_find(const struct doctor_node *chain, size_t n, const char *bdf)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(chain[i].bdf, bdf) == 0)
			return (int)i;
	return -1;
}

/* Same walk as the kernel: the provider's lowest function the initiator also passes. */
static void find_common_upstream(const struct doctor_model *m, struct doctor_prediction *out)
{
	out->common_provider = -1;
	out->common_initiator = -1;
	for (size_t i = 0; i < m->n_provider; i++) {
		int j = chain_find(m->initiator, m->n_initiator, m->provider[i].bdf);

		if (j >= 0) {
			out->common_provider = (int)i;
			out->common_initiator = j;
			out->distance = (int)i + j;
			return;
		}
	}
	/* The kernel then counts every function on both sides. */
	out->distance = (int)(m->n_provider + m->n_initiator);
}

/* One function the kernel checks for redirection; unread ACS counts in *unknown. */
static void check_acs(const struct doctor_node *node, struct doctor_prediction *out,
		      const char **unknown)
{
	if (!node->acs.known) {
		if (!*unknown)
			*unknown = node->bdf;
		return;
	}
	if (!doctor_acs_redirects(&node->acs))
		return;
	out->acs_redirect = true;
	doctor_appendf(out->acs_redirect_bdfs, sizeof(out->acs_redirect_bdfs), "%s%s",
		       out->acs_redirect_bdfs[0] ? ";" : "", node->bdf);
}

/* Returns the first function whose ACS could not be read, or NULL. */
static const char *check_path_acs(const struct doctor_model *m, struct doctor_prediction *out)
{
	const char *unknown = NULL;

	for (int i = 0; i <= out->common_provider; i++)
		check_acs(&m->provider[i], out, &unknown);
	for (int j = 0; j < out->common_initiator; j++)
		check_acs(&m->initiator[j], out, &unknown);
	if (out->acs_redirect)
		doctor_appendf(out->acs_hint, sizeof(out->acs_hint), "pci=disable_acs_redir=%s",
			       out->acs_redirect_bdfs);
	return unknown;
}

static void describe_cpu(const struct doctor_cpu *cpu, char *buf, size_t size)
{
	if (!cpu->known)
		doctor_appendf(buf, size, "CPU unknown");
	else if (!cpu->x86)
		doctor_appendf(buf, size, "CPU is not x86 (no CPU rule)");
	else if (strcmp(cpu->vendor, "AuthenticAMD") == 0)
		doctor_appendf(buf, size, "CPU is AuthenticAMD family 0x%x (%s 0x%x)", cpu->family,
			       cpu->family >= AMD_ZEN_FAMILY ? ">=" : "<", AMD_ZEN_FAMILY);
	else
		doctor_appendf(buf, size, "CPU is %s", cpu->vendor[0] ? cpu->vendor : "unnamed");
}

static void describe_host(const struct doctor_host_bridge *h, char *buf, size_t size)
{
	if (h->has_device)
		doctor_appendf(buf, size, "host bridge %04x:%04x (%s)", h->vendor, h->device,
			       h->bdf);
	else
		doctor_appendf(buf, size, "host bridge %s", h->name);
}

static void describe_table_refusal(enum doctor_whitelist_rule rule,
				   const struct doctor_host_bridge *h, const struct doctor_model *m,
				   char *buf, size_t size)
{
	describe_host(h, buf, size);
	switch (rule) {
	case DOCTOR_WHITELIST_NO_DEVICE:
		doctor_appendf(buf, size, " has no function to look up (its root bus starts with "
			       "neither 00.0 nor a root port)");
		break;
	case DOCTOR_WHITELIST_NEEDS_SAME_HOST:
		doctor_appendf(buf, size, " is whitelisted only for devices under one host bridge "
			       "(here: %s, %s)", m->provider_host.name,
			       m->initiator_host.name);
		break;
	default:
		doctor_appendf(buf, size, " not in the whitelist");
		break;
	}
}

/* The table for both host bridges, as the kernel asks it; *refused: the one that said no. */
static enum doctor_whitelist_rule table_rule(const struct doctor_model *m,
					     const struct doctor_host_bridge **refused)
{
	bool same = strcmp(m->provider_host.name, m->initiator_host.name) == 0;
	enum doctor_whitelist_rule rule = doctor_host_bridge_rule(&m->provider_host, same);

	*refused = &m->provider_host;
	if (rule != DOCTOR_WHITELIST_TABLE || same)
		return rule;
	*refused = &m->initiator_host;
	return doctor_host_bridge_rule(&m->initiator_host, false);
}

/* Through the host bridge: the CPU rule first, then the table. */
static void decide_host_bridge(const struct doctor_model *m, struct doctor_prediction *out)
{
	const struct doctor_host_bridge *refused;
	char *text = out->whitelist_text;
	size_t size = sizeof(out->whitelist_text);
	enum doctor_whitelist_rule rule;

	if (doctor_cpu_allows_p2pdma(&m->cpu)) {
		out->whitelist = DOCTOR_WHITELIST_CPU;
		out->map_type = DOCTOR_MAP_THRU_HOST_BRIDGE;
		describe_cpu(&m->cpu, text, size);
		doctor_appendf(text, size, ": any host bridge will do");
		return;
	}
	rule = table_rule(m, &refused);
	if (rule == DOCTOR_WHITELIST_TABLE) {
		out->whitelist = rule;
		out->map_type = DOCTOR_MAP_THRU_HOST_BRIDGE;
		describe_host(&m->provider_host, text, size);
		if (strcmp(m->provider_host.name, m->initiator_host.name) != 0) {
			doctor_appendf(text, size, " and ");
			describe_host(&m->initiator_host, text, size);
		}
		doctor_appendf(text, size, " in the whitelist");
		return;
	}
	describe_table_refusal(rule, refused, m, text, size);
	doctor_appendf(text, size, " and ");
	describe_cpu(&m->cpu, text, size);
	out->whitelist = m->cpu.known ? rule : DOCTOR_WHITELIST_CPU_UNKNOWN;
	out->map_type = m->cpu.known ? DOCTOR_MAP_NOT_SUPPORTED : DOCTOR_MAP_UNKNOWN;
}

static void describe_common(const struct doctor_model *m, const struct doctor_prediction *p,
			    char *buf, size_t size)
{
	const struct doctor_node *c = &m->provider[p->common_provider];

	if (p->distance == 0)
		doctor_appendf(buf, size, "provider and initiator are the same function %s",
			       c->bdf);
	else
		doctor_appendf(buf, size, "common upstream %s %s",
			       common_upstream_words(c->port_type), c->bdf);
}

static void describe_reason(const struct doctor_model *m, struct doctor_prediction *p,
			    const char *acs_unknown)
{
	char *r = p->reason;
	size_t size = sizeof(p->reason);

	if (p->common_provider < 0) {
		doctor_appendf(r, size, "no common upstream bridge; %s", p->whitelist_text);
		return;
	}
	describe_common(m, p, r, size);
	if (p->acs_redirect)
		doctor_appendf(r, size, ", but ACS redirect on %s sends the traffic to the host "
			       "bridge; %s", p->acs_redirect_bdfs, p->whitelist_text);
	else if (acs_unknown)
		doctor_appendf(r, size, ", ACS of %s unreadable (run as root): BUS_ADDR without "
			       "redirection, else through the host bridge", acs_unknown);
	else
		doctor_appendf(r, size, ", no ACS redirect on the path");
}

static void predict_host_route(const struct doctor_model *m, struct doctor_prediction *out);

void doctor_predict(const struct doctor_model *model, struct doctor_prediction *out)
{
	const char *acs_unknown = NULL;

	memset(out, 0, sizeof(*out));
	out->map_type = DOCTOR_MAP_UNKNOWN;
	out->p2pdma_distance = -1;
	out->whitelist = DOCTOR_WHITELIST_NOT_ASKED;
	if (!model->n_provider || !model->n_initiator) {
		out->distance = -1;
		snprintf(out->reason, sizeof(out->reason), "no provider or no initiator");
		return;
	}

	find_common_upstream(model, out);
	if (out->common_provider >= 0)
		acs_unknown = check_path_acs(model, out);

	if (out->common_provider >= 0 && !out->acs_redirect) {
		/* An unread ACS on the way leaves BUS_ADDR in doubt. */
		out->map_type = acs_unknown ? DOCTOR_MAP_UNKNOWN : DOCTOR_MAP_BUS_ADDR;
	} else {
		decide_host_bridge(model, out);
	}
	describe_reason(model, out, acs_unknown);
	predict_host_route(model, out);
	if (out->map_type == DOCTOR_MAP_BUS_ADDR || out->map_type == DOCTOR_MAP_THRU_HOST_BRIDGE)
		out->p2pdma_distance = out->distance;
}

static bool domain_translates(const char *type)
{
	return strcmp(type, "DMA") == 0 || strcmp(type, "DMA-FQ") == 0;
}

void doctor_note_vlab_limit(struct doctor_pair *p)
{
	const struct doctor_node *initiator = &p->model.initiator[0];

	p->vlab_bus_addr_faults = false;
	p->vlab_note[0] = '\0';
	if (!p->model.n_initiator || p->prediction.map_type != DOCTOR_MAP_BUS_ADDR ||
	    !domain_translates(initiator->iommu_domain))
		return;
	p->vlab_bus_addr_faults = true;
	snprintf(p->vlab_note, sizeof(p->vlab_note),
		 "The initiator's IOMMU domain is %s (translating): a real switch would route the "
		 "bus address, but QEMU sends all device DMA through the IOMMU and faults it. In "
		 "the virtual lab run BUS_ADDR with the IOMMU off or iommu=pt.",
		 initiator->iommu_domain);
}

const char *doctor_route_name(enum doctor_route route)
{
	switch (route) {
	case DOCTOR_ROUTE_REFUSED:
		return "REFUSED";
	case DOCTOR_ROUTE_BUS_ADDR:
		return "BUS_ADDR";
	case DOCTOR_ROUTE_HOST_BRIDGE:
		return "HOST_BRIDGE";
	case DOCTOR_ROUTE_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

/*
 * A BUS_ADDR pair mapped deliberately through the host bridge: the kernel
 * never asks its whitelist for it, so ask here what it would say.
 */
static void predict_host_route(const struct doctor_model *m, struct doctor_prediction *out)
{
	struct doctor_prediction host;

	out->host_route = out->map_type;
	if (out->map_type != DOCTOR_MAP_BUS_ADDR)
		return;
	memset(&host, 0, sizeof(host));
	decide_host_bridge(m, &host);
	out->host_route = host.map_type;
	snprintf(out->host_route_text, sizeof(out->host_route_text), "%s", host.whitelist_text);
}

enum doctor_route doctor_predict_route(const struct doctor_prediction *p, bool deliberate_host,
				       bool *unaccepted)
{
	*unaccepted = false;
	switch (p->map_type) {
	case DOCTOR_MAP_NOT_SUPPORTED:
		return DOCTOR_ROUTE_REFUSED;
	case DOCTOR_MAP_THRU_HOST_BRIDGE:
		return DOCTOR_ROUTE_HOST_BRIDGE;
	case DOCTOR_MAP_BUS_ADDR:
		if (!deliberate_host)
			return DOCTOR_ROUTE_BUS_ADDR;
		*unaccepted = p->host_route == DOCTOR_MAP_NOT_SUPPORTED;
		return DOCTOR_ROUTE_HOST_BRIDGE;
	case DOCTOR_MAP_UNKNOWN:
		break;
	}
	return DOCTOR_ROUTE_UNKNOWN;
}
