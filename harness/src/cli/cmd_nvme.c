// SPDX-License-Identifier: GPL-2.0
/* p2prig nvme: the NVMe controllers, their CMB and PMR, and their namespaces. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "cli/commands.h"
#include "system/nvme_inventory.h"
#include "util/json_write.h"

static void nvme_usage(FILE *to)
{
	fprintf(to, "usage: p2prig nvme [--json FILE|-]\n"
		    "  the NVMe controllers libnvme finds: address, serial, model, the CMB and\n"
		    "  PMR decoded from their registers (as root), and their namespaces\n");
}

static int write_json(const char *path, const struct nvme_inventory *inv)
{
	json_object *o = nvme_inventory_json(inv);
	int rc = jw_write_out(o, path, "nvme");

	json_object_put(o);
	return rc;
}

int cmd_nvme(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* Too large for the stack of a small thread; one per process. */
	static struct nvme_inventory inv;
	const char *json_path = NULL;
	char err[256];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_path = optarg;
			break;
		case 'h':
			nvme_usage(stdout);
			return 0;
		default:
			nvme_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "p2prig nvme: unexpected argument '%s'\n", argv[optind]);
		nvme_usage(stderr);
		return 2;
	}
	if (nvme_inventory_scan(&inv, err, sizeof(err))) {
		fprintf(stderr, "p2prig nvme: %s\n", err);
		return 1;
	}
	if (!json_path || strcmp(json_path, "-") != 0) {
		printf("NVMe:\n");
		nvme_inventory_print(stdout, &inv);
	}
	return json_path ? write_json(json_path, &inv) : 0;
}
