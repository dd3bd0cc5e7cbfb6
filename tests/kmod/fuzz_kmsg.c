// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log from a point in time: /dev/kmsg opened and moved to its
 * end before the run, read to the end after it. Each record is
 * "prio,seq,time,flags;text", continuation lines start with a space. A
 * line is suspect by the runner's own rules, one list for both
 * (harness/src/system/kmsg_markers.h: the markers, and the priority for IOMMU
 * drivers' errors and anything at crit or worse), or when the module
 * retired its edu engine, which no fuzzed call may make it do.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "system/kmsg_markers.h"

bool fz_kmsg_suspect(int prio, const char *text)
{
	return kmsg_suspect(prio, text) || strstr(text, "engine retired");
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
	struct kmsg_record r;
	char rec[8192], text[8192];
	unsigned int n = 0;
	ssize_t len;
	size_t cut;

	for (;;) {
		len = read(fd, rec, sizeof(rec));
		if (len < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (len <= 0)
			break;
		if (!kmsg_record_parse(rec, (size_t)len, &r))
			continue;
		cut = r.text_len < sizeof(text) ? r.text_len : sizeof(text) - 1;
		memcpy(text, r.text, cut);
		text[cut] = '\0';
		if (!fz_kmsg_suspect(r.prio, text))
			continue;
		if (n < max)
			snprintf(lines[n], FZ_LOG_LEN, "%.*s", FZ_LOG_LEN - 1, text);
		n++;
	}
	return n;
}
