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

/*
 * One pass over [offset, offset + length) of fd a block at a time, with
 * SEED's pattern by region offset: a NULL check writes the pattern, else
 * the bytes read are checked against it.
 */
static int pattern_pass(int fd, uint8_t *block, uint64_t offset, uint64_t length, uint64_t seed,
			struct pattern_check *check)
{
	for (uint64_t done = 0; done < length;) {
		uint64_t left = length - done;
		size_t n = left < ORACLE_BLOCK ? (size_t)left : ORACLE_BLOCK;
		off_t at = (off_t)(offset + done);
		ssize_t moved;

		if (!check)
			pattern_fill(block, n, seed, done, PATTERN_PLAIN);
		moved = check ? pread(fd, block, n, at) : pwrite(fd, block, n, at);
		if (moved <= 0)
			return moved < 0 ? -errno : -EIO;
		if (check)
			pattern_check(block, (size_t)moved, seed, done, PATTERN_PLAIN, check);
		done += (uint64_t)moved;
	}
	return 0;
}

int oracle_fill_file(const char *path, uint64_t seed)
{
	struct stat st;
	uint8_t *block;
	int fd;
	int rc = open_with_block(path, O_WRONLY, &fd, &block, &st);

	if (!rc)
		rc = pattern_pass(fd, block, 0, (uint64_t)st.st_size, seed, NULL);
	/* QEMU maps the file shared: the bytes must be in it, not in a cache of ours. */
	if (!rc && fsync(fd))
		rc = -errno;
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

	if (!rc && (offset > (uint64_t)st.st_size || length > (uint64_t)st.st_size - offset))
		rc = -ERANGE;
	if (!rc)
		rc = pattern_pass(fd, block, offset, length, seed, check);
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
