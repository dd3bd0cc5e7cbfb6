// SPDX-License-Identifier: GPL-2.0
/*
 * What the fuzzer counts and which answers it accepts.
 *
 * Each ioctl's set of outcomes is read from the uAPI header's contract and
 * from the module's code (kmod/main.c and the files it calls): success,
 * plus the errnos each path can return. -EINTR is left out: it needs a
 * signal, and the fuzzer sends none. An answer outside its ioctl's set is
 * "undefined"; an answer in the set that this input cannot have (success
 * for a reserved field set, -EINVAL for an unreadable argument) is
 * "unexpected". Both fail the run.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "fuzz.h"

/* An op is named by its ioctl: P2PRIG_IOC_INFO is "INFO". */
#define FZ_OP_NAME(kind)	\
	[FZ_##kind] = #kind

static const char *const fz_op_names[FZ_NR_OPS] = {
	FZ_OP_NAME(INFO),
	FZ_OP_NAME(CHUNK_ALLOC),
	FZ_OP_NAME(CHUNK_FREE),
	FZ_OP_NAME(CHUNK_IO),
	FZ_OP_NAME(MAP),
	FZ_OP_NAME(UNMAP),
	FZ_OP_NAME(XFER),
	FZ_OP_NAME(PROBE),
	FZ_OP_NAME(EXPORT),
	FZ_OP_NAME(EXPORT_STATS),
	FZ_OP_NAME(IMPORT),
	FZ_OP_NAME(ATTACH_CHECK),
	FZ_OP_NAME(MAP_BENCH),
	FZ_OP_NAME(UNKNOWN),
};

static const uint32_t fz_op_sets[FZ_NR_OPS] = {
	[FZ_INFO] = FZ_OK | FZ_EFAULT,
	[FZ_CHUNK_ALLOC] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EOPNOTSUPP |
			   FZ_ENOMEM | FZ_EIO | FZ_EFAULT,
	[FZ_CHUNK_FREE] = FZ_OK | FZ_EINVAL | FZ_EBUSY | FZ_ENODEV | FZ_EFAULT,
	[FZ_CHUNK_IO] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EFAULT,
	[FZ_MAP] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EOPNOTSUPP | FZ_ENOMEM |
		   FZ_EREMOTEIO | FZ_EIO | FZ_EFAULT,
	[FZ_UNMAP] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EFAULT,
	[FZ_XFER] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_ENOMEM | FZ_EFAULT |
		    FZ_ETIMEDOUT | FZ_EIO,
	[FZ_PROBE] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_ENOMEM | FZ_EIO |
		     FZ_EFAULT,
	[FZ_EXPORT] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EOPNOTSUPP |
		      FZ_ENOMEM | FZ_EMFILE | FZ_EFAULT,
	[FZ_EXPORT_STATS] = FZ_OK | FZ_EINVAL | FZ_EBADF | FZ_EFAULT,
	[FZ_IMPORT] = FZ_OK | FZ_EINVAL | FZ_EBADF | FZ_ENODEV |
		      FZ_EOPNOTSUPP | FZ_EREMOTEIO | FZ_EIO | FZ_ENOMEM |
		      FZ_EFAULT,
	[FZ_ATTACH_CHECK] = FZ_OK | FZ_EINVAL | FZ_EBADF | FZ_ENODEV |
			    FZ_EFAULT,
	[FZ_MAP_BENCH] = FZ_OK | FZ_EINVAL | FZ_ENODEV | FZ_EOPNOTSUPP |
			 FZ_ENOMEM | FZ_EFAULT,
	[FZ_UNKNOWN] = FZ_ENOTTY,
};

const char *fz_op_name(enum fz_op op)
{
	return op < FZ_NR_OPS ? fz_op_names[op] : "?";
}

uint32_t fz_op_set(enum fz_op op)
{
	return op < FZ_NR_OPS ? fz_op_sets[op] : 0;
}

uint32_t fz_bit(int rc)
{
	switch (-rc) {
	case 0:
		return FZ_OK;
	case EINTR:
		return FZ_EINTR;
	case EIO:
		return FZ_EIO;
	case EBADF:
		return FZ_EBADF;
	case ENOMEM:
		return FZ_ENOMEM;
	case EFAULT:
		return FZ_EFAULT;
	case EBUSY:
		return FZ_EBUSY;
	case ENODEV:
		return FZ_ENODEV;
	case EINVAL:
		return FZ_EINVAL;
	case EMFILE:
		return FZ_EMFILE;
	case ENOTTY:
		return FZ_ENOTTY;
	case EOPNOTSUPP:
		return FZ_EOPNOTSUPP;
	case ETIMEDOUT:
		return FZ_ETIMEDOUT;
	case EREMOTEIO:
		return FZ_EREMOTEIO;
	default:
		return 0;
	}
}

void fz_stats_add(struct fz_stats *to, const struct fz_stats *from)
{
	unsigned int op, e;

	for (op = 0; op < FZ_NR_OPS; op++) {
		to->calls[op] += from->calls[op];
		for (e = 0; e < FZ_ERRNOS; e++)
			to->res[op][e] += from->res[op][e];
	}
	to->undefined += from->undefined;
	to->unexpected += from->unexpected;
	to->xfer_dma += from->xfer_dma;
	to->bench_runs += from->bench_runs;
	to->reopens += from->reopens;
	to->dbuf_closes += from->dbuf_closes;
	to->dbuf_closes_imported += from->dbuf_closes_imported;
}

uint64_t fz_stats_total(const struct fz_stats *st)
{
	uint64_t n = 0;
	unsigned int op;

	for (op = 0; op < FZ_NR_OPS; op++)
		n += st->calls[op];
	return n;
}

void fz_log_init(struct fz_log *log)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
}

void fz_log(struct fz_log *log, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&log->lock);
	if (log->n < FZ_LOG_MAX) {
		va_start(ap, fmt);
		vsnprintf(log->line[log->n], FZ_LOG_LEN, fmt, ap);
		va_end(ap);
	}
	log->n++;
	pthread_mutex_unlock(&log->lock);
}

/* "EINVAL" for 22; "E1234" for what the C library does not name. */
static const char *fz_errname(unsigned int e, char *buf, size_t len)
{
	const char *name = e ? strerrorname_np(e) : "ok";

	if (name)
		return name;
	snprintf(buf, len, "E%u", e);
	return buf;
}

void fz_report_print(FILE *f, const struct fz_report *rep)
{
	const struct fz_stats *st = &rep->st;
	const struct fz_release *rel = &rep->rel;
	char line[1024], name[16];
	unsigned int op, e, i;
	int n;

	fprintf(f, "# fuzz: seed %llu: %llu calls (asked %llu) in %.1f s of guest time\n",
		(unsigned long long)rep->seed,
		(unsigned long long)fz_stats_total(st),
		(unsigned long long)rep->calls_requested, rep->elapsed_s);
	fprintf(f, "# fuzz: %u threads, %u of them sharing one file\n",
		rep->threads, rep->shared_threads);
	fprintf(f, "# fuzz: transfers to edu %llu (budget %u), benchmark runs %llu (budget %u)\n",
		(unsigned long long)st->xfer_dma, rep->xfer_budget,
		(unsigned long long)st->bench_runs, rep->bench_budget);
	fprintf(f, "# fuzz: files reopened %llu, dma-bufs closed %llu (%llu imported)\n",
		(unsigned long long)st->reopens,
		(unsigned long long)st->dbuf_closes,
		(unsigned long long)st->dbuf_closes_imported);
	for (op = 0; op < FZ_NR_OPS; op++) {
		n = snprintf(line, sizeof(line), "%s: %llu calls",
			     fz_op_name(op),
			     (unsigned long long)st->calls[op]);
		for (e = 0; e < FZ_ERRNOS && n < (int)sizeof(line); e++) {
			if (!st->res[op][e])
				continue;
			n += snprintf(line + n, sizeof(line) - n, ", %s %llu",
				      fz_errname(e, name, sizeof(name)),
				      (unsigned long long)st->res[op][e]);
		}
		fprintf(f, "# fuzz: %s\n", line);
	}
	fprintf(f, "# fuzz: undefined errnos %llu, unexpected answers %llu\n",
		(unsigned long long)st->undefined,
		(unsigned long long)st->unexpected);
	fprintf(f, "# fuzz: p2pmem available %llu before, %llu after (size %llu)\n",
		(unsigned long long)rel->available_before,
		(unsigned long long)rel->available_after,
		(unsigned long long)rel->p2pmem_size);
	fprintf(f, "# fuzz: alive after: %u exports, %u imports; sentinel %s; edu %s\n",
		rel->nr_exports, rel->nr_imports,
		rel->sentinel_intact ? "intact" : "CHANGED",
		rel->engine_works ? "still moves bytes" : "BROKEN");
	if (!rep->kmsg_read)
		fprintf(f, "# fuzz: kernel log: could not read /dev/kmsg\n");
	else
		fprintf(f, "# fuzz: kernel log since the start: %u suspect line(s)\n",
			rep->kmsg_suspect);
	for (i = 0; i < rep->kmsg_suspect && i < FZ_KMSG_MAX; i++)
		fprintf(f, "# fuzz: kernel: %s\n", rep->kmsg_line[i]);
	if (rep->log) {
		for (i = 0; i < rep->log->n && i < FZ_LOG_MAX; i++)
			fprintf(f, "# fuzz: FAIL %s\n", rep->log->line[i]);
		if (rep->log->n > FZ_LOG_MAX)
			fprintf(f, "# fuzz: ... and %u more\n",
				rep->log->n - FZ_LOG_MAX);
	}
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void fz_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* "key": value, as members of an object at @indent. */
static void fz_json_num(FILE *f, const char *indent, const char *key,
			unsigned long long value)
{
	fprintf(f, "%s\"%s\": %llu,\n", indent, key, value);
}

static void fz_json_bool(FILE *f, const char *indent, const char *key,
			 bool value)
{
	fprintf(f, "%s\"%s\": %s,\n", indent, key, value ? "true" : "false");
}

static void fz_json_ops(FILE *f, const struct fz_stats *st)
{
	unsigned int op, e, k;
	char name[16];

	fprintf(f, "  \"ioctls\": {");
	for (op = 0; op < FZ_NR_OPS; op++) {
		fprintf(f, "%s\n    \"%s\": { \"calls\": %llu, \"ok\": %llu, \"errors\": {",
			op ? "," : "", fz_op_name(op),
			(unsigned long long)st->calls[op],
			(unsigned long long)st->res[op][0]);
		for (e = 1, k = 0; e < FZ_ERRNOS; e++) {
			if (!st->res[op][e])
				continue;
			fprintf(f, "%s\"%s\": %llu", k++ ? ", " : " ",
				fz_errname(e, name, sizeof(name)),
				(unsigned long long)st->res[op][e]);
		}
		fprintf(f, "%s} }", k ? " " : "");
	}
	fprintf(f, "\n  },\n");
}

static void fz_json_release(FILE *f, const struct fz_release *rel)
{
	const char *in = "    ";

	fprintf(f, "  \"resources\": {\n");
	fz_json_num(f, in, "p2pmem_size", rel->p2pmem_size);
	fz_json_num(f, in, "available_before", rel->available_before);
	fz_json_num(f, in, "available_after", rel->available_after);
	fz_json_num(f, in, "nr_exports", rel->nr_exports);
	fz_json_num(f, in, "nr_imports", rel->nr_imports);
	fz_json_bool(f, in, "sentinel_intact", rel->sentinel_intact);
	fz_json_bool(f, in, "engine_works", rel->engine_works);
	fprintf(f, "%s\"released\": %s\n  },\n", in,
		rel->released ? "true" : "false");
}

static void fz_json_kmsg(FILE *f, const struct fz_report *rep)
{
	const char *in = "    ";
	unsigned int i;

	fprintf(f, "  \"kernel_log\": {\n");
	fz_json_bool(f, in, "read", rep->kmsg_read);
	fz_json_bool(f, in, "clean", rep->kmsg_read && !rep->kmsg_suspect);
	fz_json_num(f, in, "suspect", rep->kmsg_suspect);
	fprintf(f, "%s\"lines\": [", in);
	for (i = 0; i < rep->kmsg_suspect && i < FZ_KMSG_MAX; i++) {
		fprintf(f, "%s", i ? ", " : " ");
		fz_json_str(f, rep->kmsg_line[i]);
	}
	fprintf(f, "%s]\n  }\n", i ? " " : "");
}

/*
 * The report as one JSON object: seed, calls asked and made, threads, the
 * guest's clock (virtual under QEMU -icount), what the budgets allowed,
 * "ioctls" (per ioctl: calls, ok, and a count per errno name), the
 * undefined and unexpected counts with the failures' lines, "resources"
 * (p2pmem before and after, exports and imports alive, sentinel, edu) and
 * "kernel_log" (read, clean, the suspect lines).
 */
int fz_report_json(const char *path, const struct fz_report *rep)
{
	const struct fz_stats *st = &rep->st;
	unsigned int i, n = rep->log ? rep->log->n : 0;
	const char *in = "  ";
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"program\": \"kmod-fuzz\",\n");
	fz_json_num(f, in, "seed", rep->seed);
	fz_json_num(f, in, "calls_requested", rep->calls_requested);
	fz_json_num(f, in, "calls", fz_stats_total(st));
	fz_json_num(f, in, "threads", rep->threads);
	fz_json_num(f, in, "threads_sharing_one_file", rep->shared_threads);
	fprintf(f, "  \"guest_elapsed_s\": %.3f,\n", rep->elapsed_s);
	fz_json_num(f, in, "xfers_reaching_initiator", st->xfer_dma);
	fz_json_num(f, in, "xfer_budget", rep->xfer_budget);
	fz_json_num(f, in, "bench_runs", st->bench_runs);
	fz_json_num(f, in, "bench_budget", rep->bench_budget);
	fz_json_num(f, in, "files_reopened", st->reopens);
	fz_json_num(f, in, "dmabuf_closes", st->dbuf_closes);
	fz_json_num(f, in, "dmabuf_closes_while_imported",
		    st->dbuf_closes_imported);
	fz_json_ops(f, st);
	fz_json_num(f, in, "undefined", st->undefined);
	fz_json_num(f, in, "unexpected", st->unexpected);
	fprintf(f, "  \"failures\": [");
	for (i = 0; i < n && i < FZ_LOG_MAX; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		fz_json_str(f, rep->log->line[i]);
	}
	fprintf(f, "%s],\n", i ? "\n  " : "");
	fz_json_num(f, in, "failures_total", n);
	fz_json_release(f, &rep->rel);
	fz_json_kmsg(f, rep);
	fprintf(f, "}\n");
	if (fclose(f))
		return -errno;
	return 0;
}
