// SPDX-License-Identifier: GPL-2.0
/* The host oracle's two file operations, a block at a time. */
#include "oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORACLE_BLOCK (1u << 20)

int oracle_fill_file(const char *path, uint64_t seed)
{
	struct stat st;
	uint8_t *block = malloc(ORACLE_BLOCK);
	int fd = open(path, O_WRONLY);
	int rc = 0;

	if (!block || fd < 0 || fstat(fd, &st)) {
		rc = !block ? -ENOMEM : -errno;
		goto out;
	}
	for (uint64_t at = 0; at < (uint64_t)st.st_size && !rc;) {
		uint64_t left = (uint64_t)st.st_size - at;
		size_t n = left < ORACLE_BLOCK ? (size_t)left : ORACLE_BLOCK;

		pattern_fill(block, n, seed, at, PATTERN_PLAIN);
		ssize_t wrote = pwrite(fd, block, n, (off_t)at);
		if (wrote <= 0)
			rc = wrote < 0 ? -errno : -EIO;
		else
			at += (uint64_t)wrote;
	}
	/* QEMU maps the file shared: the bytes must be in it, not in a cache of ours. */
	if (!rc && fsync(fd))
		rc = -errno;
out:
	if (fd >= 0 && close(fd) && !rc)
		rc = -errno;
	free(block);
	return rc;
}

int oracle_check_file(const char *path, uint64_t offset, uint64_t length, uint64_t seed,
		      struct pattern_check *check)
{
	struct stat st;
	uint8_t *block = malloc(ORACLE_BLOCK);
	int fd = open(path, O_RDONLY);
	int rc = 0;

	if (!block || fd < 0 || fstat(fd, &st)) {
		rc = !block ? -ENOMEM : -errno;
		goto out;
	}
	if (offset > (uint64_t)st.st_size || length > (uint64_t)st.st_size - offset) {
		rc = -ERANGE;
		goto out;
	}
	for (uint64_t done = 0; done < length && !rc;) {
		uint64_t left = length - done;
		size_t n = left < ORACLE_BLOCK ? (size_t)left : ORACLE_BLOCK;
		ssize_t got = pread(fd, block, n, (off_t)(offset + done));
		if (got <= 0) {
			rc = got < 0 ? -errno : -EIO;
			break;
		}
		pattern_check(block, (size_t)got, seed, done, PATTERN_PLAIN, check);
		done += (uint64_t)got;
	}
out:
	if (fd >= 0)
		close(fd);
	free(block);
	return rc;
}
