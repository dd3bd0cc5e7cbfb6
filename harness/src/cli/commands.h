/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of p2prig; each returns the process exit code. */
#ifndef P2PRIG_COMMANDS_H
#define P2PRIG_COMMANDS_H

typedef int command_fn(int argc, char **argv);

command_fn cmd_check, cmd_run, cmd_summary, cmd_scan_log, cmd_doctor, cmd_nvme, cmd_bar_devices,
	cmd_pci_find, cmd_oracle_fill, cmd_oracle_check, cmd_ktap, cmd_junit, cmd_kmsg,
	cmd_topology_tree, cmd_kcidb;

#endif
