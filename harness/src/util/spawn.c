// SPDX-License-Identifier: GPL-2.0
/* One program to its end, its output in a log, its exec failure told back. */
#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits up to MS milliseconds (negative: for ever) for PID to end; true
 * with its status when it did. A pidfd (Linux 5.3) wakes at its end; without
 * one, a poll every 200 ms.
 */
static bool wait_for(pid_t pid, int pidfd, int64_t ms, int *status)
{
	int64_t deadline = ms < 0 ? -1 : now_ms() + ms;

	for (;;) {
		pid_t got = waitpid(pid, status, ms < 0 ? 0 : WNOHANG);

		if (got == pid)
			return true;
		if (got < 0 && errno != EINTR)
			return false;
		if (ms < 0)
			continue;
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return false;
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };

			poll(&p, 1, (int)(left > 200000 ? 200000 : left));
		} else {
			struct timespec nap = { 0, (left > 200 ? 200 : left) * 1000000L };

			nanosleep(&nap, NULL);
		}
	}
}

int spawn_logged_within(char *const *argv, const char *log_path, const char *cwd,
			unsigned int timeout_s, unsigned int grace_s, enum spawn_end *end)
{
	int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int status, ready[2], exec_errno = 0, pidfd = -1;
	pid_t pid;

	*end = SPAWN_EXITED;
	if (log < 0)
		return -errno;
	if (pipe2(ready, O_CLOEXEC)) {
		int err = errno;
		close(log);
		return -err;
	}
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(log);
		close(ready[0]);
		close(ready[1]);
		return -err;
	}
	if (pid == 0) {
		/* A group of its own, so that a kill takes what it forked too. */
		if (timeout_s)
			setpgid(0, 0);
		dup2(log, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		if (!cwd || chdir(cwd) == 0)
			execvp(argv[0], argv);
		exec_errno = errno;
		/* The parent learns why exec failed through the pipe. */
		if (write(ready[1], &exec_errno, sizeof(exec_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	if (timeout_s)
		setpgid(pid, pid);	/* either side may run first */
	close(ready[1]);
	close(log);
	ssize_t n = read(ready[0], &exec_errno, sizeof(exec_errno));
	close(ready[0]);
	if (n == (ssize_t)sizeof(exec_errno)) {
		waitpid(pid, &status, 0);
		return -exec_errno;
	}
#ifdef SYS_pidfd_open
	if (timeout_s)
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	if (!wait_for(pid, pidfd, timeout_s ? (int64_t)timeout_s * 1000 : -1, &status)) {
		int err = errno;

		if (!timeout_s) {
			if (pidfd >= 0)
				close(pidfd);
			return -err;
		}
		kill(-pid, SIGKILL);
		*end = wait_for(pid, pidfd, (int64_t)grace_s * 1000, &status) ? SPAWN_KILLED
									    : SPAWN_STUCK;
		if (pidfd >= 0)
			close(pidfd);
		return 128 + SIGKILL;
	}
	if (pidfd >= 0)
		close(pidfd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int spawn_logged(char *const *argv, const char *log_path, const char *cwd)
{
	enum spawn_end end;

	return spawn_logged_within(argv, log_path, cwd, 0, 0, &end);
}
