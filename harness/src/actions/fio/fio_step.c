// SPDX-License-Identifier: GPL-2.0
/*
 * The fio step: one fio invocation over the storage's region with the
 * buffer as fio's I/O memory (--iomem=mmapshared: on the provider's
 * p2pmem/allocate file), a write job and a verifying read job per size x
 * iodepth. When fio cannot use the p2pmem mapping at all, the runner's own
 * O_DIRECT loop moves the same bytes and says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json.h>

#include "actions/action.h"
#include "actions/fio/fio.h"
#include "actions/nvme-copy/copy_loop.h"
#include "actions/fio/fio_command.h"
#include "actions/fio/fio_json.h"
#include "actions/storage/io_buffer.h"
#include "util/numparse.h"
#include "util/spawn.h"
#include "actions/storage/storage_parse.h"
#include "actions/storage/storage_report.h"
#include "actions/storage/storage_step.h"
#include "util/json_write.h"

/* The loop's write pass stamps blocks with this seed's pattern; its read pass checks it. */
#define FIO_LOOP_SEED 0x70327269676669ULL

/* After timeout=, how long fio has to go once its process group got SIGKILL. */
#define FIO_KILL_GRACE_S	10u

struct fio_step {
	const struct step_env *env;
	const struct scenario_step *step;
	const struct fio_params *f;
	struct step_report *out;
	struct storage_io_report *io;
	const char *device;
	uint64_t offset;		/* in the namespace */
	char json_path[4096], log_path[4096];
};

/* The jobs the step will run, in fio's order, before anything ran. */
static void plan_jobs(struct fio_step *fs)
{
	struct fio_report *r = &fs->io->fio;

	for (size_t i = 0; i < io_matrix_count(&fs->f->matrix); i++) {
		uint64_t bs;
		uint32_t depth;

		io_matrix_at(&fs->f->matrix, i, &bs, &depth);
		for (int write = fs->f->rw == FIO_RW_WRITE_READ; write >= 0; write--) {
			struct io_job_report *j = &r->jobs[r->n_jobs++];
			fio_job_name(j->name, sizeof(j->name), write, bs, depth);
			j->write = write;
			j->bs = bs;
			j->iodepth = depth;
			j->offset = fs->offset;
			j->verify_checked = !write && fs->f->rw == FIO_RW_WRITE_READ;
		}
	}
}

/* Whether the log says fio could not map the buffer ("func=mmap"). */
static bool log_mentions_mmap(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "mmap") != NULL;
	if (f)
		fclose(f);
	return found;
}

static void copy_figures(struct io_job_report *j, const struct fio_job *job)
{
	const struct fio_figures *fig = j->write ? &job->write : &job->read;

	j->ran = true;
	j->error = job->error;
	j->bytes = fig->io_bytes;
	j->bw_bytes_per_s = fig->bw_bytes;
	j->iops = fig->iops;
	j->has_clat = fig->has_clat;
	j->clat_mean_ns = fig->clat_mean_ns;
	j->clat_p50_ns = fig->clat_p50_ns;
	j->clat_p99_ns = fig->clat_p99_ns;
	j->clat_p99_9_ns = fig->clat_p99_9_ns;
}

/*
 * Why fio could not use the p2pmem mapping, or "" when it could: a job
 * failed with EREMOTEIO (no p2p path for the I/O) or fio could not map it.
 */
static void p2pmem_refusal(struct fio_step *fs, const struct fio_output *fo, int fio_rc,
			   char *why, size_t size)
{
	why[0] = '\0';
	if (!fs->io->buffer.peer)
		return;
	for (size_t i = 0; i < fo->n_jobs; i++) {
		if (fo->jobs[i].error == EREMOTEIO) {
			snprintf(why, size, "fio job %s failed with EREMOTEIO: the kernel found no p2p "
				 "path between the NVMe device and the buffer's p2pmem",
				 fo->jobs[i].name);
			return;
		}
	}
	if (fio_rc && log_mentions_mmap(fs->log_path))
		snprintf(why, size, "fio could not mmap %s (fio exit %d; its words are in %s)",
			 fs->io->buffer.path, fio_rc, strrchr(fs->log_path, '/') + 1);
}

/* One pass of the loop for a job: write the pattern from the slots, or read and check it. */
static bool loop_job(struct fio_step *fs, struct io_job_report *j, int fd, uint8_t *slots,
		     uint64_t *slot_block)
{
	struct copy_loop c = {
		.src_fd = j->write ? -1 : fd,
		.dst_fd = j->write ? fd : -1,
		.src_offset = fs->offset,
		.dst_offset = fs->offset,
		.bytes = fs->f->size,
		.block = j->bs,
		.depth = j->iodepth,
		.slots = slots,
		.seed = FIO_LOOP_SEED,
		.slot_block = slot_block,
	};
	int rc = copy_loop_run(&c);

	j->ran = true;
	j->error = rc;
	j->elapsed_ns = c.elapsed_ns;
	j->io_ns = c.io_ns;
	j->pattern_ns = c.pattern_ns;
	j->bytes = c.blocks_done * j->bs;
	/* The device's figures: the pattern's CPU time is not the I/O's. */
	j->bw_bytes_per_s = c.io_ns ? (uint64_t)((double)j->bytes * 1e9 / (double)c.io_ns) : 0;
	j->iops = c.io_ns ? (double)c.blocks_done * 1e9 / (double)c.io_ns : 0;
	j->check = c.check;
	if (j->verify_checked)
		j->verified = !rc && !c.check.has_mismatch && j->bytes == fs->f->size;
	if (rc)
		step_add_reason(fs->out, "p2prig-loop %s: %s", j->name, c.error_text);
	return rc == 0;
}

/* The runner's O_DIRECT loop in fio's place, through the same p2pmem. */
static void run_loop(struct fio_step *fs)
{
	struct fio_report *r = &fs->io->fio;
	struct io_buffer buf;
	char why[RESULT_TEXT_MAX];
	uint64_t slot_block[STORAGE_MAX_IODEPTH];
	int fd = open(fs->device, O_RDWR | O_DIRECT);

	if (fd < 0) {
		step_add_reason(fs->out, "p2prig-loop: open %s: %s", fs->device, strerror(errno));
		return;
	}
	if (io_buffer_map(&buf, fs->io->buffer.pci, io_matrix_max_buffer(&fs->f->matrix), why,
			  sizeof(why))) {
		step_add_reason(fs->out, "p2prig-loop: %s", why);
		close(fd);
		return;
	}
	for (size_t i = 0; i < r->n_jobs; i++) {
		memset(&r->jobs[i].check, 0, sizeof(r->jobs[i].check));
		r->jobs[i].ran = false;
		if (!loop_job(fs, &r->jobs[i], fd, buf.addr, slot_block))
			break;
	}
	io_buffer_unmap(&buf);
	close(fd);
}

/* Requests listed in the debugfs files PATTERN matches; the first one's fields in FIRST. */
static size_t count_listed(const char *pattern, char *first, size_t first_size)
{
	glob_t g;
	size_t n = 0;
	char line[1024];

	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");

		while (f && fgets(line, sizeof(line), f)) {
			const char *fields = strchr(line, '{');

			if (n++)
				continue;
			line[strcspn(line, "\n")] = '\0';
			snprintf(first, first_size, "%.*s", (int)first_size - 1, fields ? fields : line);
		}
		if (f)
			fclose(f);
	}
	globfree(&g);
	return n;
}

/*
 * After a timeout: the requests blk-mq holds for the storage's disk that it
 * could not hand to the driver (debugfs block/DISK/hctxN/dispatch; with
 * native NVMe multipath the queue is the path's, nvmeXcYnZ). A driver that
 * answers BLK_STS_RESOURCE for ever keeps its request there, retried and
 * never issued, where a slow device's requests would be in flight instead.
 */
static void note_undispatched(struct fio_step *fs)
{
	const char *disk = strrchr(fs->device, '/') ? strrchr(fs->device, '/') + 1 : fs->device;
	char pattern[300], first[200] = "";
	unsigned int ctrl, ns;
	size_t n;

	snprintf(pattern, sizeof(pattern), "/sys/kernel/debug/block/%s/hctx*/dispatch", disk);
	n = count_listed(pattern, first, sizeof(first));
	if (!n && sscanf(disk, "nvme%un%u", &ctrl, &ns) == 2) {
		snprintf(pattern, sizeof(pattern), "/sys/kernel/debug/block/nvme%uc*n%u/hctx*/dispatch",
			 ctrl, ns);
		n = count_listed(pattern, first, sizeof(first));
	}
	if (n)
		step_add_reason(fs->out, "blk-mq holds %zu request%s of %s that the driver would not "
				"take (hctx dispatch list: %s)", n, n == 1 ? "" : "s", disk, first);
}

static void run_fio(struct fio_step *fs, char *progress, size_t progress_size)
{
	struct fio_report *r = &fs->io->fio;
	struct fio_command cmd;
	static struct fio_output fo;	/* large: not on the stack */
	char why[RESULT_TEXT_MAX];
	const struct fio_command_input in = {
		.params = fs->f,
		.device = fs->device,
		.offset = fs->offset,
		.iomem_path = fs->io->buffer.peer ? fs->io->buffer.path : NULL,
		.json_path = fs->json_path,
	};

	enum spawn_end end;

	fio_command_build(&in, &cmd);
	r->command = fio_command_text(&cmd);
	int rc = spawn_logged_within(cmd.argv, fs->log_path, fs->env->out_dir, fs->f->timeout_s,
				     FIO_KILL_GRACE_S, &end);
	fio_command_free(&cmd);
	if (rc < 0) {
		step_set_reason(fs->out, rc == -ENOENT ? VERDICT_SKIP : VERDICT_FAIL,
				"cannot run fio: %s%s", strerror(-rc),
				rc == -ENOENT ? " (fio is not installed)" : "");
		return;
	}
	if (end != SPAWN_EXITED) {
		char stuck[96] = "";

		if (end == SPAWN_STUCK)
			snprintf(stuck, sizeof(stuck), ", yet there %u s later: held by I/O that "
				 "never completes", FIO_KILL_GRACE_S);
		step_set_reason(fs->out, VERDICT_FAIL, "fio timeout: not done within timeout=%u s, "
				"killed%s (%s)", fs->f->timeout_s, stuck,
				strrchr(fs->log_path, '/') + 1);
		note_undispatched(fs);
		return;
	}
	if (fio_json_parse_file(fs->json_path, &fo, why, sizeof(why))) {
		step_set_reason(fs->out, VERDICT_FAIL, "fio exit %d: %s", rc, why);
		return;
	}
	snprintf(r->version, sizeof(r->version), "%s", fo.version);
	for (size_t i = 0; i < r->n_jobs; i++) {
		const struct fio_job *job = fio_output_job(&fo, r->jobs[i].name);
		if (job)
			copy_figures(&r->jobs[i], job);
	}
	p2pmem_refusal(fs, &fo, rc, r->fallback_reason, sizeof(r->fallback_reason));
	if (r->fallback_reason[0]) {
		r->fallback = true;
		step_progress(progress, progress_size, "fio refused the p2pmem buffer, p2prig-loop instead");
		run_loop(fs);
		return;
	}
	if (rc)
		step_add_reason(fs->out, "fio exited with status %d (%s)", rc,
				strrchr(fs->log_path, '/') + 1);
}

/* Every job ran all its bytes without an error, and every read verified. */
static void judge(struct fio_step *fs)
{
	struct step_report *out = fs->out;
	struct fio_report *r = &fs->io->fio;
	bool all = r->n_jobs > 0;

	for (size_t i = 0; i < r->n_jobs; i++) {
		struct io_job_report *j = &r->jobs[i];

		if (j->verify_checked && !r->fallback)
			j->verified = j->ran && !j->error && j->bytes == fs->f->size;
		out->bytes += j->bytes;
		if (!j->ran) {
			all = false;
			continue;
		}
		if (j->error && !r->fallback)
			step_add_reason(out, "fio job %s: error %d (%s)%s", j->name, j->error,
					strerror(j->error),
					j->error == EILSEQ ? ": verify found bytes it did not write" : "");
		else if (j->bytes != fs->f->size)
			step_add_reason(out, "job %s moved %" PRIu64 " of %" PRIu64 " bytes", j->name,
					j->bytes, fs->f->size);
		if (j->check.has_mismatch)
			step_add_reason(out, "p2prig-loop %s: %" PRIu64 " mismatched bytes, the first at "
					"offset 0x%" PRIx64, j->name, j->check.mismatched_bytes,
					j->check.first_mismatch);
		all &= !j->error && j->bytes == fs->f->size && (!j->verify_checked || j->verified);
	}
	out->verified = all && fs->f->rw == FIO_RW_WRITE_READ;
	if (out->verdict == VERDICT_PASS && (out->reason[0] || !all))
		out->verdict = VERDICT_FAIL;
	if (out->verdict == VERDICT_FAIL && !out->reason[0])
		step_set_reason(out, VERDICT_FAIL, "not every fio job ran");
}

static void summarise(struct fio_step *fs, char *progress, size_t progress_size)
{
	struct fio_report *r = &fs->io->fio;

	for (size_t i = 0; i < r->n_jobs; i++) {
		const struct io_job_report *j = &r->jobs[i];
		if (j->ran)
			step_progress(progress, progress_size, "%s %.1f MiB/s", j->name,
				      (double)j->bw_bytes_per_s / (1024.0 * 1024.0));
	}
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	const struct fio_params *f = &step->fio;
	struct fio_step fs = { .env = env, .step = step, .f = f, .out = out };

	out->storage_io = fs.io = storage_io_report_new();
	fs.io->storage = env->storages[f->storage].ref;
	fs.io->fio.requested = f->engine;
	fs.io->fio.rw = f->rw;
	fs.io->fio.size = f->size;
	if (step_storage_usable(env, f->storage, out) && step_buffer_usable(env, f->buffer, out)) {
		fs.device = fs.io->storage.device;
		fs.offset = fs.io->storage.region_offset + f->offset;
		plan_jobs(&fs);
		if (f->offset + f->size > fs.io->storage.region_bytes) {
			step_set_reason(out, VERDICT_FAIL, "offset + size runs past storage %s's region",
					fs.io->storage.name);
		} else {
			snprintf(fs.io->fio.json_file, sizeof(fs.io->fio.json_file), "fio-%s.json",
				 step->name);
			snprintf(fs.json_path, sizeof(fs.json_path), "%s/fio-%s.json", env->out_dir,
				 step->name);
			snprintf(fs.log_path, sizeof(fs.log_path), "%s/fio-%s.log", env->out_dir,
				 step->name);
			run_fio(&fs, progress, progress_size);
			if (out->verdict != VERDICT_SKIP)
				judge(&fs);
			summarise(&fs, progress, progress_size);
		}
	}
	step_storage_expectations(step, out);
}

static bool check_expect(struct parser *p, const struct scenario_step *step,
			 const struct scenario_expect *e, const char *what)
{
	if (!storage_check_expect(p, step, e, what, false))
		return false;
	if (e->what == EXPECT_VERIFIED && step->fio.rw == FIO_RW_READ) {
		ERROR(p, "'expect verified' needs a fio step that writes what it reads (rw=write-read), "
		      "step '%s' has rw=read", step->name);
		return false;
	}
	return true;
}

static void write_json(const struct step_report *report, struct json_object *step)
{
	if (report->storage_io)
		jw_add(step, "fio", storage_fio_json(report->storage_io));
}

const struct step_action_ops fio_action = {
	.name = "fio",
	.action = STEP_FIO,
	.parse_keys = fio_parse_keys,
	.check_refs = fio_check_refs,
	.check_expect = check_expect,
	.run = run,
	.write_json = write_json,
	.summarise = storage_summarise,
};
