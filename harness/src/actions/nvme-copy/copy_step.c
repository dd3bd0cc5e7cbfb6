// SPDX-License-Identifier: GPL-2.0
/*
 * The nvme-copy step, the runner's own copy through peer memory (what
 * p2pmem-test and SPDK's cmb_copy do): per size x iodepth, size bytes of
 * `from` at a region of their own are read into the buffer's slots and
 * written out of them to `to`, with O_DIRECT. Before the copy the
 * destination holds the complement of the source, so a copy that moved
 * nothing cannot pass; after it both ranges are read back into RAM and
 * compared byte for byte. For a bar provider the step records which BAR
 * offsets hold which source bytes at its end, for the host to check.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "actions/action.h"
#include "actions/nvme-copy/nvme_copy.h"
#include "system/bar_regions.h"
#include "actions/nvme-copy/copy_loop.h"
#include "actions/storage/io_buffer.h"
#include "util/numparse.h"
#include "actions/storage/storage_parse.h"
#include "actions/storage/storage_report.h"
#include "actions/storage/storage_step.h"
#include "util/json_write.h"

#define RANGE_PIECE (1u << 20)	/* whole-range reads and writes, in pieces this big */

struct copy_step {
	const struct scenario_step *step;
	const struct copy_params *c;
	struct step_report *out;
	struct storage_io_report *io;
	int from_fd, to_fd;
	struct io_buffer buf;		/* the slots */
	uint8_t *src_ram, *dst_ram;	/* size bytes each, page aligned */
	uint64_t *page_from;		/* per page of buf: the source offset it holds */
	size_t n_pages;
};

/* pread or pwrite a whole range in pieces; 0 or the errno, with what failed in why. */
static int whole_range(int fd, bool write, uint8_t *buf, uint64_t len, uint64_t off, char *why,
		       size_t why_size)
{
	for (uint64_t done = 0; done < len;) {
		size_t piece = len - done < RANGE_PIECE ? (size_t)(len - done) : RANGE_PIECE;
		ssize_t n = write ? pwrite(fd, buf + done, piece, (off_t)(off + done))
				  : pread(fd, buf + done, piece, (off_t)(off + done));
		if (n != (ssize_t)piece) {
			int err = n < 0 ? errno : EIO;
			snprintf(why, why_size, "%s of %zu bytes at 0x%" PRIx64 ": %s",
				 write ? "pwrite" : "pread", piece, off + done, strerror(err));
			return err;
		}
		done += piece;
	}
	return 0;
}

/* seed=: the source gets the pattern, indexed by its offset in the namespace. */
static int seed_source(struct copy_step *cs, struct copy_combo_report *r)
{
	pattern_fill(cs->src_ram, r->bytes, cs->c->seed, r->from_offset, PATTERN_PLAIN);
	return whole_range(cs->from_fd, true, cs->src_ram, r->bytes, r->from_offset, r->error,
			   sizeof(r->error));
}

/* The destination gets the complement of the source. */
static int poison_destination(struct copy_step *cs, struct copy_combo_report *r)
{
	int rc = whole_range(cs->from_fd, false, cs->src_ram, r->bytes, r->from_offset, r->error,
			     sizeof(r->error));

	if (rc)
		return rc;
	for (uint64_t i = 0; i < r->bytes; i++)
		cs->dst_ram[i] = (uint8_t)~cs->src_ram[i];
	return whole_range(cs->to_fd, true, cs->dst_ram, r->bytes, r->to_offset, r->error,
			   sizeof(r->error));
}

/* Both ranges back into RAM, compared byte for byte. */
static int compare_ranges(struct copy_step *cs, struct copy_combo_report *r)
{
	int rc = whole_range(cs->from_fd, false, cs->src_ram, r->bytes, r->from_offset, r->error,
			     sizeof(r->error));

	if (!rc)
		rc = whole_range(cs->to_fd, false, cs->dst_ram, r->bytes, r->to_offset, r->error,
				 sizeof(r->error));
	if (rc)
		return rc;
	r->checked = true;
	memset(&r->check, 0, sizeof(r->check));
	for (uint64_t i = 0; i < r->bytes; i++) {
		if (cs->src_ram[i] == cs->dst_ram[i])
			continue;
		if (!r->check.has_mismatch)
			r->check.first_mismatch = i;
		r->check.has_mismatch = true;
		r->check.mismatched_bytes++;
	}
	if (cs->c->has_seed) {
		struct pattern_check seeded = { 0 };
		pattern_check(cs->src_ram, r->bytes, cs->c->seed, r->from_offset, PATTERN_PLAIN,
			      &seeded);
		r->seed_checked = true;
		r->seed_mismatched_bytes = seeded.mismatched_bytes;
	}
	return 0;
}

/* After a combination: what each slot's pages hold now. */
static void note_slots(struct copy_step *cs, const struct copy_loop *loop, uint64_t from_offset)
{
	uint64_t pages_per_slot = loop->block / BAR_REGIONS_PAGE;

	for (uint32_t s = 0; s < loop->depth; s++) {
		if (loop->slot_block[s] == COPY_LOOP_NO_BLOCK)
			continue;
		for (uint64_t p = 0; p < pages_per_slot; p++)
			cs->page_from[s * pages_per_slot + p] = from_offset +
								 loop->slot_block[s] * loop->block +
								 p * BAR_REGIONS_PAGE;
	}
}

static void copy_one(struct copy_step *cs, struct copy_combo_report *r)
{
	uint64_t slot_block[STORAGE_MAX_IODEPTH];
	struct copy_loop loop = {
		.src_fd = cs->from_fd,
		.dst_fd = cs->to_fd,
		.src_offset = r->from_offset,
		.dst_offset = r->to_offset,
		.bytes = r->bytes,
		.block = r->bs,
		.depth = r->iodepth,
		.slots = cs->buf.addr,
		.slot_block = slot_block,
	};

	if ((cs->c->has_seed && seed_source(cs, r)) || poison_destination(cs, r))
		return;
	int rc = copy_loop_run(&loop);
	note_slots(cs, &loop, r->from_offset);
	if (rc) {
		snprintf(r->error, sizeof(r->error), "copy: %s", loop.error_text);
		return;
	}
	r->copied = true;
	r->elapsed_ns = loop.elapsed_ns;
	compare_ranges(cs, r);
}

/* For the host: BAR offsets of the pages that hold source bytes. */
static void record_bar_regions(struct copy_step *cs, const char *pci)
{
	struct copy_report *c = &cs->io->copy;
	uint64_t *page_bar = calloc(cs->n_pages, sizeof(*page_bar));
	int rc = 0;

	c->regions = calloc(cs->n_pages, sizeof(*c->regions));
	if (!page_bar || !c->regions)
		abort();
	for (size_t i = 0; !rc && i < cs->n_pages; i++) {
		uint64_t phys;

		if (cs->page_from[i] == BAR_REGIONS_NONE)
			continue;
		rc = bar_regions_phys(cs->buf.addr + i * BAR_REGIONS_PAGE, &phys);
		if (rc) {
			snprintf(c->regions_why, sizeof(c->regions_why),
				 "/proc/self/pagemap: %s (the runner must be root)", strerror(-rc));
			break;
		}
		if (!c->bar_start) {
			rc = bar_regions_find_bar(pci, phys, &c->bar, &c->bar_start);
			if (rc) {
				snprintf(c->regions_why, sizeof(c->regions_why),
					 "physical address 0x%" PRIx64 " is in no BAR of %s: %s", phys,
					 pci, strerror(-rc));
				break;
			}
		}
		page_bar[i] = phys - c->bar_start;
	}
	if (!rc) {
		c->n_regions = bar_regions_merge(cs->page_from, page_bar, cs->n_pages, c->regions);
		c->regions_known = true;
	}
	free(page_bar);
}

static bool open_both(struct copy_step *cs)
{
	const char *from = cs->io->storage.device, *to = cs->io->to.device;

	cs->from_fd = open(from, (cs->c->has_seed ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (cs->from_fd < 0) {
		step_set_reason(cs->out, VERDICT_FAIL, "open %s: %s", from, strerror(errno));
		return false;
	}
	cs->to_fd = open(to, O_RDWR | O_DIRECT);
	if (cs->to_fd < 0) {
		step_set_reason(cs->out, VERDICT_FAIL, "open %s: %s", to, strerror(errno));
		return false;
	}
	return true;
}

static bool map_buffers(struct copy_step *cs)
{
	char why[RESULT_TEXT_MAX];
	void *a = NULL, *b = NULL;
	const char *pci = cs->io->buffer.peer ? cs->io->buffer.pci : NULL;

	if (io_buffer_map(&cs->buf, pci, io_matrix_max_buffer(&cs->c->matrix), why, sizeof(why))) {
		step_set_reason(cs->out, VERDICT_FAIL, "buffer %s: %s", cs->io->buffer.name, why);
		return false;
	}
	if (posix_memalign(&a, 4096, cs->c->size) || posix_memalign(&b, 4096, cs->c->size)) {
		free(a);
		step_set_reason(cs->out, VERDICT_FAIL, "no RAM to read the ranges back into");
		return false;
	}
	cs->src_ram = a;
	cs->dst_ram = b;
	cs->n_pages = cs->buf.size / BAR_REGIONS_PAGE;
	cs->page_from = malloc(cs->n_pages * sizeof(*cs->page_from));
	if (!cs->page_from)
		abort();
	for (size_t i = 0; i < cs->n_pages; i++)
		cs->page_from[i] = BAR_REGIONS_NONE;
	return true;
}

static void copy_all(struct copy_step *cs, char *progress, size_t progress_size)
{
	struct copy_report *c = &cs->io->copy;
	struct step_report *out = cs->out;
	bool all = true;

	for (size_t k = 0; k < io_matrix_count(&cs->c->matrix); k++) {
		struct copy_combo_report *r = &c->combos[c->n_combos++];
		char bs[SIZE_TEXT_MAX];

		io_matrix_at(&cs->c->matrix, k, &r->bs, &r->iodepth);
		r->bytes = cs->c->size;
		r->from_offset = cs->io->storage.region_offset + cs->c->offset + k * cs->c->size;
		r->to_offset = cs->io->to.region_offset + cs->c->offset + k * cs->c->size;
		copy_one(cs, r);
		format_size(r->bs, bs, sizeof(bs));
		if (r->copied)
			out->bytes += r->bytes;
		if (r->error[0])
			step_add_reason(out, "%s qd%u: %s", bs, r->iodepth, r->error);
		else if (r->check.has_mismatch)
			step_add_reason(out, "%s qd%u: %" PRIu64 " mismatched bytes, the first at "
					"offset 0x%" PRIx64 " of the range", bs, r->iodepth,
					r->check.mismatched_bytes, r->check.first_mismatch);
		if (r->seed_mismatched_bytes)
			step_add_reason(out, "%s qd%u: the source holds %" PRIu64 " bytes that are not "
					"the pattern of seed 0x%" PRIx64, bs, r->iodepth,
					r->seed_mismatched_bytes, cs->c->seed);
		all &= r->checked && !r->check.has_mismatch && !r->error[0] &&
		       !r->seed_mismatched_bytes;
		step_progress(progress, progress_size, "%s qd%u %.1f MiB/s%s", bs, r->iodepth,
			      r->copied ? storage_mibps(r->bytes, r->elapsed_ns) : 0.0,
			      r->checked && !r->check.has_mismatch ? "" : " NOT verified");
	}
	out->verified = all;
	if (!all)
		out->verdict = VERDICT_FAIL;
}

static bool ranges_fit(struct copy_step *cs)
{
	uint64_t span = cs->c->offset + cs->c->size * io_matrix_count(&cs->c->matrix);
	const struct storage_ref_report *ends[] = { &cs->io->storage, &cs->io->to };

	for (size_t i = 0; i < 2; i++) {
		if (span > ends[i]->region_bytes) {
			step_set_reason(cs->out, VERDICT_FAIL,
					"the copy needs %" PRIu64 " bytes of storage %s's region, it has %"
					PRIu64, span, ends[i]->name, ends[i]->region_bytes);
			return false;
		}
	}
	/* Two storage lines may name one namespace under different selectors. */
	if (strcmp(ends[0]->device, ends[1]->device) == 0) {
		uint64_t a = ends[0]->region_offset + cs->c->offset;
		uint64_t b = ends[1]->region_offset + cs->c->offset;
		uint64_t len = span - cs->c->offset;
		if (a < b + len && b < a + len) {
			step_set_reason(cs->out, VERDICT_FAIL, "from and to are both %s and the ranges "
					"overlap", ends[0]->device);
			return false;
		}
	}
	return true;
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	const struct copy_params *c = &step->copy;
	struct copy_step cs = { .step = step, .c = c, .out = out, .from_fd = -1, .to_fd = -1 };

	out->storage_io = cs.io = storage_io_report_new();
	cs.io->storage = env->storages[c->from].ref;
	cs.io->to = env->storages[c->to].ref;
	cs.io->copy.has_seed = c->has_seed;
	cs.io->copy.seed = c->seed;
	cs.io->copy.size = c->size;
	out->seed = c->seed;
	if (step_storage_usable(env, c->from, out) && step_storage_usable(env, c->to, out) &&
	    step_buffer_usable(env, c->buffer, out) && ranges_fit(&cs) && open_both(&cs) &&
	    map_buffers(&cs)) {
		copy_all(&cs, progress, progress_size);
		const struct scenario_provider *p =
			c->buffer == SCENARIO_NO_INDEX ? NULL : &env->sc->providers[c->buffer];
		if (p && p->kind->host_readable)
			record_bar_regions(&cs, cs.io->buffer.pci);
	}
	io_buffer_unmap(&cs.buf);
	free(cs.src_ram);
	free(cs.dst_ram);
	free(cs.page_from);
	if (cs.from_fd >= 0)
		close(cs.from_fd);
	if (cs.to_fd >= 0)
		close(cs.to_fd);
	step_storage_expectations(step, out);
}

/* The host reads the namespaces after the guest: a copy's data may be its oracle's too. */
static bool check_expect(struct parser *p, const struct scenario_step *step,
			 const struct scenario_expect *e, const char *what)
{
	return storage_check_expect(p, step, e, what, true);
}

static void write_json(const struct step_report *report, struct json_object *step)
{
	if (report->storage_io)
		jw_add(step, "copy", storage_copy_json(report->storage_io));
}

const struct step_action_ops nvme_copy_action = {
	.name = "nvme-copy",
	.action = STEP_NVME_COPY,
	.parse_keys = copy_parse_keys,
	.check_refs = copy_check_refs,
	.check_expect = check_expect,
	.run = run,
	.write_json = write_json,
	.summarise = storage_summarise,
};
