// SPDX-License-Identifier: GPL-2.0
/* One program to its end, its output in a log, its exec failure told back. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int spawn_logged(char *const *argv, const char *log_path, const char *cwd)
{
	int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int status, ready[2], exec_errno = 0;
	pid_t pid;

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
	close(ready[1]);
	close(log);
	ssize_t n = read(ready[0], &exec_errno, sizeof(exec_errno));
	close(ready[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (n == (ssize_t)sizeof(exec_errno))
		return -exec_errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
