// SPDX-License-Identifier: GPL-2.0
/*
 * Provider "bar": a memory BAR registered as p2pmem by the p2prig_bar
 * driver. Not bound to anything yet: every allocation answers -ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "p2prig.h"

static int p2prig_bar_alloc(struct p2prig_chunk *chunk)
{
	return -ENODEV;
}

static void p2prig_bar_free(struct p2prig_chunk *chunk)
{
}

const struct p2prig_provider_ops p2prig_provider_bar = {
	.name = "bar",
	.peer = true,
	.alloc = p2prig_bar_alloc,
	.free = p2prig_bar_free,
};
