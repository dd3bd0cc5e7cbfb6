// SPDX-License-Identifier: GPL-2.0
/* The O_DIRECT copy loop: worker threads, one slot each. */
#include "actions/nvme-copy/copy_loop.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the workers of one run share. */
struct shared {
	struct copy_loop *c;
	atomic_uint_fast64_t next;	/* the next block to take */
	atomic_uint_fast64_t done;	/* blocks read and written (or checked) */
	atomic_bool stop;		/* a worker failed: the others stop too */
	pthread_mutex_t lock;		/* the check and the first error */
};

struct worker {
	struct shared *s;
	uint32_t index;
	pthread_t thread;
	uint64_t busy_ns;	/* from its start to its exit */
	uint64_t pattern_ns;	/* of that, filling or checking its slot */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(struct shared *s, int err, const char *what, uint64_t len, uint64_t off)
{
	struct copy_loop *c = s->c;

	pthread_mutex_lock(&s->lock);
	if (!c->error) {
		c->error = err;
		snprintf(c->error_text, sizeof(c->error_text),
			 "%s of %" PRIu64 " bytes at 0x%" PRIx64 ": %s", what, len, off, strerror(err));
	}
	pthread_mutex_unlock(&s->lock);
	atomic_store(&s->stop, true);
}

/* pread/pwrite the whole block; a short transfer is an error (EIO). */
static bool whole(struct shared *s, bool write, int fd, uint8_t *buf, uint64_t off)
{
	uint64_t len = s->c->block;
	ssize_t n = write ? pwrite(fd, buf, len, (off_t)off) : pread(fd, buf, len, (off_t)off);

	if (n == (ssize_t)len)
		return true;
	fail(s, n < 0 ? errno : EIO, write ? "pwrite" : "pread", len, off);
	return false;
}

/* The slot against the pattern, merged into the run's check under the lock. */
static void check_slot(struct shared *s, const uint8_t *slot, uint64_t src)
{
	struct copy_loop *c = s->c;
	struct pattern_check part = { 0 };

	pattern_check(slot, c->block, c->seed, src, PATTERN_PLAIN, &part);
	pthread_mutex_lock(&s->lock);
	pattern_check_merge(&c->check, &part, c->src_offset);
	pthread_mutex_unlock(&s->lock);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t start = now_ns(), t;
	struct shared *s = w->s;
	struct copy_loop *c = s->c;
	uint8_t *slot = c->slots + (uint64_t)w->index * c->block;
	uint64_t n_blocks = c->bytes / c->block;

	while (!atomic_load(&s->stop)) {
		uint64_t i = atomic_fetch_add(&s->next, 1);
		uint64_t src = c->src_offset + i * c->block, dst = c->dst_offset + i * c->block;

		if (i >= n_blocks)
			break;
		if (c->src_fd < 0) {
			t = now_ns();
			pattern_fill(slot, c->block, c->seed, dst, PATTERN_PLAIN);
			w->pattern_ns += now_ns() - t;
		} else if (!whole(s, false, c->src_fd, slot, src))
			break;
		c->slot_block[w->index] = i;
		if (c->dst_fd < 0) {
			t = now_ns();
			check_slot(s, slot, src);
			w->pattern_ns += now_ns() - t;
		} else if (!whole(s, true, c->dst_fd, slot, dst))
			break;
		atomic_fetch_add(&s->done, 1);
	}
	w->busy_ns = now_ns() - start;
	return NULL;
}

int copy_loop_run(struct copy_loop *c)
{
	struct shared s = { .c = c, .lock = PTHREAD_MUTEX_INITIALIZER };
	struct worker *workers = calloc(c->depth, sizeof(*workers));
	uint32_t started = 0;

	if (!workers)
		abort();
	atomic_init(&s.next, 0);
	atomic_init(&s.done, 0);
	atomic_init(&s.stop, false);
	c->error = 0;
	c->error_text[0] = '\0';
	memset(&c->check, 0, sizeof(c->check));
	for (uint32_t i = 0; i < c->depth; i++)
		c->slot_block[i] = COPY_LOOP_NO_BLOCK;
	uint64_t t0 = now_ns();
	for (; started < c->depth; started++) {
		workers[started] = (struct worker){ .s = &s, .index = started };
		int rc = pthread_create(&workers[started].thread, NULL, work, &workers[started]);
		if (rc) {
			fail(&s, rc, "pthread_create", 0, 0);
			break;
		}
	}
	for (uint32_t i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	c->elapsed_ns = now_ns() - t0;
	c->io_ns = 0;
	c->pattern_ns = 0;
	for (uint32_t i = 0; i < started; i++) {
		uint64_t io = workers[i].busy_ns - workers[i].pattern_ns;

		c->io_ns = io > c->io_ns ? io : c->io_ns;
		c->pattern_ns += workers[i].pattern_ns;
	}
	c->blocks_done = atomic_load(&s.done);
	pthread_mutex_destroy(&s.lock);
	free(workers);
	return c->error;
}
