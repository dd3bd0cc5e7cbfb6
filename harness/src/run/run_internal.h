/* SPDX-License-Identifier: GPL-2.0 */
/* What run.c and run_prepare.c share: the run's state, and the steps before and after. */
#ifndef P2PRIG_RUN_INTERNAL_H
#define P2PRIG_RUN_INTERNAL_H

#include <stdbool.h>

#include <pci/pci.h>

#include "actions/step.h"
#include "actions/storage/storage.h"
#include "client/rigdev.h"
#include "results/ktap.h"
#include "results/result.h"
#include "run/run.h"
#include "scenario/scenario.h"
#include "system/health.h"
#include "system/nvme_inventory.h"

/* Everything a run holds, so one function can release it. */
struct run {
	const struct run_options *opt;
	struct scenario sc;
	struct run_report report;
	struct ktap ktap;
	struct health_watch health;
	struct rigdev dev;
	struct p2prig_info info;
	struct pci_access *pacc;
	struct provider_state providers[SCENARIO_MAX_PROVIDERS];
	struct initiator_state initiators[SCENARIO_MAX_INITIATORS];
	struct storage_state storages[SCENARIO_MAX_STORAGES];
	struct nvme_inventory nvme;	/* what storage lines are resolved against */
	char skip_all[RESULT_TEXT_MAX];
	/* The doctor's prediction per provider and initiator; UNKNOWN: none. */
	struct prediction predictions[SCENARIO_MAX_PROVIDERS][SCENARIO_MAX_INITIATORS];
	struct node_peer peer;		/* a two-node run's link */
	bool linked;
};

/* run_prepare.c: false when the run cannot go on (run->report.error says why). */
bool open_link(struct run *run);
void close_link(struct run *run);
/* Opens the device, resolves and allocates providers, initiators and storages, asks the doctor. */
bool prepare(struct run *run);
void release(struct run *run);
/* The step_env's predict hook: what the doctor said of the pair (env->predict_data: the run). */
void predict_from_doctor(const struct step_env *env, size_t provider, size_t initiator,
			 struct prediction *out);

#endif
