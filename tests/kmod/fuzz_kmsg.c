// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log from a point in time: /dev/kmsg opened and moved to its
 * end before the run, read to the end after it. Each record is
 * "prio,seq,time,flags;text", continuation lines start with a space. The
 * words that say the kernel went wrong are those the runner's health
 * watch looks for (harness/src/health.c), and a few more that only a
 * debug kernel prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static const char *const fz_suspect[] = {
	"WARNING:", "BUG:", "Oops", "general protection", "Call Trace",
	"Kernel panic", "kernel BUG", "KASAN", "UBSAN", "refcount_t",
	"list_del corruption", "list_add corruption", "DMAR: [DMA",
	"DMAR: DRHD: handling fault", "AMD-Vi: Event logged",
	"IO_PAGE_FAULT", "INFO: task", "circular locking", "DMA-API",
	"stack-protector", "page allocation failure", "engine retired",
};

bool fz_kmsg_suspect(const char *text)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_suspect); i++) {
		if (strstr(text, fz_suspect[i]))
			return true;
	}
	return false;
}

int fz_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

unsigned int fz_kmsg_scan(int fd, char lines[][FZ_LOG_LEN], unsigned int max)
{
	char rec[8192], *text, *end;
	unsigned int n = 0;
	ssize_t len;

	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		end = strchr(text, '\n');
		if (end)
			*end = '\0';
		if (!fz_kmsg_suspect(text))
			continue;
		if (n < max)
			snprintf(lines[n], FZ_LOG_LEN, "%s", text);
		n++;
	}
	return n;
}
