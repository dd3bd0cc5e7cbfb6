// SPDX-License-Identifier: GPL-2.0
/* PCI selectors through libpci's filter parser and matcher. */
#include "scenario/selector.h"

#include <stdio.h>
#include <string.h>

bool selector_parse(const char *text, struct selector *out, const char **libpci_says)
{
	char value[SELECTOR_TEXT_MAX];
	char *(*parse)(struct pci_filter *, char *);
	const char *rest;

	*libpci_says = NULL;
	if (strlen(text) >= sizeof(out->text))
		return false;
	if (strncmp(text, "id=", 3) == 0) {
		parse = pci_filter_parse_id;
		rest = text + 3;
	} else if (strncmp(text, "slot=", 5) == 0) {
		parse = pci_filter_parse_slot;
		rest = text + 5;
	} else {
		return false;
	}
	/* libpci would take an empty value as "any device": never what was meant. */
	if (!*rest)
		return false;

	memset(out, 0, sizeof(*out));
	snprintf(out->text, sizeof(out->text), "%s", text);
	/* The filter parser does not use its pci_access argument. */
	pci_filter_init(NULL, &out->filter);
	snprintf(value, sizeof(value), "%s", rest);
	const char *err = parse(&out->filter, value);
	if (err) {
		*libpci_says = err;
		return false;
	}
	return true;
}

static bool before_in_bus_order(const struct pci_dev *a, const struct pci_dev *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain;
	if (a->bus != b->bus)
		return a->bus < b->bus;
	if (a->dev != b->dev)
		return a->dev < b->dev;
	return a->func < b->func;
}

struct pci_dev *selector_first_match(struct pci_access *pacc, const struct selector *sel)
{
	/* libpci's matcher takes a mutable filter. */
	struct pci_filter filter = sel->filter;
	struct pci_dev *best = NULL;

	/* The device list is in scan order, not bus order. */
	for (struct pci_dev *dev = pacc->devices; dev; dev = dev->next)
		if (pci_filter_match(&filter, dev) && (!best || before_in_bus_order(dev, best)))
			best = dev;
	return best;
}

void selector_address_text(const struct pci_dev *dev, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%x", (unsigned int)dev->domain, dev->bus, dev->dev,
		 dev->func);
}

void selector_address_uapi(const struct pci_dev *dev, struct p2prig_pci_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->domain = (__u32)dev->domain;
	out->bus = dev->bus;
	out->devfn = (__u8)((dev->dev << 3) | dev->func);
}
