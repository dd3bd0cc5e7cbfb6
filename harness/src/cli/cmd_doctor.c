// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig doctor [--provider SEL] [--initiator SEL] [--json FILE]`: what the
 * kernel will decide for peer-to-peer DMA between two devices, and why.
 * Without selectors: the first device with p2pmem, and the first QEMU edu.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "doctor/doctor.h"
#include "scenario/selector.h"
#include "util/json_write.h"
#include "util/strlist.h"

#define EDU_SELECTOR "id=1234:11e8"

struct doctor_options {
	const char *provider, *initiator, *json_path;
};

static void doctor_usage(FILE *to)
{
	fprintf(to, "usage: p2prig doctor [--provider SEL] [--initiator SEL] [--json FILE|-]\n"
		    "SEL is %s. Defaults: the first device with p2pmem, the first %s (QEMU edu).\n",
		    SELECTOR_SYNTAX, EDU_SELECTOR);
}

static bool parse_selector(const char *what, const char *text, struct selector *out)
{
	const char *libpci_says;

	if (selector_parse(text, out, &libpci_says))
		return true;
	if (libpci_says)
		fprintf(stderr, "p2prig doctor: bad --%s '%s': %s\n", what, text, libpci_says);
	else
		fprintf(stderr, "p2prig doctor: bad --%s '%s': expected %s\n", what, text,
			SELECTOR_SYNTAX);
	return false;
}

static bool has_p2pmem(const struct pci_dev *d)
{
	char bdf[PCI_ADDRESS_TEXT_MAX], path[96];

	selector_address_text(d, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/p2pmem", bdf);
	return access(path, F_OK) == 0;
}

/* Domain, bus, device, function as one number, to pick the first in bus order. */
static unsigned long long bus_order(const struct pci_dev *d)
{
	unsigned long long domain = (unsigned int)d->domain;

	return domain << 16 | d->bus << 8 | d->dev << 3 | d->func;
}

static struct pci_dev *first_with_p2pmem(struct pci_access *pacc)
{
	struct pci_dev *best = NULL;

	for (struct pci_dev *d = pacc->devices; d; d = d->next)
		if (has_p2pmem(d) && (!best || bus_order(d) < bus_order(best)))
			best = d;
	return best;
}

/* D when a search found it; else NULL, and the reason, FMT, goes to missing. */
__attribute__((format(printf, 3, 4)))
static struct pci_dev *found_or_missing(struct pci_dev *d, struct strlist *missing,
					const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (d)
		return d;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	strlist_add(missing, why);
	return NULL;
}

/* The provider: as selected, or the first with p2pmem; NULL with the reason in missing. */
static struct pci_dev *find_provider(struct pci_access *pacc, const struct selector *sel,
				     struct strlist *missing)
{
	if (sel)
		return found_or_missing(selector_first_match(pacc, sel), missing,
					"no provider: no PCI device matches %s", sel->text);
	return found_or_missing(first_with_p2pmem(pacc), missing,
				"no provider: no device has /sys/bus/pci/devices/*/p2pmem "
				"(give --provider SEL)");
}

static struct pci_dev *find_initiator(struct pci_access *pacc, const struct selector *sel,
				      bool selected, struct strlist *missing)
{
	struct pci_dev *d = selector_first_match(pacc, sel);

	if (selected)
		return found_or_missing(d, missing, "no initiator: no PCI device matches %s",
					sel->text);
	return found_or_missing(d, missing,
				"no initiator: no QEMU edu device (%s; give --initiator SEL)",
				EDU_SELECTOR);
}

static int write_json(const char *path, const struct doctor_system *sys,
		      const struct doctor_pair *pair, const struct strlist *missing)
{
	json_object *o = doctor_json(sys, pair);
	json_object *list = json_object_new_array();
	int rc;

	for (size_t i = 0; i < missing->n; i++)
		json_object_array_add(list, json_object_new_string(missing->items[i]));
	json_object_object_add(o, "missing", list);
	rc = jw_write_out(o, path, "doctor");
	json_object_put(o);
	return rc;
}

static int doctor_run(const struct doctor_options *opt, struct selector *psel,
		      struct selector *isel)
{
	static struct doctor_system sys;
	static struct doctor_pair pair;
	struct strlist missing = { 0 };
	struct pci_access *pacc = pci_alloc();
	struct pci_dev *provider, *initiator;
	bool have_pair = false;
	int rc = 0;

	pci_init(pacc);
	pci_scan_bus(pacc);
	doctor_system_scan(pacc, &sys);
	provider = find_provider(pacc, opt->provider ? psel : NULL, &missing);
	initiator = find_initiator(pacc, isel, opt->initiator != NULL, &missing);
	if (provider && initiator) {
		int err = doctor_pair(pacc, provider, initiator, &pair);

		have_pair = err == 0;
		if (err) {
			fprintf(stderr, "p2prig doctor: cannot read the path: %s\n", strerror(-err));
			rc = 1;
		}
	}

	if (!opt->json_path || strcmp(opt->json_path, "-") != 0) {
		doctor_print(stdout, &sys, have_pair ? &pair : NULL);
		for (size_t i = 0; i < missing.n; i++)
			printf("%s\n", missing.items[i]);
	}
	if (opt->json_path && write_json(opt->json_path, &sys, have_pair ? &pair : NULL, &missing))
		rc = 1;
	strlist_free(&missing);
	pci_cleanup(pacc);
	return rc;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_options opt = { 0 };
	const struct cli_option options[] = {
		{ "provider", 'p', &opt.provider },
		{ "initiator", 'i', &opt.initiator },
		{ "json", 'j', &opt.json_path },
	};
	const struct cli_command cmd = {
		.name = "doctor", .usage = doctor_usage, CLI_OPTIONS(options),
	};
	struct selector psel, isel;
	int rc = cli_parse_options(&cmd, argc, argv);

	if (rc != CLI_GO_ON)
		return rc;
	if (opt.provider && !parse_selector("provider", opt.provider, &psel))
		return 2;
	if (!parse_selector("initiator", opt.initiator ? opt.initiator : EDU_SELECTOR, &isel))
		return 2;
	return doctor_run(&opt, &psel, &isel);
}
