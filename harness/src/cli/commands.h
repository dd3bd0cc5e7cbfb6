/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of p2prig; each returns the process exit code. */
#ifndef P2PRIG_COMMANDS_H
#define P2PRIG_COMMANDS_H

int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_scan_log(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_nvme(int argc, char **argv);
int cmd_bar_devices(int argc, char **argv);
int cmd_pci_find(int argc, char **argv);
int cmd_oracle_fill(int argc, char **argv);
int cmd_oracle_check(int argc, char **argv);
int cmd_ktap(int argc, char **argv);
int cmd_junit(int argc, char **argv);
int cmd_kmsg(int argc, char **argv);

#endif
