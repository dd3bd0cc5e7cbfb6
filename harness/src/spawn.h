/* SPDX-License-Identifier: GPL-2.0 */
/* Running one program to its end with its output in a log. */
#ifndef P2PRIG_SPAWN_H
#define P2PRIG_SPAWN_H

/*
 * Runs ARGV (argv[0] looked up in PATH unless it has a slash) with stdout
 * and stderr in LOG_PATH (truncated), in CWD unless NULL, and waits for
 * it. Returns its exit status (128 + signal when killed), or -errno when
 * it could not be started: the child tells the parent why exec failed.
 */
int spawn_logged(char *const *argv, const char *log_path, const char *cwd);

#endif
