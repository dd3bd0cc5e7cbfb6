// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig kmsg: the kernel log by its records' sequence numbers, for lab
 * mode (harness/lib/lab.sh). A line count of `dmesg` cannot say where a
 * run began once the log buffer wrapped; a sequence number can, and can
 * say when the records from it on are gone.
 *
 *   p2prig kmsg --next [--path FILE]
 *	the sequence number the next record will get
 *   p2prig kmsg --since SEQ [--path FILE]
 *	the records numbered SEQ and on, as `dmesg -r` prints them
 *	("<PRIO>[SECONDS.MICROS] TEXT"); when some of them were overwritten
 *	before they could be read, a line saying which comes first
 *	(HEALTH_LOST_RECORDS..., which scan-log counts as a finding), and
 *	the exit code is 3
 *
 * FILE is /dev/kmsg unless given (a file of records, for the tests).
 * Exit: 0, 2 usage or the log cannot be read, 3 records were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "system/health.h"
#include "system/kmsg_markers.h"

struct kmsg_reader {
	int fd;
	char buf[16384];	/* /dev/kmsg gives a record per read, a file many */
	size_t used;
	bool eof;
};

/*
 * The next record's header-and-text line in @line (dictionary lines, which
 * start with a space, are skipped). False at the end of what can be read
 * now. A record the kernel overwrote while we read (EPIPE) is skipped: the
 * sequence numbers show the gap.
 */
static bool kmsg_next_line(struct kmsg_reader *r, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(r->buf, '\n', r->used);

		if (nl) {
			size_t len = (size_t)(nl - r->buf), n = len < size ? len : size - 1;
			bool dict = r->buf[0] == ' ';

			memcpy(line, r->buf, n);
			line[n] = '\0';
			memmove(r->buf, nl + 1, r->used - len - 1);
			r->used -= len + 1;
			if (dict)
				continue;
			return true;
		}
		if (r->eof || r->used == sizeof(r->buf))
			return false;
		ssize_t got = read(r->fd, r->buf + r->used, sizeof(r->buf) - r->used);
		if (got < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (got <= 0) {
			r->eof = true;	/* EAGAIN: the kernel has nothing more for now */
			continue;
		}
		r->used += (size_t)got;
	}
}

static int kmsg_usage(void)
{
	fprintf(stderr, "usage: p2prig kmsg --next [--path FILE]\n"
			"       p2prig kmsg --since SEQ [--path FILE]\n");
	return 2;
}

int cmd_kmsg(int argc, char **argv)
{
	const char *path = HEALTH_KMSG_PATH, *since_arg = NULL;
	bool next = false;
	struct kmsg_reader *r;
	struct kmsg_record rec;
	char line[8192 + 128], *end;
	unsigned long long since = 0, want, last = 0, lost;
	bool any = false;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--next"))
			next = true;
		else if (!strcmp(argv[i], "--since") && i + 1 < argc)
			since_arg = argv[++i];
		else if (!strcmp(argv[i], "--path") && i + 1 < argc)
			path = argv[++i];
		else
			return kmsg_usage();
	}
	if (next == !!since_arg)
		return kmsg_usage();
	if (since_arg) {
		errno = 0;
		since = strtoull(since_arg, &end, 10);
		if (errno || end == since_arg || *end || since_arg[0] == '-') {
			fprintf(stderr, "p2prig kmsg: --since %s: not a sequence number\n", since_arg);
			return 2;
		}
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return 2;
	r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0) {
		fprintf(stderr, "p2prig kmsg: cannot read %s: %s\n", path, strerror(errno));
		free(r);
		return 2;
	}
	want = since;
	while (kmsg_next_line(r, line, sizeof(line))) {
		if (!kmsg_record_parse(line, strlen(line), &rec))
			continue;
		any = true;
		last = rec.seq;
		if (next || rec.seq < want)
			continue;
		if (rec.seq > want) {
			/* Overwritten before anyone read them. */
			lost = rec.seq - want;
			rc = 3;
			printf("%s%llu record%s (numbers %llu to %llu) before they were read: "
			       "what %s said is unknown (a larger log_buf_len keeps them)\n",
			       HEALTH_LOST_RECORDS, lost, lost == 1 ? "" : "s", want, rec.seq - 1,
			       lost == 1 ? "it" : "they");
		}
		want = rec.seq + 1;
		printf("<%d>[%5llu.%06llu] %.*s\n", rec.prio, rec.usec / 1000000,
		       rec.usec % 1000000, (int)rec.text_len, rec.text);
	}
	close(r->fd);
	free(r);
	if (next)
		printf("%llu\n", any ? last + 1 : 0);
	return rc;
}
