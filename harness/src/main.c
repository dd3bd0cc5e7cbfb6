// SPDX-License-Identifier: GPL-2.0
/* p2prig: the userspace runner of the PCI peer-to-peer DMA test rig. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "scenario.h"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: p2prig check FILE...\n"
		"       p2prig run FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]\n"
		"       p2prig summary RESULT_JSON\n"
		"       p2prig scan-log DMESG_FILE [SCENARIO_FILE]\n"
		"       p2prig doctor [--provider SEL] [--initiator SEL] [--json FILE|-]\n"
		"       p2prig nvme [--json FILE|-]\n"
		"       p2prig bar-devices FILE\n"
		"       p2prig pci-find SELECTOR...\n"
		"       p2prig oracle-fill FILE SEED\n"
		"       p2prig oracle-check RESULT_JSON FILE [--seed SEED]\n"
		"       p2prig ktap RESULT_JSON\n"
		"       p2prig junit RESULT_JSON...\n"
		"       p2prig kmsg --next | --since SEQ [--path FILE]\n"
		"\n"
		"check        parse scenario files, print every error as FILE:LINE: message\n"
		"run          run a scenario in the guest (as root); results go to DIR\n"
		"summary      print a verdict table for a run's result.json\n"
		"scan-log     print the suspect kernel lines after the run's marker\n"
		"doctor       predict the kernel's p2pdma map type for a provider and an initiator\n"
		"nvme         the NVMe controllers: address, serial, CMB, PMR, namespaces\n"
		"bar-devices  the PCI functions the scenario's bar providers select (guest)\n"
		"pci-find     each selector's PCI function, its ID and driver (lab mode)\n"
		"oracle-fill  fill the BAR's backing file with SEED's pattern (host, before boot)\n"
		"oracle-check judge oracle steps against the backing file (host, after the guest)\n"
		"ktap         KTAP version 1 for a run, from its result.json alone\n"
		"junit        one JUnit XML document, a testsuite per result.json\n"
		"kmsg         the kernel log by sequence number: the next one, or the records from SEQ\n");
}

/* Every file is checked, and every error in it reported, before the exit. */
int cmd_check(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: p2prig check FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct scenario sc;
		if (scenario_parse_file(argv[i], &sc)) {
			scenario_print_errors(&sc, stderr);
			status = 1;
		}
		scenario_free(&sc);
	}
	return status;
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },
	{ "run", cmd_run },
	{ "summary", cmd_summary },
	{ "scan-log", cmd_scan_log },
	{ "doctor", cmd_doctor },
	{ "nvme", cmd_nvme },
	{ "bar-devices", cmd_bar_devices },
	{ "pci-find", cmd_pci_find },
	{ "oracle-fill", cmd_oracle_fill },
	{ "oracle-check", cmd_oracle_check },
	{ "ktap", cmd_ktap },
	{ "junit", cmd_junit },
	{ "kmsg", cmd_kmsg },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "p2prig: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
