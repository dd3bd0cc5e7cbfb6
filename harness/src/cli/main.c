// SPDX-License-Identifier: GPL-2.0
/* p2prig: the userspace runner of the PCI peer-to-peer DMA test rig. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "p2prig_version.h"
#include "scenario/scenario.h"
#include "uapi/p2prig.h"

static const struct command {
	const char *name;
	const char *args;	/* the usage line after the name */
	const char *what;	/* one line for the overview */
	command_fn *run;
} commands[] = {
	{ "check", "FILE...", "parse scenario files, print every error as FILE:LINE: message",
	  cmd_check },
	{ "run", "FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]",
	  "run a scenario in the guest (as root); results go to DIR", cmd_run },
	{ "summary", "RESULT_JSON", "print a verdict table for a run's result.json", cmd_summary },
	{ "scan-log", "DMESG_FILE [SCENARIO_FILE]",
	  "print the suspect kernel lines after the run's marker", cmd_scan_log },
	{ "doctor", "[--provider SEL] [--initiator SEL] [--json FILE|-]",
	  "predict the kernel's p2pdma map type for a provider and an initiator", cmd_doctor },
	{ "nvme", "[--json FILE|-]", "the NVMe controllers: address, serial, CMB, PMR, namespaces",
	  cmd_nvme },
	{ "bar-devices", "FILE", "the PCI functions the scenario's bar providers select (guest)",
	  cmd_bar_devices },
	{ "pci-find", "SELECTOR...", "each selector's PCI function, its ID and driver (lab mode)",
	  cmd_pci_find },
	{ "oracle-fill", "FILE SEED",
	  "fill the BAR's backing file with SEED's pattern (host, before boot)", cmd_oracle_fill },
	{ "oracle-check", "RESULT_JSON FILE [--seed SEED]",
	  "judge oracle steps against the backing file (host, after the guest)", cmd_oracle_check },
	{ "ktap", "RESULT_JSON", "KTAP version 1 for a run, from its result.json alone", cmd_ktap },
	{ "junit", "RESULT_JSON...", "one JUnit XML document, a testsuite per result.json",
	  cmd_junit },
	{ "kcidb", "PATH... [--origin NAME] [--lab NAME]",
	  "KCIDB (KernelCI) JSON for runs and nights: checkouts, builds, tests", cmd_kcidb },
	{ "kmsg", "--next | --since SEQ [--path FILE]",
	  "the kernel log by sequence number: the next one, or the records from SEQ", cmd_kmsg },
	{ "topology-tree",
	  "check|qemu|show|paths TREE [--at FILE:LINE] [--nvme-count N] [--needs DEVICE,...]\n"
	  "         [--scratch DIR] [--cmb-mb N] [--ivshmem-mb N] [--namespaces N]",
	  "a virtual-lab PCIe tree checked; its QEMU arguments, picture or paths", cmd_topology_tree },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *to)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(to, "%s p2prig %s %s\n", i ? "      " : "usage:", commands[i].name,
			commands[i].args);
	fprintf(to, "       p2prig --version\n       p2prig COMMAND --help\n\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(to, "%-12s %s\n", commands[i].name, commands[i].what);
}

static bool asks_for_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static bool wants_command_help(int argc, char **argv)
{
	if (argc > 2 && asks_for_help(argv[2]))
		return true;
	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return false;
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (asks_for_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("p2prig %s (uAPI %d)\n", P2PRIG_VERSION, P2PRIG_UAPI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct command *c = &commands[i];

		if (strcmp(c->name, argv[1]))
			continue;
		/* COMMAND --help anywhere (-h first): its usage, whatever it takes. */
		if (wants_command_help(argc, argv)) {
			printf("usage: p2prig %s %s\n\n%s\n", c->name, c->args, c->what);
			return 0;
		}
		return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "p2prig: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
