// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_BENCH: the cost of one method's map and unmap calls, timed in the
 * kernel the way kernel/dma/map_benchmark.c times RAM mappings, but on a
 * chunk's memory and through the method's own ops, so each call is the
 * one MAP and UNMAP make.
 *
 * Each of up to P2PRIG_BENCH_MAX_THREADS kthreads maps granule bytes at
 * successive offsets of the chunk and unmaps them at once, timing each
 * call with ktime_get_ns(). Per thread it keeps n, min, max, the sum and
 * the sum of squares (128 bits: the variance is exact, not approximated
 * from the histogram), and a log-linear histogram for the percentiles;
 * they are merged once every thread has finished.
 *
 * The whole run holds p2prig_lock, which its caller took: the chunk and
 * the initiator cannot be revoked meanwhile (an unbind waits for the
 * run), and the run is bounded by P2PRIG_BENCH_MAX_MS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "p2prig.h"

/*
 * Histogram: values below 64 ns exactly, then 64 buckets per power of
 * two, so a bucket's lower bound is within 1/64 of anything in it.
 */
#define P2PRIG_BENCH_SUB_BITS	6
#define P2PRIG_BENCH_SUBS	BIT(P2PRIG_BENCH_SUB_BITS)
#define P2PRIG_BENCH_BUCKETS	\
	(P2PRIG_BENCH_SUBS * (64 - P2PRIG_BENCH_SUB_BITS + 1))

enum { P2PRIG_BENCH_MAP, P2PRIG_BENCH_UNMAP, P2PRIG_BENCH_KINDS };

/*
 * One kind of call of one thread, then of all of them. Counts fit in
 * 32 bits: at most P2PRIG_BENCH_MAX_THREADS * MAX_ITERATIONS calls.
 */
struct p2prig_bench_acc {
	u64 n;
	u64 min;
	u64 max;
	u64 sum;
	u128 sum_sq;
	u32 hist[P2PRIG_BENCH_BUCKETS];
};

struct p2prig_bench;

/**
 * struct p2prig_bench_worker - one timing thread
 * @bench: the run it belongs to
 * @task: its kthread
 * @first: the first of its slots
 * @band: how many slots it goes round: its own, unless there are fewer
 *	slots than threads
 * @map: its own mapping, a copy of the run's with the offset it moves
 * @acc: its figures, by P2PRIG_BENCH_MAP and P2PRIG_BENCH_UNMAP
 */
struct p2prig_bench_worker {
	struct p2prig_bench *bench;
	struct task_struct *task;
	u64 first;
	u64 band;
	struct p2prig_mapping map;
	struct p2prig_bench_acc acc[P2PRIG_BENCH_KINDS];
};

/**
 * struct p2prig_bench - one run
 * @proto: what each call maps: chunk, method, initiator, direction, length
 * @iterations: calls per thread at most
 * @deadline: ktime_get_ns() at which every thread stops
 * @slots: granules in the chunk
 * @stop: a map was refused or the caller was killed: every thread stops
 * @first_error: the first refused map's errno
 * @running: threads still timing
 * @done: woken when @running drops to zero
 */
struct p2prig_bench {
	const struct p2prig_mapping *proto;
	u64 iterations;
	u64 deadline;
	u64 slots;
	bool stop;
	atomic_t first_error;
	atomic_t running;
	wait_queue_head_t done;
};

static unsigned int p2prig_bench_bucket(u64 ns)
{
	unsigned int e;

	if (ns < P2PRIG_BENCH_SUBS)
		return ns;
	e = fls64(ns) - 1;
	return ((e - P2PRIG_BENCH_SUB_BITS + 1) << P2PRIG_BENCH_SUB_BITS) +
	       ((ns >> (e - P2PRIG_BENCH_SUB_BITS)) & (P2PRIG_BENCH_SUBS - 1));
}

/* The smallest value that falls in bucket @b. */
static u64 p2prig_bench_bucket_low(unsigned int b)
{
	unsigned int e;

	if (b < P2PRIG_BENCH_SUBS)
		return b;
	e = (b >> P2PRIG_BENCH_SUB_BITS) + P2PRIG_BENCH_SUB_BITS - 1;
	return (u64)(P2PRIG_BENCH_SUBS + (b & (P2PRIG_BENCH_SUBS - 1)))
		<< (e - P2PRIG_BENCH_SUB_BITS);
}

static void p2prig_bench_add(struct p2prig_bench_acc *acc, u64 ns)
{
	if (!acc->n || ns < acc->min)
		acc->min = ns;
	acc->max = max(acc->max, ns);
	acc->n++;
	acc->sum += ns;
	acc->sum_sq += (u128)ns * ns;
	acc->hist[p2prig_bench_bucket(ns)]++;
}

static void p2prig_bench_merge(struct p2prig_bench_acc *to,
			       const struct p2prig_bench_acc *from)
{
	unsigned int b;

	if (!from->n)
		return;
	if (!to->n || from->min < to->min)
		to->min = from->min;
	to->max = max(to->max, from->max);
	to->n += from->n;
	to->sum += from->sum;
	to->sum_sq += from->sum_sq;
	for (b = 0; b < P2PRIG_BENCH_BUCKETS; b++)
		to->hist[b] += from->hist[b];
}

/* Integer square root by bits: the kernel has none for 128 bits. */
static u64 p2prig_bench_isqrt(u128 x)
{
	u128 bit = (u128)1 << 126, root = 0;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= root + bit) {
			x -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

/* The @pct percentile, clamped so that min <= p50 <= p99 <= max holds. */
static u64 p2prig_bench_percentile(const struct p2prig_bench_acc *acc,
				   unsigned int pct)
{
	u64 rank = max_t(u64, 1, div64_u64(acc->n * pct + 99, 100));
	u64 seen = 0;
	unsigned int b;

	for (b = 0; b < P2PRIG_BENCH_BUCKETS; b++) {
		seen += acc->hist[b];
		if (seen >= rank)
			break;
	}
	return clamp(p2prig_bench_bucket_low(b), acc->min, acc->max);
}

static void p2prig_bench_stats(const struct p2prig_bench_acc *acc,
			       struct p2prig_bench_stats *out)
{
	u128 var_n2;
	u64 root;

	memset(out, 0, sizeof(*out));
	if (!acc->n)
		return;
	out->n = acc->n;
	out->min_ns = acc->min;
	out->max_ns = acc->max;
	out->mean_ns = div64_u64(acc->sum, acc->n);
	/* n^2 times the population variance, never negative. */
	var_n2 = acc->n * acc->sum_sq - (u128)acc->sum * acc->sum;
	root = p2prig_bench_isqrt(var_n2);
	out->stddev_ns = div64_u64(root + acc->n / 2, acc->n);
	out->p50_ns = p2prig_bench_percentile(acc, 50);
	out->p99_ns = p2prig_bench_percentile(acc, 99);
}

/* Time map and unmap until done, then wait to be stopped. */
static int p2prig_bench_thread(void *data)
{
	struct p2prig_bench_worker *w = data;
	struct p2prig_bench *bench = w->bench;
	struct device *dev = bench->proto->init->dev;
	u64 i, rem, t0, t1, t2;
	int ret;

	for (i = 0; i < bench->iterations; i++) {
		if (READ_ONCE(bench->stop) || kthread_should_stop() ||
		    ktime_get_ns() >= bench->deadline)
			break;
		div64_u64_rem(i, w->band, &rem);
		w->map.offset = (w->first + rem) * w->map.length;

		t0 = ktime_get_ns();
		ret = p2prig_route_map(&w->map, dev);
		t1 = ktime_get_ns();
		if (ret) {
			atomic_cmpxchg(&bench->first_error, 0, ret);
			WRITE_ONCE(bench->stop, true);
			break;
		}
		p2prig_route_unmap(&w->map, dev);
		t2 = ktime_get_ns();

		p2prig_bench_add(&w->acc[P2PRIG_BENCH_MAP], t1 - t0);
		p2prig_bench_add(&w->acc[P2PRIG_BENCH_UNMAP], t2 - t1);
		cond_resched();
	}

	if (atomic_dec_and_test(&bench->running))
		wake_up(&bench->done);

	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/**
 * p2prig_bench_check - check MAP_BENCH's run parameters, clear its results
 * @arg: the user's argument; method, initiator, dir and the reserved
 *	fields are the caller's to check, as is granule against the chunk
 *
 * Returns 0 or -EINVAL.
 */
int p2prig_bench_check(struct p2prig_map_bench *arg)
{
	if (arg->granule < SZ_4K || arg->granule > SZ_2M ||
	    !PAGE_ALIGNED(arg->granule))
		return -EINVAL;
	if (!arg->threads || arg->threads > P2PRIG_BENCH_MAX_THREADS)
		return -EINVAL;
	if (!arg->iterations == !arg->duration_ms ||
	    arg->iterations > P2PRIG_BENCH_MAX_ITERATIONS ||
	    arg->duration_ms > P2PRIG_BENCH_MAX_MS)
		return -EINVAL;

	memset(&arg->map, 0, sizeof(arg->map));
	memset(&arg->unmap, 0, sizeof(arg->unmap));
	arg->elapsed_ns = 0;
	arg->first_error = 0;
	arg->interrupted = 0;
	return 0;
}

/* Stop and reap the first @n workers' kthreads. */
static void p2prig_bench_stop(struct p2prig_bench_worker *workers,
			      unsigned int n)
{
	while (n--)
		kthread_stop(workers[n].task);
}

/**
 * p2prig_bench_run - time @arg->threads threads mapping like @proto
 * @proto: chunk, method, initiator, direction and length (the granule),
 *	all checked; offset is ignored
 * @arg: checked by p2prig_bench_check(); its results are filled in
 *
 * Called with p2prig_lock held, which keeps @proto's chunk and initiator.
 * A refused map ends the run with its errno in first_error; a fatal
 * signal ends it with interrupted set. Returns 0, or -ENOMEM and the like
 * when the run could not start.
 */
int p2prig_bench_run(const struct p2prig_mapping *proto,
		     struct p2prig_map_bench *arg)
{
	struct p2prig_bench_worker *workers;
	struct p2prig_bench bench = {
		.proto = proto,
		.slots = div64_u64(proto->chunk->size, proto->length),
		.first_error = ATOMIC_INIT(0),
	};
	struct p2prig_bench_acc *acc;
	unsigned int i, n = arg->threads;
	struct task_struct *task;
	u64 start, band;
	int ret = 0;

	lockdep_assert_held(&p2prig_lock);

	workers = vzalloc(array_size(n, sizeof(*workers)));
	if (!workers)
		return -ENOMEM;
	init_waitqueue_head(&bench.done);
	atomic_set(&bench.running, n);

	/* Disjoint slots per thread where the chunk has enough of them. */
	band = max_t(u64, 1, div64_u64(bench.slots, n));
	for (i = 0; i < n; i++) {
		workers[i].bench = &bench;
		div64_u64_rem(i * band, bench.slots, &workers[i].first);
		workers[i].band = band;
		workers[i].map = *proto;
		task = kthread_create_on_node(p2prig_bench_thread, &workers[i],
					      dev_to_node(proto->init->dev),
					      "p2prig-bench/%u", i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			p2prig_bench_stop(workers, i);
			goto free_workers;
		}
		workers[i].task = task;
	}

	start = ktime_get_ns();
	if (arg->iterations) {
		bench.iterations = arg->iterations;
		bench.deadline = start + (u64)P2PRIG_BENCH_MAX_MS * NSEC_PER_MSEC;
	} else {
		bench.iterations = P2PRIG_BENCH_MAX_ITERATIONS;
		bench.deadline = start + (u64)arg->duration_ms * NSEC_PER_MSEC;
	}
	for (i = 0; i < n; i++)
		wake_up_process(workers[i].task);

	if (wait_event_killable(bench.done, !atomic_read(&bench.running))) {
		WRITE_ONCE(bench.stop, true);
		arg->interrupted = 1;
	}
	p2prig_bench_stop(workers, n);
	arg->elapsed_ns = ktime_get_ns() - start;
	arg->first_error = atomic_read(&bench.first_error);

	/* Every thread is gone: fold the others into the first. */
	for (i = 1; i < n; i++) {
		acc = workers[0].acc;
		p2prig_bench_merge(&acc[P2PRIG_BENCH_MAP],
				   &workers[i].acc[P2PRIG_BENCH_MAP]);
		p2prig_bench_merge(&acc[P2PRIG_BENCH_UNMAP],
				   &workers[i].acc[P2PRIG_BENCH_UNMAP]);
	}
	p2prig_bench_stats(&workers[0].acc[P2PRIG_BENCH_MAP], &arg->map);
	p2prig_bench_stats(&workers[0].acc[P2PRIG_BENCH_UNMAP], &arg->unmap);

free_workers:
	vfree(workers);
	return ret;
}
