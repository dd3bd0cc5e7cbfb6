// SPDX-License-Identifier: GPL-2.0
/* Kernel health watch over /dev/kmsg. */
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What the kernel prints when something went wrong with it or a DMA. */
static const char *const suspect_markers[] = {
	"WARNING:",
	"BUG:",
	"Oops",
	"general protection fault",
	"DMAR: [DMA",
	"DMAR: DRHD: handling fault",
	"AMD-Vi: Event logged",
	"IO_PAGE_FAULT",
	"Call Trace",
	"Kernel panic",
	/* Storage I/O that never completed, or failed: a p2p DMA that went nowhere. */
	"timeout, aborting",
	"timeout, reset controller",
	"I/O error, dev ",
};

bool health_text_is_suspect(const char *text)
{
	for (size_t i = 0; i < sizeof(suspect_markers) / sizeof(suspect_markers[0]); i++)
		if (strstr(text, suspect_markers[i]))
			return true;
	return false;
}

bool health_text_is_allowed(const char *text, const struct scenario_allow *allows,
			    size_t n_allows)
{
	for (size_t i = 0; i < n_allows; i++)
		if (regexec(&allows[i].regex, text, 0, NULL, 0) == 0)
			return true;
	return false;
}

bool health_record_text(const char *record, size_t len, char *out, size_t size)
{
	const char *semi = memchr(record, ';', len);

	if (!semi || size == 0)
		return false;
	const char *text = semi + 1;
	const char *end = memchr(text, '\n', len - (size_t)(text - record));
	size_t n = end ? (size_t)(end - text) : len - (size_t)(text - record);
	if (n >= size)
		n = size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	return true;
}

void health_mark(const char *kmsg_path, const char *text)
{
	int fd = open(kmsg_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* Best effort: the marker helps a reader, the watch works without it. */
	ssize_t written = write(fd, text, strlen(text));
	(void)written;
	close(fd);
}

bool health_open(struct health_watch *w, const char *kmsg_path, const char *scenario_name)
{
	char marker[160];

	w->why[0] = '\0';
	w->fd = open(kmsg_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		snprintf(w->why, sizeof(w->why), "cannot read %s (%s)", kmsg_path, strerror(errno));
		return false;
	}
	if (lseek(w->fd, 0, SEEK_END) < 0) {
		snprintf(w->why, sizeof(w->why), "cannot seek to the end of %s (%s)", kmsg_path,
			 strerror(errno));
		close(w->fd);
		w->fd = -1;
		return false;
	}
	snprintf(marker, sizeof(marker), "p2prig: begin scenario %s\n", scenario_name);
	health_mark(kmsg_path, marker);
	return true;
}

void health_poll(struct health_watch *w, const struct scenario_allow *allows, size_t n_allows,
		 struct strlist *found)
{
	/* One record per read; the kernel refuses buffers smaller than a record. */
	char record[8192 + 1], text[8192];

	if (w->fd < 0)
		return;
	for (;;) {
		ssize_t n = read(w->fd, record, sizeof(record) - 1);
		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;	/* EPIPE: older records were overwritten */
			break;			/* EAGAIN: nothing more for now */
		}
		if (n == 0)
			break;
		if (!health_record_text(record, (size_t)n, text, sizeof(text)))
			continue;
		if (health_text_is_suspect(text) && !health_text_is_allowed(text, allows, n_allows))
			strlist_add(found, text);
	}
}

void health_close(struct health_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
