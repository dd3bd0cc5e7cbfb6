// SPDX-License-Identifier: GPL-2.0
/* p2prig nvme: the NVMe controllers, their CMB and PMR, and their namespaces. */
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "cli/cli_options.h"
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
	/* Too large for the stack of a small thread; one per process. */
	static struct nvme_inventory inv;
	const char *json_path = NULL;
	const struct cli_option options[] = {
		{ "json", 'j', &json_path },
	};
	const struct cli_command cmd = {
		.name = "nvme", .usage = nvme_usage, CLI_OPTIONS(options),
	};
	char err[256];
	int rc = cli_parse_options(&cmd, argc, argv);

	if (rc != CLI_GO_ON)
		return rc;
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
