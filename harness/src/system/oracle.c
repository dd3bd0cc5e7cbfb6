// SPDX-License-Identifier: GPL-2.0
/* The host oracle's two file operations, a block at a time. */
#include "system/oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORACLE_BLOCK (1u << 20)

/* PATH opened with FLAGS, its size in st, and a block buffer; the caller frees both. */
static int open_with_block(const char *path, int flags, int *fd, uint8_t **block,
			   struct stat *st)
{
	*block = malloc(ORACLE_BLOCK);
	*fd = open(path, flags);
	if (!*block)
		return -ENOMEM;
	if (*fd < 0 || fstat(*fd, st))
		return -errno;
	return 0;
}

int oracle_fill_file(const char *path, uint64_t seed)
{
	struct stat st;
	uint8_t *block;
	int fd;
	int rc = open_with_block(path, O_WRONLY, &fd, &block, &st);

	if (rc)
		goto out;
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
	uint8_t *block;
	int fd;
	int rc = open_with_block(path, O_RDONLY, &fd, &block, &st);

	if (rc)
		goto out;
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

/* Reads exactly n bytes at offset, or fails: a short file is -ERANGE. */
static int read_exact(int fd, uint8_t *buf, size_t n, uint64_t offset)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(offset + got));

		if (r < 0)
			return -errno;
		if (r == 0)
			return -ERANGE;
		got += (size_t)r;
	}
	return 0;
}

int oracle_compare_files(const char *path_a, uint64_t offset_a, const char *path_b,
			 uint64_t offset_b, uint64_t length, struct pattern_check *check)
{
	uint8_t *a = malloc(ORACLE_BLOCK), *b = malloc(ORACLE_BLOCK);
	int fd_a = open(path_a, O_RDONLY), fd_b = open(path_b, O_RDONLY);
	int rc = 0;

	if (!a || !b)
		rc = -ENOMEM;
	else if (fd_a < 0 || fd_b < 0)
		rc = -errno;
	for (uint64_t done = 0; done < length && !rc; done += ORACLE_BLOCK) {
		uint64_t left = length - done;
		size_t n = left < ORACLE_BLOCK ? (size_t)left : ORACLE_BLOCK;

		rc = read_exact(fd_a, a, n, offset_a + done);
		if (!rc)
			rc = read_exact(fd_b, b, n, offset_b + done);
		for (size_t i = 0; i < n && !rc; i++) {
			if (a[i] == b[i])
				continue;
			if (!check->has_mismatch) {
				check->has_mismatch = true;
				check->first_mismatch = done + i;
			}
			check->mismatched_bytes++;
		}
	}
	if (fd_a >= 0)
		close(fd_a);
	if (fd_b >= 0)
		close(fd_b);
	free(a);
	free(b);
	return rc;
}
