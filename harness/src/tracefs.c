// SPDX-License-Identifier: GPL-2.0
/* tracefs files: events/dma/NAME/enable, tracing_on, buffer_size_kb, trace. */
#include "tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

bool dma_event_set_choose(bool (*exists)(const char *name, void *data), void *data,
			  struct dma_event_set *out)
{
	static const char *const phys[] = { "dma_map_phys", "dma_unmap_phys" };
	static const char *const older[] = { "dma_map_page", "dma_unmap_page", "dma_map_resource",
					     "dma_unmap_resource" };
	static const char *const sg[] = { "dma_map_sg", "dma_unmap_sg" };

	memset(out, 0, sizeof(*out));
	out->phys = exists(phys[0], data) && exists(phys[1], data);
	if (out->phys) {
		out->names[out->n++] = phys[0];
		out->names[out->n++] = phys[1];
	} else {
		for (size_t i = 0; i < 4; i++)
			if (exists(older[i], data))
				out->names[out->n++] = older[i];
	}
	if (out->n == 0)
		return false;
	if (exists(sg[0], data) && exists(sg[1], data)) {
		out->names[out->n++] = sg[0];
		out->names[out->n++] = sg[1];
	}
	return true;
}

void dma_event_set_text(const struct dma_event_set *set, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "",
					 set->names[i]);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int tracefs_open(struct tracefs *t)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char events[96];

	for (size_t i = 0; i < 2; i++) {
		snprintf(events, sizeof(events), "%s/events", roots[i]);
		if (is_dir(events)) {
			snprintf(t->root, sizeof(t->root), "%s", roots[i]);
			return 0;
		}
	}
	/* Not mounted yet (a minimal guest): the kernel's own mount point. */
	if (is_dir(roots[0]) && mount("nodev", roots[0], "tracefs", 0, NULL) == 0) {
		snprintf(t->root, sizeof(t->root), "%s", roots[0]);
		return 0;
	}
	return -ENOENT;
}

static int write_file(const struct tracefs *t, const char *rel, const char *text, bool truncate)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	int fd = open(path, O_WRONLY | (truncate ? O_TRUNC : 0));
	if (fd < 0)
		return -errno;
	ssize_t len = (ssize_t)strlen(text);
	int rc = write(fd, text, (size_t)len) == len ? 0 : -errno;
	close(fd);
	return rc;
}

bool tracefs_has_dma_event(const struct tracefs *t, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/events/dma/%s/enable", t->root, name);
	return access(path, W_OK) == 0;
}

int tracefs_enable_dma_events(const struct tracefs *t, const struct dma_event_set *set, bool on)
{
	int first = 0;

	for (size_t i = 0; i < set->n; i++) {
		char rel[96];
		snprintf(rel, sizeof(rel), "events/dma/%s/enable", set->names[i]);
		int rc = write_file(t, rel, on ? "1" : "0", false);
		if (rc && !first)
			first = rc;
	}
	return first;
}

int tracefs_set_tracing(const struct tracefs *t, bool on)
{
	return write_file(t, "tracing_on", on ? "1" : "0", false);
}

int tracefs_ensure_buffer_kb(const struct tracefs *t, unsigned long kb)
{
	char path[160], now[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/buffer_size_kb", t->root);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	/* "1408" or, before the buffer is first used, "7 (expanded: 1408)". */
	bool read_ok = fgets(now, sizeof(now), f) != NULL;
	fclose(f);
	if (read_ok && !strstr(now, "expanded") && strtoul(now, NULL, 10) >= kb)
		return 0;
	snprintf(now, sizeof(now), "%lu", kb);
	return write_file(t, "buffer_size_kb", now, false);
}

int tracefs_clear(const struct tracefs *t)
{
	return write_file(t, "trace", "", true);
}

char *tracefs_read(const struct tracefs *t)
{
	char path[160];
	size_t used = 0, cap = 1 << 16;
	char *buf = malloc(cap);

	snprintf(path, sizeof(path), "%s/trace", t->root);
	FILE *f = fopen(path, "r");
	if (!f || !buf) {
		int saved = errno;
		free(buf);
		if (f)
			fclose(f);
		errno = saved;
		return NULL;
	}
	for (;;) {
		if (cap - used < 4096) {
			char *grown = realloc(buf, cap * 2);
			if (!grown)
				abort();
			buf = grown;
			cap *= 2;
		}
		size_t got = fread(buf + used, 1, cap - used - 1, f);
		used += got;
		if (got == 0)
			break;
	}
	buf[used] = '\0';
	fclose(f);
	return buf;
}
