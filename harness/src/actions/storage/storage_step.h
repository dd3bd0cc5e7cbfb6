/* SPDX-License-Identifier: GPL-2.0 */
/* What fio and nvme-copy steps share: whether they can run, and their buffer. */
#ifndef P2PRIG_STEP_STORAGE_H
#define P2PRIG_STEP_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "actions/action.h"
#include "actions/step.h"

/* Whether STORAGE (an index in sc->storages) can be used; the step's reason if not. */
bool step_storage_usable(const struct step_env *env, size_t storage, struct step_report *out);

/*
 * Fills out->storage_io->buffer for BUFFER (an index in sc->providers, or
 * SCENARIO_NO_INDEX for RAM) and checks that a peer buffer's function is
 * resolved and publishes p2pmem; the step's reason if not.
 */
bool step_buffer_usable(const struct step_env *env, size_t buffer, struct step_report *out);

/* `expect verified` and friends: each met when out->verified. */
void step_storage_expectations(const struct scenario_step *step, struct step_report *out);

/* `p2prig summary`: fio and nvme-copy steps' figures, one section (storage_summary.c). */
step_summarise_fn storage_summarise;

#endif
