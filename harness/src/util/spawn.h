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

/* How a bounded run ended (spawn_logged_within). */
enum spawn_end {
	SPAWN_EXITED,		/* on its own, within the bound */
	SPAWN_KILLED,		/* past the bound: its process group was killed, and it went */
	SPAWN_STUCK,		/* past the bound, and still there GRACE_S after SIGKILL */
};

/*
 * spawn_logged, bounded: the program runs in a process group of its own
 * (with everything it forks); after TIMEOUT_S seconds (0: no bound) the
 * whole group gets SIGKILL and the program GRACE_S more seconds to go.
 * One that does not (a task the kernel holds in an uninterruptible wait,
 * such as I/O that never completes) is left behind, unreaped: *END says
 * SPAWN_STUCK and the return is 128 + SIGKILL, as for SPAWN_KILLED.
 */
int spawn_logged_within(char *const *argv, const char *log_path, const char *cwd,
			unsigned int timeout_s, unsigned int grace_s, enum spawn_end *end);

#endif
