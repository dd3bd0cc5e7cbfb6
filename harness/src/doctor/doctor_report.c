// SPDX-License-Identifier: GPL-2.0
/* The doctor's findings as a table for people and as JSON for tools. */
#include <stdarg.h>
#include <string.h>

#include "doctor/doctor_internal.h"
#include "util/json_write.h"

static void id_text(uint16_t vendor, uint16_t device, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%04x", vendor, device);
}

/* ---- JSON ---- */

static json_object *acs_json(const struct doctor_acs *acs)
{
	json_object *o;
	char bits[64];

	if (acs->known && !acs->present)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "known", json_object_new_boolean(acs->known));
	if (!acs->known)
		return o;
	doctor_acs_bits_text(acs->cap, bits, sizeof(bits));
	json_object_object_add(o, "capability", json_object_new_string(bits));
	doctor_acs_bits_text(acs->ctrl, bits, sizeof(bits));
	json_object_object_add(o, "enabled", json_object_new_string(bits));
	json_object_object_add(o, "cap_register", json_object_new_int(acs->cap));
	json_object_object_add(o, "ctrl_register", json_object_new_int(acs->ctrl));
	json_object_object_add(o, "redirect", json_object_new_boolean(doctor_acs_redirects(acs)));
	return o;
}

static json_object *host_json(const struct doctor_host_bridge *h)
{
	json_object *o = json_object_new_object();
	char id[16];

	json_object_object_add(o, "name", json_object_new_string(h->name));
	if (h->has_device) {
		id_text(h->vendor, h->device, id, sizeof(id));
		json_object_object_add(o, "bdf", json_object_new_string(h->bdf));
		json_object_object_add(o, "id", json_object_new_string(id));
	}
	json_object_object_add(o, "table", json_object_new_string(doctor_whitelist_rule_name(
		doctor_host_bridge_rule(h, true))));
	return o;
}

static json_object *node_json(const char *role, const struct doctor_node *n)
{
	json_object *o = json_object_new_object();
	char id[16];

	id_text(n->vendor, n->device, id, sizeof(id));
	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_object_add(o, "bdf", json_object_new_string(n->bdf));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "type",
			       json_object_new_string(doctor_port_type_name(n->port_type)));
	json_object_object_add(o, "acs", acs_json(&n->acs));
	json_object_object_add(o, "iommu_group",
			       n->iommu_group >= 0 ? json_object_new_int(n->iommu_group) : NULL);
	json_object_object_add(o, "iommu_domain", jw_text(n->iommu_domain));
	return o;
}

static json_object *endpoint_json(const struct doctor_node *n, const struct doctor_endpoint *e)
{
	json_object *o = json_object_new_object();
	json_object *p2pmem = NULL;
	char id[16];

	id_text(n->vendor, n->device, id, sizeof(id));
	json_object_object_add(o, "bdf", json_object_new_string(n->bdf));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "driver", jw_text(e->driver));
	if (e->p2pmem) {
		p2pmem = json_object_new_object();
		json_object_object_add(p2pmem, "size", json_object_new_int64(e->p2pmem_size));
		json_object_object_add(p2pmem, "available",
				       json_object_new_int64(e->p2pmem_available));
		json_object_object_add(p2pmem, "published",
				       json_object_new_boolean(e->p2pmem_published == 1));
	}
	json_object_object_add(o, "p2pmem", p2pmem);
	return o;
}

/* Each step with what the kernel makes of it: "verdict", and whether its ACS counts. */
static json_object *path_json(const struct doctor_pair *p)
{
	struct doctor_step steps[DOCTOR_PATH_MAX_STEPS];
	size_t n = doctor_path_steps(p, steps);
	json_object *a = json_object_new_array();
	char verdict[DOCTOR_TEXT_MAX];

	for (size_t i = 0; i < n; i++) {
		json_object *o;

		if (steps[i].node) {
			o = node_json(steps[i].role, steps[i].node);
			json_object_object_add(o, "acs_checked",
					       json_object_new_boolean(steps[i].acs_checked));
		} else {
			o = host_json(steps[i].host);
			json_object_object_add(o, "role", json_object_new_string(steps[i].role));
		}
		doctor_step_verdict(p, &steps[i], verdict, sizeof(verdict));
		json_object_object_add(o, "verdict", json_object_new_string(verdict));
		json_object_array_add(a, o);
	}
	return a;
}

/*
 * The route each kind of method takes (uAPI version 8): the default
 * methods by the kernel's rule, the "-host" methods through the host
 * bridge, and whether the kernel's rule would accept that host-bridge
 * route for the pair on real hardware.
 */
static json_object *routes_json(const struct doctor_prediction *d)
{
	json_object *o = json_object_new_object();
	bool unaccepted;
	enum doctor_route def = doctor_predict_route(d, false, &unaccepted);
	enum doctor_route host = doctor_predict_route(d, true, &unaccepted);

	json_object_object_add(o, "default", json_object_new_string(doctor_route_name(def)));
	json_object_object_add(o, "host", json_object_new_string(doctor_route_name(host)));
	json_object_object_add(o, "host_route_map_type",
			       json_object_new_string(doctor_map_type_name(d->host_route)));
	json_object_object_add(o, "host_route_accepted",
			       host == DOCTOR_ROUTE_HOST_BRIDGE &&
					       d->host_route != DOCTOR_MAP_UNKNOWN
				       ? json_object_new_boolean(!unaccepted) : NULL);
	json_object_object_add(o, "host_route_text", jw_text(d->host_route_text));
	return o;
}

static void add_prediction(json_object *o, const struct doctor_pair *p)
{
	const struct doctor_prediction *d = &p->prediction;
	const char *common = d->common_provider >= 0 ? p->model.provider[d->common_provider].bdf :
						       NULL;
	json_object *wl = json_object_new_object();

	json_object_object_add(o, "common_upstream", jw_text(common));
	json_object_object_add(o, "distance", json_object_new_int(d->distance));
	json_object_object_add(o, "p2pdma_distance", json_object_new_int(d->p2pdma_distance));
	json_object_object_add(o, "acs_redirect", jw_text(d->acs_redirect_bdfs));
	json_object_object_add(o, "acs_hint", jw_text(d->acs_hint));
	json_object_object_add(wl, "rule",
			       json_object_new_string(doctor_whitelist_rule_name(d->whitelist)));
	json_object_object_add(wl, "text", jw_text(d->whitelist_text));
	json_object_object_add(wl, "table_version", json_object_new_string("7.3.4"));
	json_object_object_add(o, "whitelist", wl);
	json_object_object_add(o, "map_type",
			       json_object_new_string(doctor_map_type_name(d->map_type)));
	json_object_object_add(o, "reason", json_object_new_string(d->reason));
	json_object_object_add(o, "routes", routes_json(d));
	json_object_object_add(o, "vlab_bus_addr_faults",
			       json_object_new_boolean(p->vlab_bus_addr_faults));
	json_object_object_add(o, "vlab_note", jw_text(p->vlab_note));
}

/* The prediction along the path in one line, port by port. */
static json_object *explanation_json(const struct doctor_pair *p)
{
	static char text[DOCTOR_EXPLAIN_MAX];

	doctor_explain(p, true, text, sizeof(text));
	return json_object_new_string(text);
}

static json_object *pair_json(const struct doctor_pair *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "provider",
			       endpoint_json(&p->model.provider[0], &p->provider));
	json_object_object_add(o, "initiator",
			       endpoint_json(&p->model.initiator[0], &p->initiator));
	json_object_object_add(o, "path", path_json(p));
	add_prediction(o, p);
	json_object_object_add(o, "explanation", explanation_json(p));
	return o;
}

static json_object *cpu_json(const struct doctor_cpu *cpu)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "known", json_object_new_boolean(cpu->known));
	json_object_object_add(o, "x86", json_object_new_boolean(cpu->x86));
	json_object_object_add(o, "vendor", jw_text(cpu->vendor));
	json_object_object_add(o, "family", json_object_new_int((int)cpu->family));
	json_object_object_add(o, "allows_p2pdma",
			       json_object_new_boolean(doctor_cpu_allows_p2pdma(cpu)));
	return o;
}

static json_object *gates_json(const struct doctor_system *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "config_file", jw_text(s->config_path));
	for (size_t i = 0; i < DOCTOR_CONFIG_GATES; i++) {
		const struct doctor_config_gate *g = &s->config[i];
		json_object *one;

		if (!g->option)
			continue;
		one = json_object_new_object();
		json_object_object_add(one, "state",
				       json_object_new_string(doctor_presence_name(g->state)));
		json_object_object_add(one, "value", jw_text(g->value));
		json_object_object_add(one, "note", jw_text(g->note));
		json_object_object_add(o, g->option, one);
	}
	for (size_t i = 0; i < DOCTOR_VERSION_GATES; i++) {
		const struct doctor_version_gate *g = &s->versions[i];
		json_object *one;
		char since[16];

		if (!g->feature)
			continue;
		one = json_object_new_object();
		snprintf(since, sizeof(since), "%u.%u", g->since.major, g->since.minor);
		json_object_object_add(one, "since", json_object_new_string(since));
		json_object_object_add(one, "state",
				       json_object_new_string(doctor_presence_name(g->state)));
		json_object_object_add(o, g->feature, one);
	}
	return o;
}

static json_object *iommu_json(const struct doctor_system *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "present", json_object_new_boolean(s->iommu_present));
	json_object_object_add(o, "units", jw_text(s->iommu_units));
	json_object_object_add(o, "groups",
			       s->iommu_groups >= 0 ? json_object_new_int(s->iommu_groups) : NULL);
	json_object_object_add(o, "swiotlb_forced", json_object_new_boolean(s->swiotlb_forced));
	json_object_object_add(o, "cmdline", jw_text(s->cmdline_notes));
	return o;
}

static json_object *system_json(const struct doctor_system *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "kernel_release", jw_text(s->release));
	json_object_object_add(o, "machine", jw_text(s->machine));
	json_object_object_add(o, "gates", gates_json(s));
	json_object_object_add(o, "cpu", cpu_json(&s->cpu));
	json_object_object_add(o, "iommu", iommu_json(s));
	JW_ADD_ARRAY(o, "host_bridges", s->hosts, s->n_hosts, host_json);
	return o;
}

static json_object *nvme_json(const struct doctor_system *s)
{
	json_object *o = nvme_inventory_json(&s->nvme);

	json_object_object_add(o, "error", jw_text(s->nvme_error));
	return o;
}

json_object *doctor_json(const struct doctor_system *system, const struct doctor_pair *pair)
{
	json_object *o = json_object_new_object();

	if (system) {
		json_object_object_add(o, "system", system_json(system));
		json_object_object_add(o, "nvme", nvme_json(system));
	}
	if (pair)
		json_object_object_add(o, "pair", pair_json(pair));
	return o;
}

/* ---- table ---- */

static void row(FILE *to, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void row(FILE *to, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(to, "  %-36s ", key);
	va_start(ap, fmt);
	vfprintf(to, fmt, ap);
	va_end(ap);
	fputc('\n', to);
}

static void print_gates(FILE *to, const struct doctor_system *s)
{
	row(to, "kernel config", "%s", s->config_path[0] ? s->config_path : "not found");
	for (size_t i = 0; i < DOCTOR_CONFIG_GATES; i++) {
		const struct doctor_config_gate *g = &s->config[i];
		char key[48];

		if (!g->option)
			continue;
		snprintf(key, sizeof(key), "CONFIG_%s", g->option);
		row(to, key, "%s%s%s%s%s%s", doctor_presence_name(g->state), g->value[0] ? " (" : "",
		    g->value, g->value[0] ? ")" : "", g->note ? ": " : "", g->note ? g->note : "");
	}
	for (size_t i = 0; i < DOCTOR_VERSION_GATES; i++) {
		const struct doctor_version_gate *g = &s->versions[i];
		char key[48];

		if (!g->feature)
			continue;
		snprintf(key, sizeof(key), "%s (>= %u.%u)", g->feature, g->since.major,
			 g->since.minor);
		row(to, key, "%s", doctor_presence_name(g->state));
	}
}

static void print_cpu(FILE *to, const struct doctor_cpu *cpu)
{
	if (!cpu->known)
		row(to, "cpu", "unknown");
	else if (!cpu->x86)
		row(to, "cpu", "not x86: no CPU rule");
	else
		row(to, "cpu", "%s family 0x%x: %s", cpu->vendor, cpu->family,
		    doctor_cpu_allows_p2pdma(cpu) ? "p2p through any host bridge (AMD Zen rule)" :
						    "host bridge must be whitelisted");
}

static void print_system(FILE *to, const struct doctor_system *s)
{
	fprintf(to, "system: kernel %s (%s)\n", s->release, s->machine);
	print_gates(to, s);
	print_cpu(to, &s->cpu);
	if (s->iommu_present)
		row(to, "iommu", "%s, %d groups", s->iommu_units, s->iommu_groups);
	else
		row(to, "iommu", "none (no /sys/class/iommu unit)");
	row(to, "swiotlb forced", "%s", s->swiotlb_forced ? "yes" : "no");
	if (s->cmdline_notes[0])
		row(to, "cmdline", "%s", s->cmdline_notes);
	for (size_t i = 0; i < s->n_hosts; i++) {
		const struct doctor_host_bridge *h = &s->hosts[i];
		char key[48];

		snprintf(key, sizeof(key), "host bridge %s", h->name);
		if (h->has_device)
			row(to, key, "%s %04x:%04x, whitelist: %s", h->bdf, h->vendor, h->device,
			    doctor_whitelist_rule_name(doctor_host_bridge_rule(h, true)));
		else
			row(to, key, "no function to look up (whitelist: %s)",
			    doctor_whitelist_rule_name(DOCTOR_WHITELIST_NO_DEVICE));
	}
}

static void print_endpoint(FILE *to, const char *key, const struct doctor_node *n,
			   const struct doctor_endpoint *e)
{
	char p2pmem[96] = "";

	if (e->p2pmem)
		snprintf(p2pmem, sizeof(p2pmem), ", p2pmem %lld bytes (%lld available%s)",
			 e->p2pmem_size, e->p2pmem_available,
			 e->p2pmem_published == 1 ? ", published" : "");
	row(to, key, "%s %04x:%04x driver %s%s", n->bdf, n->vendor, n->device,
	    e->driver[0] ? e->driver : "none", p2pmem);
}

#define PATH_FORMAT "  %-11s %-13s %-10s %-16s %-21s %-12s %-5s %-5s %s\n"

static void print_step(FILE *to, const struct doctor_step *st)
{
	const struct doctor_node *n = st->node;
	char id[16], cap[40] = "-", on[40] = "-", group[12] = "-";
	const char *redir = "-";

	if (!n) {
		const struct doctor_host_bridge *h = st->host;

		if (h->has_device)
			id_text(h->vendor, h->device, id, sizeof(id));
		fprintf(to, "  %-11s %-13s %-10s %s\n", st->role, h->has_device ? h->bdf : "-",
			h->has_device ? id : "-", h->name);
		return;
	}
	id_text(n->vendor, n->device, id, sizeof(id));
	if (!n->acs.known) {
		snprintf(cap, sizeof(cap), "?");
		snprintf(on, sizeof(on), "?");
		redir = "?";
	} else if (n->acs.present) {
		doctor_acs_bits_text(n->acs.cap, cap, sizeof(cap));
		doctor_acs_bits_text(n->acs.ctrl, on, sizeof(on));
		redir = doctor_acs_redirects(&n->acs) ? "yes" : "no";
	}
	if (n->iommu_group >= 0)
		snprintf(group, sizeof(group), "%d", n->iommu_group);
	fprintf(to, PATH_FORMAT, st->role, n->bdf, id, doctor_port_type_name(n->port_type), cap, on,
		redir, group, n->iommu_domain[0] ? n->iommu_domain : "-");
}

static bool any_unread(const struct doctor_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (steps[i].node && !steps[i].node->acs.known)
			return true;
	return false;
}

static void print_path(FILE *to, const struct doctor_pair *p)
{
	struct doctor_step steps[DOCTOR_PATH_MAX_STEPS];
	size_t n = doctor_path_steps(p, steps);

	fprintf(to, "\n  path, provider to initiator "
		"(ACS: SV TB RR CR UF EC DT; redir: RR, CR or EC on)\n");
	fprintf(to, PATH_FORMAT, "role", "bdf", "id", "type", "acs-cap", "acs-on", "redir",
		"group", "domain");
	for (size_t i = 0; i < n; i++)
		print_step(to, &steps[i]);
	if (any_unread(steps, n))
		fprintf(to, "  (?: config space past 64 bytes is for root only)\n");
	fputc('\n', to);
}

static void print_routes(FILE *to, const struct doctor_prediction *d)
{
	bool unaccepted;
	enum doctor_route def = doctor_predict_route(d, false, &unaccepted);
	enum doctor_route host = doctor_predict_route(d, true, &unaccepted);

	row(to, "route (mmio, resource, iova-link)", "%s", doctor_route_name(def));
	row(to, "route (the -host methods)", "%s", doctor_route_name(host));
	if (d->map_type == DOCTOR_MAP_BUS_ADDR && unaccepted)
		row(to, "host-bridge route", "not accepted by the kernel's rule for this pair "
		    "(%s): on real hardware the -host methods send switch-local traffic to a "
		    "root complex that may fault it", d->host_route_text);
	else if (d->map_type == DOCTOR_MAP_BUS_ADDR && d->host_route == DOCTOR_MAP_UNKNOWN)
		row(to, "host-bridge route", "cannot tell whether the kernel's rule accepts it "
		    "(%s)", d->host_route_text);
	else if (d->map_type == DOCTOR_MAP_BUS_ADDR)
		row(to, "host-bridge route", "accepted by the kernel's rule (%s)",
		    d->host_route_text);
}

/* The kernel's walk, one function or host bridge a line. */
static void print_explanation(FILE *to, const struct doctor_pair *p)
{
	static char text[DOCTOR_EXPLAIN_MAX];

	doctor_explain(p, false, text, sizeof(text));
	fprintf(to, "  why, port by port:\n         %s\n", text);
}

static void print_pair(FILE *to, const struct doctor_pair *p)
{
	const struct doctor_prediction *d = &p->prediction;

	fprintf(to, "pair\n");
	print_endpoint(to, "provider", &p->model.provider[0], &p->provider);
	print_endpoint(to, "initiator", &p->model.initiator[0], &p->initiator);
	print_path(to, p);
	row(to, "common upstream", "%s",
	    d->common_provider >= 0 ? p->model.provider[d->common_provider].bdf : "none");
	row(to, "distance", "%d (pci_p2pdma_distance: %d)", d->distance, d->p2pdma_distance);
	if (d->common_provider < 0)
		row(to, "ACS redirect", "not checked: without a common bridge the traffic "
		    "crosses the host bridge anyway");
	else
		row(to, "ACS redirect", "%s",
		    d->acs_redirect ? d->acs_redirect_bdfs : "none on the path");
	if (d->acs_hint[0])
		row(to, "to stop redirecting, boot with", "%s", d->acs_hint);
	row(to, "whitelist", "%s%s%s", doctor_whitelist_rule_name(d->whitelist),
	    d->whitelist_text[0] ? ": " : "", d->whitelist_text);
	row(to, "predicted map type", "%s", doctor_map_type_name(d->map_type));
	row(to, "reason", "%s", d->reason);
	print_explanation(to, p);
	print_routes(to, d);
	if (p->vlab_bus_addr_faults)
		row(to, "virtual lab: bus address faults", "%s", p->vlab_note);
}

static void print_nvme(FILE *to, const struct doctor_system *s)
{
	fprintf(to, "NVMe:\n");
	if (s->nvme_error[0])
		fprintf(to, "  scan failed: %s\n", s->nvme_error);
	else
		nvme_inventory_print(to, &s->nvme);
}

void doctor_print(FILE *to, const struct doctor_system *system, const struct doctor_pair *pair)
{
	if (system) {
		print_system(to, system);
		fputc('\n', to);
		print_nvme(to, system);
	}
	if (system && pair)
		fputc('\n', to);
	if (pair)
		print_pair(to, pair);
}
