// SPDX-License-Identifier: GPL-2.0
/* Kernel health watch over /dev/kmsg. */
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct health_marker {
	const char *text;
	const char *checker;	/* the debug checker whose report it starts; NULL: none */
};

/*
 * What the kernel prints when something went wrong with it or a DMA. The
 * debug checkers' reports come first, so that a line is named after its
 * checker; most of them start with WARNING: or BUG: too.
 */
static const struct health_marker suspect_markers[] = {
	/* dma-debug (CONFIG_DMA_API_DEBUG): every error, see health_checker_notes. */
	{ "DMA-API: ", "dma-debug" },
	{ "BUG: KASAN:", "KASAN" },
	/* lockdep (PROVE_LOCKING, PROVE_RCU) */
	{ "possible circular locking dependency", "lockdep" },
	{ "inconsistent lock state", "lockdep" },
	{ "possible recursive locking", "lockdep" },
	{ "possible irq lock inversion dependency", "lockdep" },
	{ "-unsafe lock order detected", "lockdep" },
	{ "bad unlock balance detected", "lockdep" },
	{ "held lock freed", "lockdep" },
	{ "still has locks held", "lockdep" },
	{ "lock held when returning to user space", "lockdep" },
	{ "Nested lock was not taken", "lockdep" },
	{ "suspicious RCU usage", "lockdep" },
	/* DEBUG_ATOMIC_SLEEP, and the scheduler's own check */
	{ "sleeping function called from invalid context", "atomic-sleep" },
	{ "scheduling while atomic", "atomic-sleep" },
	{ "UBSAN:", "UBSAN" },
	/* The scan's summary; the leaks themselves are in its debugfs file. */
	{ "new suspected memory leak", "kmemleak" },
	{ "WARNING:", NULL },
	{ "BUG:", NULL },
	{ "Oops", NULL },
	{ "general protection fault", NULL },
	{ "DMAR: [DMA", NULL },
	{ "DMAR: DRHD: handling fault", NULL },
	{ "AMD-Vi: Event logged", NULL },
	{ "IO_PAGE_FAULT", NULL },
	{ "Call Trace", NULL },
	{ "Kernel panic", NULL },
	/* Storage I/O that never completed, or failed: a p2p DMA that went nowhere. */
	{ "timeout, aborting", NULL },
	{ "timeout, reset controller", NULL },
	{ "I/O error, dev ", NULL },
};

/*
 * What dma-debug says about itself (at boot, when its pool grows, when
 * its driver filter changes), and the allocation stack it prints after an
 * error's report: none of it is an error.
 */
static const char *const health_checker_notes[] = {
	"DMA-API: preallocated ",
	"DMA-API: debugging enabled by kernel config",
	"DMA-API: debugging disabled on kernel command line",
	"DMA-API: dma_debug_entry pool grown to",
	"DMA-API: enable driver filter for driver",
	"DMA-API: switching off dma-debug driver filter",
	"DMA-API: Mapped at:",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The marker @text starts with, NULL if none (or only a checker's note). */
static const struct health_marker *health_marker_of(const char *text)
{
	for (size_t i = 0; i < ARRAY_LEN(health_checker_notes); i++)
		if (strstr(text, health_checker_notes[i]))
			return NULL;
	for (size_t i = 0; i < ARRAY_LEN(suspect_markers); i++)
		if (strstr(text, suspect_markers[i].text))
			return &suspect_markers[i];
	return NULL;
}

bool health_text_is_suspect(const char *text)
{
	return health_marker_of(text) != NULL;
}

const char *health_text_checker(const char *text)
{
	const struct health_marker *m = health_marker_of(text);

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
	char record[8192 + 1], text[8192], finding[8192 + 32];

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
		if (!health_text_is_suspect(text) || health_text_is_allowed(text, allows, n_allows))
			continue;
		health_finding_text(text, finding, sizeof(finding));
		strlist_add(found, finding);
	}
}

void health_close(struct health_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
