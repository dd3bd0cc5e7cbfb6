// SPDX-License-Identifier: GPL-2.0
/* The run's own tracefs instance, through libtracefs. */
#include "system/trace_instance.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

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

/* libtracefs returns -1 with errno set (most calls) or a negative errno. */
static int failed(int rc)
{
	if (rc >= 0)
		return 0;
	return rc < -1 ? rc : errno ? -errno : -EIO;
}

static int count_missed(struct tep_event *event, struct tep_record *record, int cpu, void *data)
{
	struct trace_instance *t = data;

	(void)event;
	(void)cpu;
	t->lost += record->missed_events > 0 ? (size_t)record->missed_events : 1;
	return 0;
}

/*
 * A run stopped by a signal (Ctrl-C, a job killed) removes its instance on
 * the way out: left behind, its dma events would go on recording every map
 * the machine makes. The handler only calls rmdir, async-signal-safe (the
 * kernel turns the instance's events off as it goes), then lets the signal
 * do what it would have done. One instance at a time is covered: the steps
 * open theirs one after the other.
 */
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction saved[N_FATAL];
static bool caught[N_FATAL];
static char doomed[PATH_MAX];
static const struct trace_instance *armed_for;
static volatile sig_atomic_t armed;

static void remove_on_signal(int sig)
{
	if (armed)
		rmdir(doomed);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void arm(const struct trace_instance *t)
{
	struct sigaction sa = { .sa_handler = remove_on_signal };
	char *dir;

	if (armed_for)
		return;
	dir = tracefs_instance_get_dir(t->instance);
	if (!dir)
		return;
	snprintf(doomed, sizeof(doomed), "%s", dir);
	tracefs_put_tracing_file(dir);
	sigemptyset(&sa.sa_mask);
	armed_for = t;
	armed = 1;
	for (size_t i = 0; i < N_FATAL; i++) {
		/* A signal the run was told to ignore (nohup) stays ignored. */
		caught[i] = sigaction(fatal_signals[i], NULL, &saved[i]) == 0 &&
			    saved[i].sa_handler != SIG_IGN &&
			    sigaction(fatal_signals[i], &sa, NULL) == 0;
	}
}

static void disarm(const struct trace_instance *t)
{
	if (armed_for != t)
		return;
	for (size_t i = 0; i < N_FATAL; i++)
		if (caught[i])
			sigaction(fatal_signals[i], &saved[i], NULL);
	armed = 0;
	armed_for = NULL;
}

int trace_instance_open(struct trace_instance *t)
{
	static unsigned int serial;
	static const char *const systems[] = { "dma", NULL };

	memset(t, 0, sizeof(*t));
	if (!tracefs_tracing_dir())
		return -ENOENT;
	/* A name no other run has: a leftover of a run killed with this pid is left alone. */
	for (int tries = 0; tries < 16 && !t->instance; tries++) {
		snprintf(t->name, sizeof(t->name), "p2prig-%ld-%u", (long)getpid(), serial++);
		if (tracefs_instance_exists(t->name))
			continue;
		t->instance = tracefs_instance_create(t->name);
		if (!t->instance)
			return failed(-1);
		if (!tracefs_instance_is_new(t->instance)) {
			tracefs_instance_free(t->instance);
			t->instance = NULL;
		}
	}
	if (!t->instance)
		return -EEXIST;
	arm(t);
	t->tep = tracefs_local_events_system(NULL, systems);
	if (!t->tep) {
		int rc = failed(-1);

		trace_instance_close(t);
		return rc;
	}
	/* Gaps the ring buffer reports while the events are read. */
	if (tracefs_follow_missed_events(t->instance, count_missed, t)) {
		int rc = failed(-1);

		trace_instance_close(t);
		return rc;
	}
	return 0;
}

void trace_instance_close(struct trace_instance *t)
{
	if (t->instance) {
		tracefs_instance_destroy(t->instance);
		disarm(t);
		tracefs_instance_free(t->instance);
		t->instance = NULL;
	}
	if (t->tep) {
		tep_free(t->tep);
		t->tep = NULL;
	}
}

bool trace_instance_has_dma_event(const struct trace_instance *t, const char *name)
{
	return tracefs_event_file_exists(t->instance, "dma", name, "enable");
}

int trace_instance_enable(const struct trace_instance *t, const struct dma_event_set *set, bool on)
{
	int first = 0;

	for (size_t i = 0; i < set->n; i++) {
		int rc = failed(on ? tracefs_event_enable(t->instance, "dma", set->names[i])
				   : tracefs_event_disable(t->instance, "dma", set->names[i]));

		if (rc && !first)
			first = rc;
	}
	return first;
}

int trace_instance_tracing(const struct trace_instance *t, bool on)
{
	return failed(on ? tracefs_trace_on(t->instance) : tracefs_trace_off(t->instance));
}

int trace_instance_buffer_kb(const struct trace_instance *t, unsigned long kb)
{
	ssize_t now = tracefs_instance_get_buffer_size(t->instance, 0);

	if (now >= 0 && (unsigned long)now >= kb)
		return 0;
	return failed(tracefs_instance_set_buffer_size(t->instance, kb, -1));
}

int trace_instance_clear(const struct trace_instance *t)
{
	return failed(tracefs_instance_file_clear(t->instance, "trace"));
}

struct reading {
	int (*each)(struct tep_event *event, struct tep_record *record, void *data);
	void *data;
};

static int one(struct tep_event *event, struct tep_record *record, int cpu, void *data)
{
	struct reading *r = data;

	(void)cpu;
	return r->each(event, record, r->data);
}

int trace_instance_read(struct trace_instance *t,
			int (*each)(struct tep_event *event, struct tep_record *record, void *data),
			void *data, size_t *lost)
{
	struct reading r = { .each = each, .data = data };
	t->lost = 0;
	/* The task names of the text copy (saved_cmdlines is only read). */
	tracefs_load_cmdlines(NULL, t->tep);
	int rc = failed(tracefs_iterate_raw_events(t->tep, t->instance, NULL, 0, one, &r));
	*lost = t->lost;
	return rc;
}

char *trace_instance_text(const struct trace_instance *t)
{
	int size = 0;

	errno = 0;
	char *text = tracefs_instance_file_read(t->instance, "trace", &size);

	if (!text && !errno)
		errno = EIO;
	return text;
}
