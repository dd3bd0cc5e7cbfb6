/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel a run booted, as KCIDB's checkout (its source) and build.
 * A kernel the rig built has result.json's kernel_build: the Debian
 * source package or git tree, its patch series, the config fragments and
 * compiler. A Debian binary kernel has only its release; its compiler
 * comes from the "Linux version" banner in the run's dmesg.txt when the
 * folder has one.
 */
#ifndef P2PRIG_KCIDB_KERNEL_H
#define P2PRIG_KCIDB_KERNEL_H

#include <stddef.h>

#include <json.h>

#include "results/result_view.h"

/*
 * Adds V's checkout and build to DOC unless an object with the same id is
 * there already; the build's id into BUILD_ID.
 */
void kcidb_add_kernel(json_object *doc, const struct result_view *v, const char *origin,
		      char *build_id, size_t size);

/* Whether LIST (an array of objects) has one whose "id" is ID. */
bool kcidb_has_id(json_object *list, const char *id);

/* OBJ[KEY] = TEXT as a string, when TEXT is neither NULL nor empty. */
void kcidb_add_text(json_object *obj, const char *key, const char *text);

#endif
