// SPDX-License-Identifier: GPL-2.0
/*
 * The doctor's prediction along the path, port by port: which functions
 * the kernel's walk passes (calc_map_type_and_dist() in
 * drivers/pci/p2pdma.c, 7.3.4), which of them it reads ACS from, and what
 * each host bridge on the way says; for the text report and the JSON.
 */
#include <string.h>

#include "doctor/doctor_internal.h"

static const char *provider_role(const struct doctor_pair *p, size_t i)
{
	if ((int)i == p->prediction.common_provider)
		return i == 0 && p->prediction.distance == 0 ? "both" : "common";
	return i == 0 ? "provider" : "up";
}

size_t doctor_path_steps(const struct doctor_pair *p, struct doctor_step *steps)
{
	const struct doctor_model *m = &p->model;
	int common = p->prediction.common_provider;
	size_t top = common >= 0 ? (size_t)common + 1 : m->n_provider;
	size_t down = common >= 0 ? (size_t)p->prediction.common_initiator : m->n_initiator;
	/* Without a common upstream the walk's ACS findings only feed a warning. */
	bool checked = common >= 0;
	size_t n = 0;

	for (size_t i = 0; i < top; i++)
		steps[n++] = (struct doctor_step){ provider_role(p, i), &m->provider[i], NULL,
						   checked };
	if (common < 0) {
		steps[n++] = (struct doctor_step){ "host-bridge", NULL, &m->provider_host, false };
		if (strcmp(m->provider_host.name, m->initiator_host.name) != 0)
			steps[n++] = (struct doctor_step){ "host-bridge", NULL, &m->initiator_host,
							   false };
	}
	while (down-- > 0)
		steps[n++] = (struct doctor_step){ down == 0 ? "initiator" : "down",
						   &m->initiator[down], NULL, checked };
	return n;
}

/* What a reader calls a function of this PCIe type. */
static const char *port_words(int port_type)
{
	switch (port_type) {
	case PCI_EXP_TYPE_ROOT_PORT:
		return "root port";
	case PCI_EXP_TYPE_UPSTREAM:
		return "switch upstream port";
	case PCI_EXP_TYPE_DOWNSTREAM:
		return "switch downstream port";
	}
	return doctor_port_type_name(port_type);
}

static void node_verdict(const struct doctor_node *n, bool checked, char *buf, size_t size)
{
	char on[40];

	if (!n->acs.known) {
		doctor_appendf(buf, size, "ACS unreadable (run as root)%s",
			       checked ? "" : ", not consulted");
		return;
	}
	if (!n->acs.present) {
		doctor_appendf(buf, size, "no ACS%s", checked ? "" : ", not consulted");
		return;
	}
	doctor_acs_bits_text(n->acs.ctrl, on, sizeof(on));
	if (!checked)
		doctor_appendf(buf, size, "ACS ctrl %s, not consulted", on);
	else
		doctor_appendf(buf, size, "ACS ctrl %s: %s", on,
			       doctor_acs_redirects(&n->acs) ? "redirects" : "no redirect");
}

/*
 * The kernel's verdict on one host bridge: the CPU rule first (the table
 * is then never read), else the table entry of the function it looks up.
 */
static void host_verdict(const struct doctor_model *m, const struct doctor_host_bridge *h,
			 char *buf, size_t size)
{
	bool same = strcmp(m->provider_host.name, m->initiator_host.name) == 0;

	if (h->has_device)
		doctor_appendf(buf, size, "looks up %s %04x:%04x: ", h->bdf, h->vendor,
			       h->device);
	if (doctor_cpu_allows_p2pdma(&m->cpu)) {
		doctor_appendf(buf, size, "table not read, the AMD Zen CPU rule lets it through");
		return;
	}
	switch (doctor_host_bridge_rule(h, same)) {
	case DOCTOR_WHITELIST_TABLE:
		doctor_appendf(buf, size, "whitelisted");
		break;
	case DOCTOR_WHITELIST_NEEDS_SAME_HOST:
		doctor_appendf(buf, size, "whitelisted only for devices under this one host bridge");
		break;
	case DOCTOR_WHITELIST_NO_DEVICE:
		doctor_appendf(buf, size, "no function to look up (root bus starts with neither "
			       "00.0 nor a root port): not whitelisted");
		break;
	default:
		doctor_appendf(buf, size, "not whitelisted");
		break;
	}
	if (!m->cpu.known)
		doctor_appendf(buf, size, " (CPU unknown)");
}

void doctor_step_verdict(const struct doctor_pair *p, const struct doctor_step *s, char *buf,
			 size_t size)
{
	buf[0] = '\0';
	if (s->node)
		node_verdict(s->node, s->acs_checked, buf, size);
	else
		host_verdict(&p->model, s->host, buf, size);
}

static const char *role_words(const char *role)
{
	static const struct {
		const char *role, *words;
	} words[] = {
		{ "provider", ", provider" },	     { "initiator", ", initiator" },
		{ "common", ", common upstream" },   { "both", ", provider and initiator" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(role, words[i].role) == 0)
			return words[i].words;
	return "";
}

static void step_text(const struct doctor_pair *p, const struct doctor_step *s, char *buf,
		      size_t size)
{
	char verdict[DOCTOR_TEXT_MAX];

	doctor_step_verdict(p, s, verdict, sizeof(verdict));
	if (s->node)
		doctor_appendf(buf, size, "%s %04x:%04x %s%s (%s)", s->node->bdf, s->node->vendor,
			       s->node->device, port_words(s->node->port_type),
			       role_words(s->role), verdict);
	else
		doctor_appendf(buf, size, "host bridge %s (%s)", s->host->name, verdict);
}

/* Functions above the common upstream whose redirection a reader may suspect. */
static void explain_above_common(const struct doctor_pair *p, bool one_line, char *buf,
				 size_t size)
{
	const struct doctor_model *m = &p->model;
	const char *sep = one_line ? "; not on the path (above the common upstream): " :
				     "\n         not on the path (above the common upstream): ";

	for (size_t i = (size_t)p->prediction.common_provider + 1; i < m->n_provider; i++) {
		const struct doctor_node *n = &m->provider[i];
		char on[40];

		if (!doctor_acs_redirects(&n->acs))
			continue;
		doctor_acs_bits_text(n->acs.ctrl, on, sizeof(on));
		doctor_appendf(buf, size, "%s%s %s with ACS ctrl %s", sep, n->bdf,
			       port_words(n->port_type), on);
		sep = ", ";
	}
}

/* Between steps on one line, or one step a line under the report's "why" row. */
#define ONE_LINE_SEP " -> "
#define LINES_SEP "\n      -> "

void doctor_explain(const struct doctor_pair *p, bool one_line, char *buf, size_t size)
{
	const struct doctor_prediction *d = &p->prediction;
	const char *sep = one_line ? ONE_LINE_SEP : LINES_SEP;
	struct doctor_step steps[DOCTOR_PATH_MAX_STEPS];
	size_t n = doctor_path_steps(p, steps);

	buf[0] = '\0';
	if (!p->model.n_provider || !p->model.n_initiator) {
		doctor_appendf(buf, size, "%s", d->reason);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			doctor_appendf(buf, size, "%s", sep);
		step_text(p, &steps[i], buf, size);
	}
	if (d->common_provider >= 0 && d->acs_redirect) {
		struct doctor_step host = { "host-bridge", NULL, &p->model.provider_host, false };

		doctor_appendf(buf, size, "%sredirected up to ", sep);
		step_text(p, &host, buf, size);
	}
	if (d->common_provider >= 0)
		explain_above_common(p, one_line, buf, size);
	/* The report prints the reason on a row of its own. */
	doctor_appendf(buf, size, "%s=> %s, distance %d%s%s", one_line ? " " : "\n      ",
		       doctor_map_type_name(d->map_type), d->distance, one_line ? ": " : "",
		       one_line ? d->reason : "");
}
