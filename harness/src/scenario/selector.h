/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI selectors (`id=VENDOR:DEVICE`, `slot=[[DOMAIN:]BUS:]DEV.FN`), read
 * and matched by libpci's own filter code so they mean what they mean to
 * lspci -d / -s.
 */
#ifndef P2PRIG_SELECTOR_H
#define P2PRIG_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <pci/pci.h>

#include "uapi/p2prig.h"

#define SELECTOR_TEXT_MAX 64
#define SELECTOR_SYNTAX "id=VENDOR:DEVICE or slot=[[DOMAIN:]BUS:]DEV.FN"
/* "dddd:bb:dd.f" and its NUL */
#define PCI_ADDRESS_TEXT_MAX 16

struct selector {
	char text[SELECTOR_TEXT_MAX];	/* as written, e.g. "id=1b36:0010" */
	struct pci_filter filter;
};

/*
 * Fills *out from text. On failure returns false; *libpci_says is libpci's
 * reason when libpci rejected the value, NULL when the form was wrong.
 */
bool selector_parse(const char *text, struct selector *out, const char **libpci_says);

/* The matching function first in bus order, or NULL. */
struct pci_dev *selector_first_match(struct pci_access *pacc, const struct selector *sel);

void selector_address_text(const struct pci_dev *dev, char *buf, size_t size);
void selector_address_uapi(const struct pci_dev *dev, struct p2prig_pci_addr *out);

#endif
