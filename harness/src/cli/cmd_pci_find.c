// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig pci-find SELECTOR...`, for lab mode (harness/run-lab.sh): each
 * selector (id=VENDOR:DEVICE or slot=ADDRESS, as a rig config's devices
 * are written) resolved by libpci as a run resolves it, one line each:
 * "SELECTOR BDF VENDOR:DEVICE DRIVER" ("-" for no driver), or
 * "SELECTOR - - -" when nothing matches. Exit 0 when every selector
 * matched, 1 when one did not, 2 on a malformed selector.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pci/pci.h>

#include "cli/commands.h"
#include "scenario/selector.h"

/* The name of the driver bound to BDF, or "-". */
static void bound_driver(const char *bdf, char *buf, size_t size)
{
	char link[128], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	target[n] = '\0';
	const char *name = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;

	if (strlen(name) >= size)
		snprintf(buf, size, "-");
	else
		memcpy(buf, name, strlen(name) + 1);
}

int cmd_pci_find(int argc, char **argv)
{
	struct selector sels[16];
	const char *libpci_says;
	int rc = 0;

	if (argc < 2 || argc - 1 > (int)(sizeof(sels) / sizeof(sels[0]))) {
		fprintf(stderr, "usage: p2prig pci-find SELECTOR... (%s, at most 16)\n",
			SELECTOR_SYNTAX);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!selector_parse(argv[i], &sels[i - 1], &libpci_says)) {
			fprintf(stderr, "p2prig pci-find: bad selector '%s' (%s%sexpected %s)\n",
				argv[i], libpci_says ? libpci_says : "", libpci_says ? "; " : "",
				SELECTOR_SYNTAX);
			return 2;
		}
	}
	struct pci_access *pacc = pci_alloc();

	pci_init(pacc);
	pci_scan_bus(pacc);
	for (int i = 1; i < argc; i++) {
		struct pci_dev *dev = selector_first_match(pacc, &sels[i - 1]);
		char bdf[PCI_ADDRESS_TEXT_MAX], driver[64];

		if (!dev) {
			printf("%s - - -\n", argv[i]);
			rc = 1;
			continue;
		}
		pci_fill_info(dev, PCI_FILL_IDENT);
		selector_address_text(dev, bdf, sizeof(bdf));
		bound_driver(bdf, driver, sizeof(driver));
		printf("%s %s %04x:%04x %s\n", argv[i], bdf, dev->vendor_id, dev->device_id, driver);
	}
	pci_cleanup(pacc);
	return rc;
}
