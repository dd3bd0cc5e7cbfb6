/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCIDB's I/O JSON (KernelCI's common results database) made from
 * result.json files, the schema version tests/data/kcidb/ holds. A run
 * gives one checkout and one build (the kernel's source and its build,
 * shared by the runs of the same kernel) and its tests, each under the
 * path p2prig.SCENARIO[.NODE]:
 *
 *   p2prig.SCENARIO                 the run: the host's verdict, ERROR when
 *                                   it did not finish, its duration
 *   p2prig.SCENARIO.STEP            a step of the scenario
 *   p2prig.SCENARIO.kernel-health   the kernel's log during the run
 *   p2prig.SCENARIO.host.CHECK      a check the host made after the guest
 *
 * Ids are ORIGIN:KIND-HASH, HASH from what the object is (the run's start
 * and scenario, the kernel's source and build key), so the same folders
 * always give the same document.
 */
#ifndef P2PRIG_KCIDB_H
#define P2PRIG_KCIDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "results/result.h"
#include "results/result_view.h"

/* The kcidb-io schema the document follows: version.major and version.minor. */
#define KCIDB_SCHEMA_MAJOR 5
#define KCIDB_SCHEMA_MINOR 3

#define KCIDB_DEFAULT_ORIGIN "p2prig"
/* The first part of every test path: the suite. */
#define KCIDB_SUITE "p2prig"
/* The schema's limit on a log_excerpt, in bytes. */
#define KCIDB_LOG_EXCERPT_MAX 16384
#define KCIDB_ID_MAX 512
#define KCIDB_PATH_MAX 512

struct kcidb_context {
	const char *origin;	/* kcidb_origin_ok() */
	const char *lab;	/* environment.misc.lab; NULL: the run's rig */
	const char *night;	/* the night's folder name, or NULL for a lone run */
};

/* PASS, FAIL or SKIP. */
const char *kcidb_status(enum step_verdict verdict);

/*
 * A run's own status: ERROR when it did not finish, else the host's
 * verdict (pass, fail, skip: a step was skipped); without the host's
 * verdict (older files), FAIL when a step failed, else PASS.
 */
const char *kcidb_run_status(const struct result_view *v);

/* NAME is an origin KCIDB takes: lowercase letters, digits and _, at least one. */
bool kcidb_origin_ok(const char *name);

/* 64-bit FNV-1a of TEXT: an id's stable part. */
uint64_t kcidb_hash(const char *text);

/* ORIGIN:KIND-HASH of KEY into ID. */
void kcidb_id(char *id, size_t size, const char *origin, const char *kind, const char *key);

/*
 * Appends NAME to the dot-separated PATH as KCIDB's path allows: letters,
 * digits, _ and -; any other character becomes _, and a dot in NAME stays
 * a level only between two non-empty parts.
 */
void kcidb_path_add(char *path, size_t size, const char *name);

/* KCIDB's date-time fields take only result.json's own UTC times. */
static inline bool kcidb_time_ok(const char *text)
{
	time_t t;

	return result_time_parse(text, &t);
}

/* An empty document: the version, and checkouts, builds and tests empty. */
json_object *kcidb_document(void);

/*
 * Adds V to DOC: its kernel's checkout and build (once per id) and its
 * tests. V's strings are copied.
 */
void kcidb_add_run(json_object *doc, const struct result_view *v, const struct kcidb_context *ctx);

#endif
