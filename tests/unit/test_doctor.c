// SPDX-License-Identifier: GPL-2.0
/*
 * The topology doctor's predictor on hand-made topologies, each checked
 * against what drivers/pci/p2pdma.c (7.3.4) decides for it; then the whole
 * doctor (libpci, sysfs, prediction, explanation) on fake sysfs trees
 * (tests/unit/data/doctor-trees); then the names, the JSON, and the
 * parsers of the system part.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "doctor/doctor_internal.h"

#include "unit_helpers.h"

#define RR PCI_ACS_CTRL_REQ_RED
#define CR PCI_ACS_CTRL_CMPLT_RED
#define EC PCI_ACS_CTRL_EGRESS
#define SV PCI_ACS_CTRL_VALID
#define UF PCI_ACS_CTRL_FORWARD
#define NO_ACS 0xffff	/* a function without an ACS capability */
#define UNREAD 0xfffe	/* ACS not readable (not root) */

/* One function of a hand-made chain. */
struct fn {
	const char *bdf;
	uint16_t vendor, device;
	int type;
	uint16_t acs_ctrl;
};

#define EP(bdf) { bdf, 0x1b36, 0x0010, PCI_EXP_TYPE_ENDPOINT, NO_ACS }
#define EDU(bdf) { bdf, 0x1234, 0x11e8, PCI_EXP_TYPE_ENDPOINT, NO_ACS }
#define RP(bdf, acs) { bdf, 0x1b36, 0x000c, PCI_EXP_TYPE_ROOT_PORT, acs }
#define USP(bdf, acs) { bdf, 0x104c, 0x8232, PCI_EXP_TYPE_UPSTREAM, acs }
#define DSP(bdf, acs) { bdf, 0x104c, 0x8233, PCI_EXP_TYPE_DOWNSTREAM, acs }

struct host {
	const char *name;
	uint16_t vendor, device;	/* vendor 0: nothing for the kernel to look up */
};

#define Q35 { "pci0000:00", 0x8086, 0x29c0 }
#define SKYLAKE { "pci0000:00", 0x8086, 0x2030 }

struct cpu {
	const char *vendor;
	unsigned int family;
};

#define INTEL { "GenuineIntel", 6 }
#define ZEN1 { "AuthenticAMD", 0x17 }
#define ZEN3 { "AuthenticAMD", 0x19 }
#define BULLDOZER { "AuthenticAMD", 0x15 }

struct chain {
	struct fn fns[6];
};

/* One row of the table: a topology and the kernel's verdict on it. */
struct predict_case {
	const char *name;
	struct chain provider, initiator;
	struct host provider_host, initiator_host;
	struct cpu cpu;
	enum doctor_map_type map_type;
	int distance;
	const char *common;		/* NULL: none */
	const char *acs_hint;		/* NULL: none */
	enum doctor_whitelist_rule whitelist;
};

/* Switch of the virtual lab: root port (RR on) -> upstream port -> downstream ports. */
#define VLAB_NVME { { EP("0000:03:00.0"), DSP("0000:02:00.0", NO_ACS), \
		      USP("0000:01:00.0", NO_ACS), RP("0000:00:01.0", SV | RR | CR | UF) } }
#define VLAB_EDU(dsp_acs) { { EDU("0000:04:00.0"), DSP("0000:02:01.0", dsp_acs), \
			      USP("0000:01:00.0", NO_ACS), RP("0000:00:01.0", SV | RR | CR | UF) } }
#define UNDER_RP1 { { EP("0000:01:00.0"), RP("0000:00:01.0", NO_ACS) } }
#define UNDER_RP2 { { EDU("0000:02:00.0"), RP("0000:00:02.0", NO_ACS) } }

static const struct predict_case cases[] = {
	{ "same function", UNDER_RP1, UNDER_RP1, Q35, Q35, INTEL,
	  DOCTOR_MAP_BUS_ADDR, 0, "0000:01:00.0", NULL, DOCTOR_WHITELIST_NOT_ASKED },
	{ "two functions of one device",
	  UNDER_RP1, { { EDU("0000:01:00.1"), RP("0000:00:01.0", NO_ACS) } }, Q35, Q35, INTEL,
	  DOCTOR_MAP_BUS_ADDR, 2, "0000:00:01.0", NULL, DOCTOR_WHITELIST_NOT_ASKED },
	/* The common bridge is on the provider's side of the walk: its ACS counts. */
	{ "two functions under a redirecting root port",
	  { { EP("0000:01:00.0"), RP("0000:00:01.0", RR) } },
	  { { EDU("0000:01:00.1"), RP("0000:00:01.0", RR) } }, Q35, Q35, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 2, "0000:00:01.0", "pci=disable_acs_redir=0000:00:01.0",
	  DOCTOR_WHITELIST_NOT_LISTED },
	/* RR on the root port above the switch is not on the path. */
	{ "switch without ACS", VLAB_NVME, VLAB_EDU(NO_ACS), Q35, Q35, INTEL,
	  DOCTOR_MAP_BUS_ADDR, 4, "0000:01:00.0", NULL, DOCTOR_WHITELIST_NOT_ASKED },
	{ "switch, ACS present but only SV and UF", VLAB_NVME, VLAB_EDU(SV | UF), Q35, Q35, INTEL,
	  DOCTOR_MAP_BUS_ADDR, 4, "0000:01:00.0", NULL, DOCTOR_WHITELIST_NOT_ASKED },
	{ "switch, RR on a downstream port, q35, Intel", VLAB_NVME, VLAB_EDU(RR), Q35, Q35, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, "0000:01:00.0", "pci=disable_acs_redir=0000:02:01.0",
	  DOCTOR_WHITELIST_NOT_LISTED },
	{ "switch, RR on a downstream port, whitelisted", VLAB_NVME, VLAB_EDU(RR), SKYLAKE, SKYLAKE,
	  INTEL, DOCTOR_MAP_THRU_HOST_BRIDGE, 4, "0000:01:00.0",
	  "pci=disable_acs_redir=0000:02:01.0", DOCTOR_WHITELIST_TABLE },
	{ "switch, CR only, Zen", VLAB_NVME, VLAB_EDU(CR), Q35, Q35, ZEN3,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, "0000:01:00.0", "pci=disable_acs_redir=0000:02:01.0",
	  DOCTOR_WHITELIST_CPU },
	{ "switch, Egress Control only, q35, Intel", VLAB_NVME, VLAB_EDU(EC), Q35, Q35, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, "0000:01:00.0", "pci=disable_acs_redir=0000:02:01.0",
	  DOCTOR_WHITELIST_NOT_LISTED },
	{ "switch, RR on both downstream ports, provider's first",
	  { { EP("0000:03:00.0"), DSP("0000:02:00.0", RR), USP("0000:01:00.0", NO_ACS),
	      RP("0000:00:01.0", NO_ACS) } }, VLAB_EDU(RR), Q35, Q35, ZEN1,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, "0000:01:00.0",
	  "pci=disable_acs_redir=0000:02:00.0;0000:02:01.0", DOCTOR_WHITELIST_CPU },
	{ "separate root ports, AMD family 0x17", UNDER_RP1, UNDER_RP2, Q35, Q35, ZEN1,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_CPU },
	{ "separate root ports, AMD family 0x19", UNDER_RP1, UNDER_RP2, Q35, Q35, ZEN3,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_CPU },
	{ "separate root ports, AMD family 0x15, q35", UNDER_RP1, UNDER_RP2, Q35, Q35, BULLDOZER,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL, DOCTOR_WHITELIST_NOT_LISTED },
	{ "separate root ports, Intel, q35", UNDER_RP1, UNDER_RP2, Q35, Q35, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL, DOCTOR_WHITELIST_NOT_LISTED },
	{ "separate root ports, Hygon is not AMD", UNDER_RP1, UNDER_RP2, Q35, Q35,
	  { "HygonGenuine", 0x18 }, DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL,
	  DOCTOR_WHITELIST_NOT_LISTED },
	{ "separate root ports, Intel, 8086:2030", UNDER_RP1, UNDER_RP2, SKYLAKE, SKYLAKE, INTEL,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_TABLE },
	/* Redirection does not matter once there is no common bridge. */
	{ "separate root ports with RR, 8086:2030",
	  { { EP("0000:01:00.0"), RP("0000:00:01.0", RR) } },
	  { { EDU("0000:02:00.0"), RP("0000:00:02.0", RR) } }, SKYLAKE, SKYLAKE, INTEL,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_TABLE },
	{ "root bus functions, Intel, q35",
	  { { { "0000:00:02.0", 0x1b36, 0x0010, PCI_EXP_TYPE_ROOT_INT_EP, NO_ACS } } },
	  { { { "0000:00:03.0", 0x1234, 0x11e8, PCI_EXP_TYPE_ROOT_INT_EP, NO_ACS } } },
	  Q35, Q35, INTEL, DOCTOR_MAP_NOT_SUPPORTED, 2, NULL, NULL, DOCTOR_WHITELIST_NOT_LISTED },
	{ "same-host-bridge-only entry, one host bridge",
	  UNDER_RP1, UNDER_RP2, { "pci0000:00", 0x8086, 0x3c00 }, { "pci0000:00", 0x8086, 0x3c00 },
	  INTEL, DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_TABLE },
	{ "same-host-bridge-only entries, two host bridges",
	  UNDER_RP1, { { EDU("0000:81:00.0"), RP("0000:80:01.0", NO_ACS) } },
	  { "pci0000:00", 0x8086, 0x3c00 }, { "pci0000:80", 0x8086, 0x3c00 }, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL, DOCTOR_WHITELIST_NEEDS_SAME_HOST },
	{ "two whitelisted host bridges",
	  UNDER_RP1, { { EDU("0000:81:00.0"), RP("0000:80:01.0", NO_ACS) } },
	  { "pci0000:00", 0x8086, 0x2030 }, { "pci0000:80", 0x8086, 0x2031 }, INTEL,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_TABLE },
	{ "second host bridge not listed",
	  UNDER_RP1, { { EDU("0000:81:00.0"), RP("0000:80:01.0", NO_ACS) } },
	  { "pci0000:00", 0x8086, 0x2030 }, { "pci0000:80", 0x8086, 0x29c0 }, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL, DOCTOR_WHITELIST_NOT_LISTED },
	{ "Google SoC, any device", UNDER_RP1, UNDER_RP2, { "pci0000:00", 0x1ae0, 0x1234 },
	  { "pci0000:00", 0x1ae0, 0x1234 }, { "", 0 },
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, NULL, DOCTOR_WHITELIST_TABLE },
	{ "no function on the root bus to look up", UNDER_RP1, UNDER_RP2,
	  { "pci0000:00", 0, 0 }, { "pci0000:00", 0, 0 }, INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, NULL, DOCTOR_WHITELIST_NO_DEVICE },
	{ "ACS unreadable on the path", VLAB_NVME, VLAB_EDU(UNREAD), Q35, Q35, INTEL,
	  DOCTOR_MAP_UNKNOWN, 4, "0000:01:00.0", NULL, DOCTOR_WHITELIST_NOT_ASKED },
	{ "CPU unknown, table says no", UNDER_RP1, UNDER_RP2, Q35, Q35, { NULL, 0 },
	  DOCTOR_MAP_UNKNOWN, 4, NULL, NULL, DOCTOR_WHITELIST_CPU_UNKNOWN },
};

static size_t fill_chain(const struct chain *c, struct doctor_node *out)
{
	size_t n = 0;

	for (; n < sizeof(c->fns) / sizeof(c->fns[0]) && c->fns[n].bdf; n++) {
		const struct fn *f = &c->fns[n];
		struct doctor_node *node = &out[n];

		memset(node, 0, sizeof(*node));
		snprintf(node->bdf, sizeof(node->bdf), "%s", f->bdf);
		node->vendor = f->vendor;
		node->device = f->device;
		node->port_type = f->type;
		node->iommu_group = -1;
		node->acs.known = f->acs_ctrl != UNREAD;
		node->acs.present = f->acs_ctrl != NO_ACS && f->acs_ctrl != UNREAD;
		if (node->acs.present) {
			node->acs.cap = SV | RR | CR | UF | EC;
			node->acs.ctrl = f->acs_ctrl;
		}
	}
	return n;
}

static void fill_host(const struct host *h, const char *first_bdf, struct doctor_host_bridge *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", h->name);
	out->has_device = h->vendor != 0;
	snprintf(out->bdf, sizeof(out->bdf), "%.4s:%.2s:00.0", first_bdf, h->name + 8);
	out->vendor = h->vendor;
	out->device = h->device;
}

static void build_model(const struct predict_case *c, struct doctor_model *m)
{
	memset(m, 0, sizeof(*m));
	m->n_provider = fill_chain(&c->provider, m->provider);
	m->n_initiator = fill_chain(&c->initiator, m->initiator);
	fill_host(&c->provider_host, c->provider.fns[0].bdf, &m->provider_host);
	fill_host(&c->initiator_host, c->initiator.fns[0].bdf, &m->initiator_host);
	m->cpu.known = c->cpu.vendor != NULL;
	m->cpu.x86 = true;
	if (c->cpu.vendor)
		snprintf(m->cpu.vendor, sizeof(m->cpu.vendor), "%s", c->cpu.vendor);
	m->cpu.family = c->cpu.family;
}

static void check_case(const struct predict_case *c)
{
	struct doctor_model m;
	struct doctor_prediction p;
	const char *common;
	bool supported = c->map_type == DOCTOR_MAP_BUS_ADDR ||
			 c->map_type == DOCTOR_MAP_THRU_HOST_BRIDGE;

	build_model(c, &m);
	doctor_predict(&m, &p);
	assert_string_equal(doctor_map_type_name(p.map_type), doctor_map_type_name(c->map_type));
	assert_int_equal(p.distance, c->distance);
	assert_int_equal(p.p2pdma_distance, supported ? c->distance : -1);
	common = p.common_provider >= 0 ? m.provider[p.common_provider].bdf : NULL;
	if (c->common) {
		assert_non_null(common);
		assert_string_equal(common, c->common);
		assert_string_equal(m.initiator[p.common_initiator].bdf, c->common);
	} else {
		assert_null(common);
	}
	assert_string_equal(p.acs_hint, c->acs_hint ? c->acs_hint : "");
	assert_int_equal(p.acs_redirect, c->acs_hint != NULL);
	assert_string_equal(doctor_whitelist_rule_name(p.whitelist),
			    doctor_whitelist_rule_name(c->whitelist));
	assert_true(p.reason[0] != '\0');
}

/* One cmocka test per row: the row comes in as the initial state. */
static void test_predict_case(void **state)
{
	check_case(*state);
}

static const struct predict_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	fail_msg("no case '%s'", name);
	return NULL;
}

/* The named case's model, and what doctor predicts for it. */
static void predict_named(const char *name, struct doctor_model *m, struct doctor_prediction *p)
{
	build_model(find_case(name), m);
	doctor_predict(m, p);
}

/* The reasons name what decided, in the words a user looks for. */
static void test_reasons(void **state)
{
	struct doctor_model m;
	struct doctor_prediction p;

	(void)state;
	predict_named("switch without ACS", &m, &p);
	assert_string_equal(p.reason, "common upstream switch port 0000:01:00.0, no ACS redirect "
			    "on the path");

	predict_named("separate root ports, Intel, q35", &m, &p);
	assert_string_equal(p.reason, "no common upstream bridge; host bridge 8086:29c0 "
			    "(0000:00:00.0) not in the whitelist and CPU is GenuineIntel");

	predict_named("separate root ports, AMD family 0x15, q35", &m, &p);
	assert_non_null(strstr(p.reason, "CPU is AuthenticAMD family 0x15 (< 0x17)"));

	predict_named("switch, RR on a downstream port, whitelisted", &m, &p);
	ASSERT_CONTAINS(p.reason, "ACS redirect on 0000:02:01.0", "8086:2030");

	predict_named("same-host-bridge-only entries, two host bridges", &m, &p);
	assert_non_null(strstr(p.reason, "(here: pci0000:00, pci0000:80)"));

	predict_named("same function", &m, &p);
	assert_non_null(strstr(p.reason, "same function"));
}

static void test_empty_model(void **state)
{
	struct doctor_model m;
	struct doctor_prediction p;

	(void)state;
	memset(&m, 0, sizeof(m));
	doctor_predict(&m, &p);
	assert_int_equal(p.map_type, DOCTOR_MAP_UNKNOWN);
	assert_int_equal(p.p2pdma_distance, -1);
}

static void test_names(void **state)
{
	char bits[64];

	(void)state;
	assert_string_equal(doctor_map_type_name(DOCTOR_MAP_BUS_ADDR), "BUS_ADDR");
	assert_string_equal(doctor_map_type_name(DOCTOR_MAP_THRU_HOST_BRIDGE), "THRU_HOST_BRIDGE");
	assert_string_equal(doctor_map_type_name(DOCTOR_MAP_NOT_SUPPORTED), "NOT_SUPPORTED");
	assert_string_equal(doctor_map_type_name(DOCTOR_MAP_UNKNOWN), "UNKNOWN");
	assert_string_equal(doctor_map_type_name((enum doctor_map_type)42), "UNKNOWN");
	assert_string_equal(doctor_port_type_name(PCI_EXP_TYPE_DOWNSTREAM), "downstream-port");
	assert_string_equal(doctor_port_type_name(DOCTOR_PORT_NONE), "pci");
	doctor_acs_bits_text(SV | RR | CR | UF, bits, sizeof(bits));
	assert_string_equal(bits, "SV,RR,CR,UF");
	doctor_acs_bits_text(0, bits, sizeof(bits));
	assert_string_equal(bits, "none");
	assert_string_equal(doctor_presence_name(DOCTOR_MISSING), "missing");
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void vlab_pair(struct doctor_pair *pair, const char *initiator_domain)
{
	memset(pair, 0, sizeof(*pair));
	build_model(find_case("switch without ACS"), &pair->model);
	snprintf(pair->model.initiator[0].iommu_domain, sizeof(pair->model.initiator[0].iommu_domain),
		 "%s", initiator_domain);
	pair->model.initiator[0].iommu_group = 6;
	doctor_predict(&pair->model, &pair->prediction);
	doctor_note_vlab_limit(pair);
}

/*
 * The route a mapping takes (uAPI 8): the default methods follow the map
 * type, the "-host" methods go through the host bridge, and for a
 * switch-local pair the doctor says whether the kernel's rule would accept
 * that host-bridge route on real hardware (the whitelist and CPU rule).
 */
static void test_routes(void **state)
{
	static const struct {
		const char *name;
		struct predict_case c;
		enum doctor_route def, host;
		bool unaccepted;
		enum doctor_map_type host_route;
	} rows[] = {
		{ "switch, q35, Intel: host route not accepted",
		  { "", VLAB_NVME, VLAB_EDU(NO_ACS), Q35, Q35, INTEL, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_BUS_ADDR, DOCTOR_ROUTE_HOST_BRIDGE, true,
		  DOCTOR_MAP_NOT_SUPPORTED },
		{ "switch, q35, Zen: host route accepted",
		  { "", VLAB_NVME, VLAB_EDU(NO_ACS), Q35, Q35, ZEN3, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_BUS_ADDR, DOCTOR_ROUTE_HOST_BRIDGE, false,
		  DOCTOR_MAP_THRU_HOST_BRIDGE },
		{ "switch, Skylake: host route accepted",
		  { "", VLAB_NVME, VLAB_EDU(NO_ACS), SKYLAKE, SKYLAKE, INTEL, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_BUS_ADDR, DOCTOR_ROUTE_HOST_BRIDGE, false,
		  DOCTOR_MAP_THRU_HOST_BRIDGE },
		{ "switch, CPU unknown: cannot tell",
		  { "", VLAB_NVME, VLAB_EDU(NO_ACS), Q35, Q35, { NULL, 0 }, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_BUS_ADDR, DOCTOR_ROUTE_HOST_BRIDGE, false, DOCTOR_MAP_UNKNOWN },
		{ "root ports, Zen: both through the host bridge",
		  { "", UNDER_RP1, UNDER_RP2, Q35, Q35, ZEN1, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_HOST_BRIDGE, DOCTOR_ROUTE_HOST_BRIDGE, false,
		  DOCTOR_MAP_THRU_HOST_BRIDGE },
		{ "root ports, Intel, q35: both refused",
		  { "", UNDER_RP1, UNDER_RP2, Q35, Q35, INTEL, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_REFUSED, DOCTOR_ROUTE_REFUSED, false, DOCTOR_MAP_NOT_SUPPORTED },
		{ "ACS unreadable: unknown",
		  { "", VLAB_NVME, VLAB_EDU(UNREAD), Q35, Q35, INTEL, DOCTOR_MAP_UNKNOWN, 0, NULL, NULL, DOCTOR_WHITELIST_NOT_ASKED },
		  DOCTOR_ROUTE_UNKNOWN, DOCTOR_ROUTE_UNKNOWN, false, DOCTOR_MAP_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct doctor_model m;
		struct doctor_prediction p;
		bool unaccepted = true;

		build_model(&rows[i].c, &m);
		doctor_predict(&m, &p);
		print_message("%s\n", rows[i].name);
		assert_string_equal(doctor_route_name(doctor_predict_route(&p, false, &unaccepted)),
				    doctor_route_name(rows[i].def));
		assert_false(unaccepted);
		assert_string_equal(doctor_route_name(doctor_predict_route(&p, true, &unaccepted)),
				    doctor_route_name(rows[i].host));
		assert_int_equal(unaccepted, rows[i].unaccepted);
		assert_string_equal(doctor_map_type_name(p.host_route),
				    doctor_map_type_name(rows[i].host_route));
	}
}

static void test_vlab_limit(void **state)
{
	static struct doctor_pair pair;

	(void)state;
	vlab_pair(&pair, "DMA-FQ");
	assert_true(pair.vlab_bus_addr_faults);
	assert_non_null(strstr(pair.vlab_note, "QEMU"));
	vlab_pair(&pair, "DMA");
	assert_true(pair.vlab_bus_addr_faults);
	vlab_pair(&pair, "identity");
	assert_false(pair.vlab_bus_addr_faults);
	assert_string_equal(pair.vlab_note, "");
	vlab_pair(&pair, "");
	assert_false(pair.vlab_bus_addr_faults);
}

static void test_pair_json(void **state)
{
	static struct doctor_pair pair;
	json_object *o, *p, *path;

	(void)state;
	vlab_pair(&pair, "DMA-FQ");
	o = doctor_json(NULL, &pair);
	assert_false(json_object_object_get_ex(o, "system", NULL));
	p = get(o, "pair");
	assert_string_equal(json_object_get_string(get(p, "map_type")), "BUS_ADDR");
	assert_int_equal(json_object_get_int(get(p, "distance")), 4);
	assert_int_equal(json_object_get_int(get(p, "p2pdma_distance")), 4);
	assert_string_equal(json_object_get_string(get(p, "common_upstream")), "0000:01:00.0");
	assert_true(json_object_get_boolean(get(p, "vlab_bus_addr_faults")));
	assert_null(get(p, "acs_hint"));
	assert_string_equal(json_object_get_string(get(get(p, "whitelist"), "rule")), "not-asked");
	assert_string_equal(json_object_get_string(get(get(p, "provider"), "id")), "1b36:0010");

	/* nvme, its downstream port, the common upstream port, edu's port, edu. */
	path = get(p, "path");
	assert_int_equal(json_object_array_length(path), 5);
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 0), "role")),
			    "provider");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 2), "role")),
			    "common");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 2), "type")),
			    "upstream-port");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 3), "bdf")),
			    "0000:02:01.0");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 4), "role")),
			    "initiator");
	assert_int_equal(json_object_get_int(get(json_object_array_get_idx(path, 4), "iommu_group")),
			 6);
	json_object_put(o);

	o = doctor_json(NULL, NULL);
	assert_int_equal(json_object_object_length(o), 0);
	json_object_put(o);
}

static void test_pair_json_through_host(void **state)
{
	static struct doctor_pair pair;
	json_object *o, *p, *path;

	(void)state;
	memset(&pair, 0, sizeof(pair));
	predict_named("switch, RR on a downstream port, q35, Intel", &pair.model, &pair.prediction);
	doctor_note_vlab_limit(&pair);
	o = doctor_json(NULL, &pair);
	p = get(o, "pair");
	assert_string_equal(json_object_get_string(get(p, "map_type")), "NOT_SUPPORTED");
	assert_int_equal(json_object_get_int(get(p, "p2pdma_distance")), -1);
	assert_string_equal(json_object_get_string(get(p, "acs_hint")),
			    "pci=disable_acs_redir=0000:02:01.0");
	assert_false(json_object_get_boolean(get(p, "vlab_bus_addr_faults")));
	path = get(p, "path");
	assert_true(json_object_get_boolean(get(get(json_object_array_get_idx(path, 3), "acs"),
						"redirect")));
	assert_null(get(json_object_array_get_idx(path, 0), "acs"));
	json_object_put(o);

	/* Without a common bridge the host bridge is on the path. */
	memset(&pair, 0, sizeof(pair));
	predict_named("separate root ports, Intel, q35", &pair.model, &pair.prediction);
	o = doctor_json(NULL, &pair);
	path = get(get(o, "pair"), "path");
	assert_int_equal(json_object_array_length(path), 5);
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 2), "role")),
			    "host-bridge");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(path, 2), "id")),
			    "8086:29c0");
	json_object_put(o);
}

static void test_system_json(void **state)
{
	static struct doctor_system sys;
	json_object *o, *s;

	(void)state;
	memset(&sys, 0, sizeof(sys));
	doctor_config_gates_init(sys.config);
	sys.iommu_groups = -1;
	sys.n_hosts = 1;
	snprintf(sys.hosts[0].name, sizeof(sys.hosts[0].name), "pci0000:00");
	sys.hosts[0].has_device = true;
	sys.hosts[0].vendor = 0x8086;
	sys.hosts[0].device = 0x29c0;
	o = doctor_json(&sys, NULL);
	s = get(o, "system");
	assert_false(json_object_object_get_ex(o, "pair", NULL));
	assert_string_equal(json_object_get_string(get(get(get(s, "gates"), "PCI_P2PDMA"), "state")),
			    "unknown");
	assert_null(get(get(s, "gates"), "config_file"));
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(
				    get(s, "host_bridges"), 0), "table")), "not-listed");
	/* "nvme" beside "system", so it lands in result.json with the doctor. */
	assert_int_equal(json_object_array_length(get(get(o, "nvme"), "controllers")), 0);
	assert_null(get(get(o, "nvme"), "error"));
	json_object_put(o);
}

static void test_config_read(void **state)
{
	static char text[] = "# comment\n"
			     "CONFIG_PCI_P2PDMA_EXTRA=y\n"
			     "CONFIG_PCI_P2PDMA=y\n"
			     "# CONFIG_INFINIBAND_ON_DEMAND_PAGING is not set\n"
			     "CONFIG_ZONE_DEVICE=y\n";
	struct doctor_config_gate gates[DOCTOR_CONFIG_GATES];
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	doctor_config_gates_init(gates);
	assert_int_equal(gates[0].state, DOCTOR_UNKNOWN);
	doctor_config_read(f, gates, DOCTOR_CONFIG_GATES);
	fclose(f);
	assert_string_equal(gates[0].option, "PCI_P2PDMA");
	assert_int_equal(gates[0].state, DOCTOR_PRESENT);
	assert_string_equal(gates[0].value, "y");
	assert_null(gates[0].note);
	assert_string_equal(gates[1].option, "DMABUF_MOVE_NOTIFY");
	assert_int_equal(gates[1].state, DOCTOR_MISSING);
	assert_non_null(strstr(gates[1].note, "removed"));
	assert_int_equal(gates[2].state, DOCTOR_MISSING);
	assert_null(gates[2].note);
}

/* An older kernel that has the option but leaves it unset: no "removed" note. */
static void test_config_unset(void **state)
{
	static char text[] = "# CONFIG_DMABUF_MOVE_NOTIFY is not set\n"
			     "CONFIG_INFINIBAND_ON_DEMAND_PAGING=y\n";
	struct doctor_config_gate gates[DOCTOR_CONFIG_GATES];
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	doctor_config_gates_init(gates);
	doctor_config_read(f, gates, DOCTOR_CONFIG_GATES);
	fclose(f);
	assert_int_equal(gates[0].state, DOCTOR_MISSING);
	assert_string_equal(gates[0].note, "not in this config");
	assert_int_equal(gates[1].state, DOCTOR_MISSING);
	assert_null(gates[1].note);
	assert_int_equal(gates[2].state, DOCTOR_PRESENT);
}

static void test_swiotlb(void **state)
{
	(void)state;
	ASSERT_EACH_TRUE(doctor_cmdline_forces_swiotlb, "quiet swiotlb=force\n",
			 "swiotlb=65536,force", "swiotlb=1024,4,force ro");
	ASSERT_EACH_FALSE(doctor_cmdline_forces_swiotlb, "swiotlb=noforce", "swiotlb=65536",
			  "ro -- swiotlb=force", "");
}

static void test_cpu_parse(void **state)
{
	static char amd[] = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
			    "processor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n";
	static char arm[] = "processor\t: 0\nBogoMIPS\t: 50.00\n";
	struct doctor_cpu cpu;
	FILE *f;

	(void)state;
	f = fmemopen(amd, strlen(amd), "r");
	doctor_cpu_parse(f, "x86_64", &cpu);
	fclose(f);
	assert_true(cpu.known && cpu.x86);
	assert_string_equal(cpu.vendor, "AuthenticAMD");
	assert_int_equal(cpu.family, 0x19);
	assert_true(doctor_cpu_allows_p2pdma(&cpu));

	f = fmemopen(arm, strlen(arm), "r");
	doctor_cpu_parse(f, "aarch64", &cpu);
	fclose(f);
	assert_true(cpu.known);
	assert_false(cpu.x86);
	assert_false(doctor_cpu_allows_p2pdma(&cpu));

	/* An x86 cpuinfo without the fields tells us nothing. */
	f = fmemopen(arm, strlen(arm), "r");
	doctor_cpu_parse(f, "x86_64", &cpu);
	fclose(f);
	assert_false(cpu.known);
}

/* ---- the whole doctor on fake sysfs trees (tests/unit/data/doctor-trees) ---- */

#define TREE_FNS_MAX 64
#define CONFIG_SIZE 4096	/* config space with the extended part */
#define EXP_CAP 0x40		/* where the fake PCIe capability sits */
#define ACS_EXT_CAP 0x100	/* the fake ACS capability: the first extended one */

struct fake_fn {
	char bdf[DOCTOR_BDF_MAX];
	char dir[PATH_MAX];
};

struct fake_tree {
	char root[64];
	struct fake_fn fns[TREE_FNS_MAX];
	size_t n;
	struct pci_access *pacc;
};

static void mkdir_parents(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *slash = strchr(buf + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
		*slash = '/';
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_hex(const char *dir, const char *name, unsigned int value, int digits)
{
	char text[16];

	snprintf(text, sizeof(text), "0x%0*x\n", digits, value);
	write_file(dir, name, text, strlen(text));
}

static void put16(uint8_t *config, int at, uint16_t value)
{
	config[at] = value & 0xff;
	config[at + 1] = value >> 8;
}

/* "SV,RR,CR,UF" as ACS control bits; "none" is 0. */
static uint16_t acs_bits(const char *words)
{
	static const struct {
		const char *name;
		uint16_t bit;
	} names[] = { { "SV", SV }, { "RR", RR }, { "CR", CR }, { "UF", UF }, { "EC", EC } };
	char buf[64];
	uint16_t bits = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *save, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		bool known = strcmp(w, "none") == 0;

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(w, names[i].name) == 0) {
				bits |= names[i].bit;
				known = true;
			}
		if (!known)
			fail_msg("unknown ACS bit '%s'", w);
	}
	return bits;
}

/* The PCIe port type of a TYPE word; DOCTOR_PORT_NONE for "host". */
static int fake_port_type(const char *word)
{
	static const struct {
		const char *word;
		int type;
	} types[] = {
		{ "host", DOCTOR_PORT_NONE },		{ "pci", DOCTOR_PORT_NONE },
		{ "rp", PCI_EXP_TYPE_ROOT_PORT },	{ "usp", PCI_EXP_TYPE_UPSTREAM },
		{ "dsp", PCI_EXP_TYPE_DOWNSTREAM },	{ "ep", PCI_EXP_TYPE_ENDPOINT },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(word, types[i].word) == 0)
			return types[i].type;
	fail_msg("unknown function type '%s'", word);
	return DOCTOR_PORT_NONE;
}

/* Config space as the kernel shows it: IDs, the PCIe capability, ACS. */
static void write_config(const char *dir, unsigned int vendor, unsigned int device, int type,
			 const char *acs)
{
	static uint8_t config[CONFIG_SIZE];
	bool bridge = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_UPSTREAM ||
		      type == PCI_EXP_TYPE_DOWNSTREAM;

	memset(config, 0, sizeof(config));
	put16(config, PCI_VENDOR_ID, (uint16_t)vendor);
	put16(config, PCI_DEVICE_ID, (uint16_t)device);
	config[PCI_HEADER_TYPE] = bridge ? PCI_HEADER_TYPE_BRIDGE : PCI_HEADER_TYPE_NORMAL;
	if (type != DOCTOR_PORT_NONE) {
		put16(config, PCI_STATUS, PCI_STATUS_CAP_LIST);
		config[PCI_CAPABILITY_LIST] = EXP_CAP;
		config[EXP_CAP] = PCI_CAP_ID_EXP;
		put16(config, EXP_CAP + PCI_EXP_FLAGS, (uint16_t)(type << 4 | 2));
	}
	if (strcmp(acs, "-") != 0) {
		put16(config, ACS_EXT_CAP, PCI_EXT_CAP_ID_ACS);
		config[ACS_EXT_CAP + 2] = 1;	/* version 1, no next capability */
		put16(config, ACS_EXT_CAP + PCI_ACS_CAP, SV | RR | CR | UF | EC);
		put16(config, ACS_EXT_CAP + PCI_ACS_CTRL, acs_bits(acs));
	}
	write_file(dir, "config", config, sizeof(config));
}

/*
 * "G:DOMAIN": the function in IOMMU group G, whose domain type is DOMAIN.
 * The link is relative, as the kernel's: libpci reads it from the device.
 */
static void write_iommu_group(const struct fake_tree *t, const char *dir, const char *group)
{
	char groups[PATH_MAX], up[PATH_MAX] = "", target[PATH_MAX], link[PATH_MAX + 16];
	int n = 0, len = 0;

	assert_int_equal(sscanf(group, "%d:%n", &n, &len), 1);
	snprintf(groups, sizeof(groups), "%s/kernel/iommu_groups/%d", t->root, n);
	mkdir_parents(groups);
	write_file(groups, "type", group + len, strlen(group + len));
	for (const char *c = dir + strlen(t->root); *c; c++)
		if (*c == '/')
			strcat(up, "../");
	assert_true(snprintf(target, sizeof(target), "%skernel/iommu_groups/%d", up, n) <
		    (int)sizeof(target));
	snprintf(link, sizeof(link), "%s/iommu_group", dir);
	assert_int_equal(symlink(target, link), 0);
}

static const char *parent_dir(const struct fake_tree *t, const char *parent, char *buf,
			      size_t size)
{
	if (strncmp(parent, "pci", 3) == 0) {
		snprintf(buf, size, "%s/devices/%s", t->root, parent);
		return buf;
	}
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->fns[i].bdf, parent) == 0)
			return t->fns[i].dir;
	fail_msg("parent %s before its child", parent);
	return NULL;
}

static void add_function(struct fake_tree *t, const char *line)
{
	char bdf[DOCTOR_BDF_MAX], parent[16], type[8], acs[40], group[40] = "", buf[PATH_MAX];
	char link[PATH_MAX];
	unsigned int vendor, device;
	struct fake_fn *f = &t->fns[t->n];
	int port;

	assert_in_range(sscanf(line, "%15s %15s %x:%x %7s %39s %39s", bdf, parent, &vendor,
			       &device, type, acs, group), 6, 7);
	assert_true(t->n < TREE_FNS_MAX);
	port = fake_port_type(type);
	snprintf(f->bdf, sizeof(f->bdf), "%s", bdf);
	assert_true(snprintf(f->dir, sizeof(f->dir), "%s/%s", parent_dir(t, parent, buf, sizeof(buf)),
			     bdf) < (int)sizeof(f->dir));
	mkdir_parents(f->dir);
	write_hex(f->dir, "vendor", vendor, 4);
	write_hex(f->dir, "device", device, 4);
	write_hex(f->dir, "class", strcmp(type, "host") == 0 ? 0x060000 :
				   port == DOCTOR_PORT_NONE || port == PCI_EXP_TYPE_ENDPOINT ?
				   0x00ff00 : 0x060400, 6);
	write_config(f->dir, vendor, device, port, acs);
	if (group[0])
		write_iommu_group(t, f->dir, group);
	snprintf(link, sizeof(link), "%s/bus/pci/devices/%s", t->root, bdf);
	assert_int_equal(symlink(f->dir, link), 0);
	t->n++;
}

/* Builds tests/unit/data/doctor-trees/NAME.tree under a new folder, libpci on it. */
static void fake_tree_build(struct fake_tree *t, const char *name)
{
	const char *top = getenv("P2PRIG_TOP");
	char path[PATH_MAX], line[256];
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(t->root, sizeof(t->root), "/tmp/p2prig-doctor-tree.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(path, sizeof(path), "%s/bus/pci/devices", t->root);
	mkdir_parents(path);
	snprintf(path, sizeof(path), "%s/tests/unit/data/doctor-trees/%s.tree",
		 top && *top ? top : P2PRIG_SOURCE_TOP, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && line[0] != '\n')
			add_function(t, line);
	fclose(f);

	t->pacc = pci_alloc();
	t->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	snprintf(path, sizeof(path), "%s/bus/pci", t->root);
	pci_set_param(t->pacc, "sysfs.path", path);
	pci_init(t->pacc);
	pci_scan_bus(t->pacc);
}

static struct pci_dev *fake_tree_dev(const struct fake_tree *t, const char *bdf)
{
	unsigned int domain, bus, dev, func;

	assert_int_equal(sscanf(bdf, "%x:%x:%x.%x", &domain, &bus, &dev, &func), 4);
	for (struct pci_dev *d = t->pacc->devices; d; d = d->next)
		if ((unsigned int)d->domain == domain && d->bus == bus && d->dev == dev &&
		    d->func == func)
			return d;
	fail_msg("no %s in the tree", bdf);
	return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void fake_tree_destroy(struct fake_tree *t)
{
	pci_cleanup(t->pacc);
	assert_int_equal(nftw(t->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* One pair on one tree, and what the kernel decides for it. */
struct tree_case {
	const char *name, *tree, *provider, *initiator;
	struct cpu cpu;
	enum doctor_map_type map_type;
	int distance;
	const char *common;		/* NULL: none */
	const char *acs_redirect;	/* "A;B" as the kernel lists them, "" for none */
	const char *explained;		/* a piece of the one-line explanation */
};

/*
 * Each verdict is argued from calc_map_type_and_dist() (7.3.4): it walks
 * up from the provider (a); at each function it reads ACS (RR, CR or EC in
 * PCI_ACS_CTRL counts) and walks up from the initiator (bb) looking for a
 * (the common upstream); found, it reads ACS on the initiator's functions
 * below it; any redirect sends the pair through the host bridge. Without a
 * common upstream the distance is both walks' lengths, and ACS counts for
 * nothing. Through the host bridge: cpu_supports_p2pdma() (AMD family
 * >= 0x17), else host_bridge_whitelist() on each side's root bus's first
 * function (00.0, or a root port).
 */
static const struct tree_case tree_cases[] = {
	/* a = 05:00.0, 04:00.0, then 03:00.0, which 06:00.0's walk meets after
	 * 04:01.0: 2 + 2; no function on the way has ACS. */
	{ "nested, one inner switch", "nested-pxb", "0000:05:00.0", "0000:06:00.0", INTEL,
	  DOCTOR_MAP_BUS_ADDR, 4, "0000:03:00.0", "",
	  "0000:04:00.0 104c:8233 switch downstream port (no ACS) -> 0000:03:00.0 104c:8232 "
	  "switch upstream port, common upstream (no ACS)" },
	/* Up four (04:00.0, 03:00.0, 02:00.0, 01:00.0), ivshmem up two. */
	{ "nested, ivshmem on the outer switch", "nested-pxb", "0000:05:00.0", "0000:07:00.0",
	  INTEL, DOCTOR_MAP_BUS_ADDR, 6, "0000:01:00.0", "", "common upstream (no ACS)" },
	/* The expander's root bus is a host bridge of its own: no common
	 * upstream, 6 + 2 functions; host_a != host_b, and q35's 00:00.0
	 * 8086:29c0 is in no table entry. */
	{ "nested to the expander, Intel", "nested-pxb", "0000:05:00.0", "0000:09:00.0", INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 8, NULL, "",
	  "host bridge pci0000:00 (looks up 0000:00:00.0 8086:29c0: not whitelisted) -> "
	  "host bridge pci0000:08 (looks up 0000:08:00.0 1b36:000c: not whitelisted)" },
	/* cpu_supports_p2pdma() comes first: the tables are never read. */
	{ "nested to the expander, Zen", "nested-pxb", "0000:05:00.0", "0000:09:00.0", ZEN3,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 8, NULL, "", "table not read" },
	/* Depth 3: the common upstream is the innermost switch's 05:00.0; the
	 * root port's RR (an IOMMU's doing) is above it, never read. */
	{ "depth-3 nested switches", "nested3-iommu", "0000:07:00.0", "0000:08:00.0", INTEL,
	  DOCTOR_MAP_BUS_ADDR, 4, "0000:05:00.0", "",
	  "not on the path (above the common upstream): 0000:00:01.0 root port with ACS ctrl "
	  "SV,RR,CR,UF" },
	{ "depth-3 nested switches, other way", "nested3-iommu", "0000:08:00.0", "0000:07:00.0",
	  INTEL, DOCTOR_MAP_BUS_ADDR, 4, "0000:05:00.0", "", "=> BUS_ADDR, distance 4" },
	/* Sibling switches: up 04, 03, 02:00.0, 01 (4); edu up 07, 06, 02:01.0 (4). */
	{ "sibling switches", "siblings", "0000:05:00.0", "0000:08:00.0", INTEL,
	  DOCTOR_MAP_BUS_ADDR, 8, "0000:01:00.0", "",
	  "0000:02:01.0 104c:8233 switch downstream port (no ACS)" },
	/* The same walk, but 0b:01.0, below the common 0a:00.0 on the
	 * initiator's side, has RR: through the host bridge, q35 refuses. */
	{ "sibling switches, RR on a downstream port, Intel", "siblings", "0000:0e:00.0",
	  "0000:11:00.0", INTEL, DOCTOR_MAP_NOT_SUPPORTED, 8, "0000:0a:00.0", "0000:0b:01.0",
	  "0000:0b:01.0 104c:8233 switch downstream port (ACS ctrl SV,RR,CR,UF: redirects)" },
	{ "sibling switches, RR on a downstream port, Zen", "siblings", "0000:0e:00.0",
	  "0000:11:00.0", ZEN1, DOCTOR_MAP_THRU_HOST_BRIDGE, 8, "0000:0a:00.0", "0000:0b:01.0",
	  "redirected up to host bridge pci0000:00" },
	/* Under two root ports, each below its own switches: 6 + 6, no common
	 * upstream; 0b:01.0's RR is on the way but not consulted. */
	{ "switches under different root ports", "siblings", "0000:05:00.0", "0000:11:00.0",
	  INTEL, DOCTOR_MAP_NOT_SUPPORTED, 12, NULL, "",
	  "0000:0b:01.0 104c:8233 switch downstream port (ACS ctrl SV,RR,CR,UF, not consulted)" },
	/* Different root ports of q35: 2 + 2, no common upstream. */
	{ "different root ports, q35, Intel", "root-ports", "0000:01:00.0", "0000:02:00.0",
	  INTEL, DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, "",
	  "0000:00:01.0 1b36:000c root port (ACS ctrl SV,RR,CR,UF, not consulted)" },
	{ "different root ports, q35, Zen", "root-ports", "0000:01:00.0", "0000:02:00.0", ZEN3,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, "", "=> THRU_HOST_BRIDGE, distance 4" },
	/* a = 03:00.0 (no ACS), then 00:03.0: RR counts (read before the
	 * match), and 03:00.1's walk meets it after one step: 1 + 1. */
	{ "two functions under a redirecting root port", "root-ports", "0000:03:00.0",
	  "0000:03:00.1", INTEL, DOCTOR_MAP_NOT_SUPPORTED, 2, "0000:00:03.0", "0000:00:03.0",
	  "root port, common upstream (ACS ctrl SV,RR,CR,UF: redirects)" },
	/* Different root ports, 00:00.0 is 8086:2020: whitelisted. */
	{ "different root ports, whitelisted", "skylake", "0000:01:00.0", "0000:02:00.0", INTEL,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, "",
	  "host bridge pci0000:00 (looks up 0000:00:00.0 8086:2020: whitelisted)" },
	/* Two host bridges: pci0000:00 and the expander's pci0000:08. */
	{ "q35 to an expander, Intel", "pxb", "0000:01:00.0", "0000:09:00.0", INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, "",
	  "-> host bridge pci0000:08 (looks up 0000:08:00.0 1b36:000c: not whitelisted) -> "
	  "0000:08:00.0 1b36:000c root port (ACS ctrl none, not consulted) -> 0000:09:00.0" },
	/* Two expanders: each looks up its root port, neither listed. */
	{ "expander to expander, Intel", "pxb", "0000:09:00.0", "0000:11:00.0", INTEL,
	  DOCTOR_MAP_NOT_SUPPORTED, 4, NULL, "",
	  "host bridge pci0000:08 (looks up 0000:08:00.0 1b36:000c: not whitelisted) -> "
	  "host bridge pci0000:10 (looks up 0000:10:00.0 1b36:000c: not whitelisted)" },
	{ "expander to expander, Zen", "pxb", "0000:09:00.0", "0000:11:00.0", ZEN1,
	  DOCTOR_MAP_THRU_HOST_BRIDGE, 4, NULL, "", "=> THRU_HOST_BRIDGE, distance 4" },
};

static void cpu_of(const struct cpu *c, struct doctor_cpu *out)
{
	memset(out, 0, sizeof(*out));
	out->known = c->vendor != NULL;
	out->x86 = true;
	if (c->vendor)
		snprintf(out->vendor, sizeof(out->vendor), "%s", c->vendor);
	out->family = c->family;
}

static void test_tree_case(void **state)
{
	static struct doctor_pair pair;
	const struct tree_case *c = *state;
	const struct doctor_prediction *p = &pair.prediction;
	struct fake_tree tree;
	struct doctor_cpu cpu;
	json_object *o, *j;

	fake_tree_build(&tree, c->tree);
	cpu_of(&c->cpu, &cpu);
	assert_int_equal(doctor_pair_with_cpu(tree.pacc, fake_tree_dev(&tree, c->provider),
					      fake_tree_dev(&tree, c->initiator), &cpu, &pair), 0);
	fake_tree_destroy(&tree);

	assert_string_equal(doctor_map_type_name(p->map_type), doctor_map_type_name(c->map_type));
	assert_int_equal(p->distance, c->distance);
	if (c->common)
		assert_string_equal(pair.model.provider[p->common_provider].bdf, c->common);
	else
		assert_int_equal(p->common_provider, -1);
	assert_string_equal(p->acs_redirect_bdfs, c->acs_redirect);

	o = doctor_json(NULL, &pair);
	j = get(get(o, "pair"), "explanation");
	ASSERT_CONTAINS(json_object_get_string(j), c->explained,
			doctor_map_type_name(c->map_type));
	assert_string_equal(json_object_get_string(get(get(o, "pair"), "map_type")),
			    doctor_map_type_name(c->map_type));
	json_object_put(o);
}

/* What the scan reads from sysfs besides the chain: groups, domains, host bridges. */
static void test_tree_scan(void **state)
{
	static struct doctor_pair pair;
	static struct doctor_system sys;
	struct fake_tree tree;
	struct doctor_cpu cpu;

	(void)state;
	cpu_of(&(struct cpu)INTEL, &cpu);
	fake_tree_build(&tree, "nested3-iommu");
	assert_int_equal(doctor_pair_with_cpu(tree.pacc, fake_tree_dev(&tree, "0000:07:00.0"),
					      fake_tree_dev(&tree, "0000:08:00.0"), &cpu, &pair), 0);
	fake_tree_destroy(&tree);
	/* nvme, 3 x (downstream, upstream), root port. */
	assert_int_equal(pair.model.n_provider, 8);
	assert_int_equal(pair.model.initiator[0].iommu_group, 1);
	assert_string_equal(pair.model.initiator[0].iommu_domain, "DMA-FQ");
	assert_true(pair.vlab_bus_addr_faults);
	assert_int_equal(pair.model.provider[7].port_type, PCI_EXP_TYPE_ROOT_PORT);
	assert_true(doctor_acs_redirects(&pair.model.provider[7].acs));

	/* Three root buses, each its own host bridge and looked-up function. */
	fake_tree_build(&tree, "pxb");
	doctor_system_scan(tree.pacc, &sys);
	fake_tree_destroy(&tree);
	assert_int_equal(sys.n_hosts, 3);
	for (size_t i = 0; i < 3; i++) {
		static const char *const names[] = { "pci0000:00", "pci0000:08", "pci0000:10" };
		static const char *const bdfs[] = { "0000:00:00.0", "0000:08:00.0", "0000:10:00.0" };
		size_t k = 0;

		while (k < 3 && strcmp(sys.hosts[k].name, names[i]) != 0)
			k++;
		assert_true(k < 3);
		assert_true(sys.hosts[k].has_device);
		assert_string_equal(sys.hosts[k].bdf, bdfs[i]);
	}
}

/* The report walks the path a line a step, and says why. */
static void test_tree_report(void **state)
{
	static struct doctor_pair pair;
	static char text[8192];
	struct fake_tree tree;
	struct doctor_cpu cpu;
	FILE *f;

	(void)state;
	cpu_of(&(struct cpu)INTEL, &cpu);
	fake_tree_build(&tree, "siblings");
	assert_int_equal(doctor_pair_with_cpu(tree.pacc, fake_tree_dev(&tree, "0000:0e:00.0"),
					      fake_tree_dev(&tree, "0000:11:00.0"), &cpu, &pair), 0);
	fake_tree_destroy(&tree);
	f = fmemopen(text, sizeof(text), "w");
	assert_non_null(f);
	doctor_print(f, NULL, &pair);
	fclose(f);
	ASSERT_CONTAINS(text, "why, port by port:\n         0000:0e:00.0 1b36:0010 endpoint, provider",
			"\n      -> 0000:0b:01.0 104c:8233 switch downstream port (ACS ctrl SV,RR,CR,UF: "
			"redirects)\n",
			"\n      -> redirected up to host bridge pci0000:00 (looks up 0000:00:00.0 "
			"8086:29c0: not whitelisted)\n",
			"\n      => NOT_SUPPORTED, distance 8\n");
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))
#define N_TREE_CASES (sizeof(tree_cases) / sizeof(tree_cases[0]))

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_empty_model),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_vlab_limit),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_pair_json),
		cmocka_unit_test(test_pair_json_through_host),
		cmocka_unit_test(test_system_json),
		cmocka_unit_test(test_config_read),
		cmocka_unit_test(test_config_unset),
		cmocka_unit_test(test_swiotlb),
		cmocka_unit_test(test_cpu_parse),
		cmocka_unit_test(test_tree_scan),
		cmocka_unit_test(test_tree_report),
	};
	static char names[N_CASES][96], tree_names[N_TREE_CASES][96];
	struct CMUnitTest tests[N_CASES + N_TREE_CASES + sizeof(fixed) / sizeof(fixed[0])];
	size_t n = 0;

	for (size_t i = 0; i < N_CASES; i++) {
		snprintf(names[i], sizeof(names[i]), "predict: %s", cases[i].name);
		tests[n++] = (struct CMUnitTest){ names[i], test_predict_case, NULL, NULL,
						  (void *)&cases[i] };
	}
	for (size_t i = 0; i < N_TREE_CASES; i++) {
		snprintf(tree_names[i], sizeof(tree_names[i]), "tree %s: %s", tree_cases[i].tree,
			 tree_cases[i].name);
		tests[n++] = (struct CMUnitTest){ tree_names[i], test_tree_case, NULL, NULL,
						  (void *)&tree_cases[i] };
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("doctor", tests, n, NULL, NULL);
}
