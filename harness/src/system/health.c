// SPDX-License-Identifier: GPL-2.0
/* Kernel health watch over /dev/kmsg. */
#include "system/health.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "system/kmsg_markers.h"

bool health_text_is_suspect(const char *text)
{
	return kmsg_marker_of(text) != NULL;
}

bool health_line_is_suspect(int prio, const char *text)
{
	return kmsg_suspect(prio, text);
}

bool health_text_is_iommu(const char *text)
{
	return kmsg_iommu_driver(text) != NULL;
}

const char *health_text_checker(const char *text)
{
	const struct kmsg_marker *m = kmsg_marker_of(text);

	return m ? m->checker : NULL;
}

void health_finding_text(const char *text, char *out, size_t size)
{
	const char *checker = health_text_checker(text);

	if (checker)
		snprintf(out, size, "[%s] %s", checker, text);
	else
		snprintf(out, size, "%s", text);
}

bool health_text_is_allowed(const char *text, const struct scenario_allow *allows,
			    size_t n_allows)
{
	for (size_t i = 0; i < n_allows; i++)
		if (regexec(&allows[i].regex, text, 0, NULL, 0) == 0)
			return true;
	return false;
}

bool health_record_read(const char *record, size_t len, struct health_record *r, char *out,
			size_t size)
{
	struct kmsg_record k;
	size_t n;

	if (size == 0 || !kmsg_record_parse(record, len, &k))
		return false;
	r->prio = k.prio;
	r->seq = k.seq;
	r->usec = k.usec;
	n = k.text_len < size ? k.text_len : size - 1;
	memcpy(out, k.text, n);
	out[n] = '\0';
	return true;
}

bool health_record_text(const char *record, size_t len, char *out, size_t size)
{
	struct health_record r;

	return health_record_read(record, len, &r, out, size);
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
	w->next_seq = 0;
	w->lost = 0;
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
	char record[8192 + 1], text[8192], finding[8192 + 32];
	unsigned long long lost = 0;
	struct health_record r;

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
		if (!health_record_read(record, (size_t)n, &r, text, sizeof(text)))
			continue;
		/* The first record read is the marker health_open() wrote, or one before it. */
		if (w->next_seq && r.seq > w->next_seq)
			lost += r.seq - w->next_seq;
		w->next_seq = r.seq + 1;
		if (!health_line_is_suspect(r.prio, text) ||
		    health_text_is_allowed(text, allows, n_allows))
			continue;
		health_finding_text(text, finding, sizeof(finding));
		strlist_add(found, finding);
	}
	if (lost) {
		w->lost += lost;
		snprintf(finding, sizeof(finding),
			 "%s%llu record%s before the health watch read %s: what %s said is unknown",
			 HEALTH_LOST_RECORDS, lost, lost == 1 ? "" : "s", lost == 1 ? "it" : "them",
			 lost == 1 ? "it" : "they");
		strlist_add(found, finding);
	}
}

void health_close(struct health_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
