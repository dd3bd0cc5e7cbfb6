// SPDX-License-Identifier: GPL-2.0
/*
 * The host oracle of an nvme-copy step: the virtual lab's namespaces are
 * raw image files in the scratch folder (nvmeCnN.img for controller
 * serial p2prigC, namespace N), so the host can see, without the guest,
 * that every range the guest says it copied is in the destination image
 * byte for byte as in the source image, and, for a buffer in ivshmem's
 * BAR, that the BAR's backing holds the source bytes the guest says its
 * slots last carried.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/json_read.h"
#include "system/oracle.h"
#include "system/oracle_copy.h"

/* The image behind a storage object of result.json, or false with why. */
static bool image_path(const struct oracle_job *job, json_object *storage, char *path,
		       size_t size, char *why, size_t why_size)
{
	const char *serial = json_text(storage, "serial", "");
	unsigned int controller;
	int64_t nsid = json_object_get_int64(json_field(storage, "nsid"));
	char tail;

	if (!job->images_dir) {
		snprintf(why, why_size, "the host was not given the namespaces' images (--images)");
		return false;
	}
	if (sscanf(serial, "p2prig%u%c", &controller, &tail) != 1 || nsid < 1) {
		snprintf(why, why_size, "storage '%s' (serial '%s', nsid %" PRId64 ") is not a "
			 "virtual-lab namespace", json_text(storage, "name", "?"), serial, nsid);
		return false;
	}
	snprintf(path, size, "%s/nvme%un%" PRId64 ".img", job->images_dir, controller, nsid);
	return true;
}

static bool region_of(json_object *o, const char *offset_key, uint64_t *offset, uint64_t *bytes)
{
	if (!json_has_number(o, offset_key) || !json_has_number(o, "bytes"))
		return false;
	*offset = (uint64_t)json_object_get_int64(json_field(o, offset_key));
	*bytes = (uint64_t)json_object_get_int64(json_field(o, "bytes"));
	return true;
}

/* Every copied combination: the destination image's range against the source image's. */
static int judge_ranges(json_object *copy, const char *from, const char *to,
			struct oracle_copy_verdict *v)
{
	json_object *combos = json_field(copy, "combinations");
	size_t n = json_length(combos);

	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(combos, i);
		uint64_t from_offset, to_offset, bytes;
		struct pattern_check check = { 0 };

		if (!json_has_number(c, "elapsed_ns"))
			continue;	/* the guest did not finish this one: nothing to see */
		if (!region_of(c, "from_offset", &from_offset, &bytes) ||
		    !json_has_number(c, "to_offset"))
			return -EINVAL;
		to_offset = (uint64_t)json_object_get_int64(json_field(c, "to_offset"));
		int rc = oracle_compare_files(to, to_offset, from, from_offset, bytes, &check);
		if (rc)
			return rc;
		if (check.has_mismatch && !v->check.has_mismatch) {
			v->check.has_mismatch = true;
			v->check.first_mismatch = v->copy_bytes + check.first_mismatch;
		}
		v->check.mismatched_bytes += check.mismatched_bytes;
		v->copy_bytes += bytes;
		v->ranges++;
	}
	return 0;
}

/* A BAR buffer: each region of the BAR's backing against the source bytes it holds. */
static int judge_bar_regions(json_object *copy, const struct oracle_job *job, const char *from,
			     struct oracle_copy_verdict *v)
{
	json_object *list = json_field(json_field(copy, "bar_regions"), "regions");
	size_t n = json_length(list);

	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(list, i);
		uint64_t bar_offset, from_offset, bytes;
		struct pattern_check check = { 0 };

		if (!json_hex(r, "bar_offset", &bar_offset) ||
		    !region_of(r, "from_offset", &from_offset, &bytes))
			return -EINVAL;
		int rc = oracle_compare_files(job->backing, bar_offset, from, from_offset, bytes,
					      &check);
		if (rc)
			return rc;
		v->bar_mismatched_bytes += check.mismatched_bytes;
		v->bar_bytes += bytes;
		v->bar_regions++;
	}
	return 0;
}

int oracle_judge_copy(json_object *step, const struct oracle_job *job,
		      struct oracle_copy_verdict *v)
{
	json_object *copy = json_field(step, "copy");
	char from[256], to[256];
	int rc;

	memset(v, 0, sizeof(*v));
	if (!image_path(job, json_field(copy, "from"), from, sizeof(from), v->why,
			sizeof(v->why)) ||
	    !image_path(job, json_field(copy, "to"), to, sizeof(to), v->why, sizeof(v->why)))
		return -ENOENT;
	rc = judge_ranges(copy, from, to, v);
	if (!rc && json_field(copy, "bar_regions"))
		rc = judge_bar_regions(copy, job, from, v);
	if (rc == -EINVAL)
		snprintf(v->why, sizeof(v->why), "the guest's copy record lacks an offset or a size");
	else if (rc)
		snprintf(v->why, sizeof(v->why), "the host could not compare %s with %s%s: %s", to,
			 from, json_field(copy, "bar_regions") ? " (and the BAR's backing)" : "",
			 strerror(-rc));
	else if (!v->ranges)
		snprintf(v->why, sizeof(v->why), "the guest copied nothing the host could check");
	return rc ? rc : v->ranges ? 0 : -ENODATA;
}
