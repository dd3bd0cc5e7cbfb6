// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig bar-devices FILE`, in the guest before the run: the PCI address
 * of every function a `bar` provider of the scenario selects, one a line,
 * each once, resolved by libpci as the run will resolve it. guest-run.sh
 * hands each to the module's p2prig_bar driver (driver_override), which
 * has no ID table and binds nothing else. A selector that matches nothing
 * is said on stderr; the run then skips the provider's steps with that reason.
 */
#include <stdio.h>
#include <string.h>

#include <pci/pci.h>

#include "cli/commands.h"
#include "scenario/scenario.h"
#include "scenario/selector.h"
#include "uapi/p2prig.h"

int cmd_bar_devices(int argc, char **argv)
{
	static struct scenario sc;	/* large */
	char printed[SCENARIO_MAX_PROVIDERS][PCI_ADDRESS_TEXT_MAX];
	size_t n_printed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: p2prig bar-devices FILE\n");
		return 2;
	}
	if (scenario_parse_file(argv[1], &sc)) {
		scenario_print_errors(&sc, stderr);
		scenario_free(&sc);
		return 1;
	}
	struct pci_access *pacc = pci_alloc();
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (size_t i = 0; i < sc.n_providers; i++) {
		const struct scenario_provider *p = &sc.providers[i];
		if (p->kind->uapi != P2PRIG_PROVIDER_BAR)
			continue;
		struct pci_dev *dev = selector_first_match(pacc, &p->selector);
		if (!dev) {
			fprintf(stderr, "p2prig bar-devices: provider %s: no PCI device matches %s\n",
				p->name, p->selector.text);
			continue;
		}
		char bdf[PCI_ADDRESS_TEXT_MAX];
		bool seen = false;
		selector_address_text(dev, bdf, sizeof(bdf));
		for (size_t k = 0; k < n_printed; k++)
			seen |= strcmp(printed[k], bdf) == 0;
		if (seen)
			continue;
		snprintf(printed[n_printed++], sizeof(printed[0]), "%s", bdf);
		printf("%s\n", bdf);
	}
	pci_cleanup(pacc);
	scenario_free(&sc);
	return 0;
}
