/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Step actions. The run prepares a step_env (the device, and each provider
 * and initiator resolved and allocated or with the reason it cannot be
 * used); an action's run hook does one step and fills its report. Adding
 * an action is a parse hook in scenario.c and one row in step.c's table.
 */
#ifndef P2PRIG_STEP_H
#define P2PRIG_STEP_H

#include <stdbool.h>
#include <stddef.h>

#include "results/result.h"
#include "client/rigdev.h"
#include "scenario/scenario.h"
#include "scenario/selector.h"
#include "actions/storage/storage.h"
#include "uapi/p2prig.h"

struct provider_state {
	bool resolved;
	struct pci_dev *dev;		/* libpci's view, for the doctor; NULL for RAM */
	struct p2prig_pci_addr pci;
	char pci_text[PCI_ADDRESS_TEXT_MAX];
	bool allocated;
	struct p2prig_chunk_alloc chunk;
	/* Why steps using this provider cannot run ("" when they can). */
	enum step_verdict unusable_verdict;
	char unusable[RESULT_TEXT_MAX];
};

struct initiator_state {
	bool resolved;
	struct pci_dev *dev;
	struct p2prig_pci_addr pci;
	char pci_text[PCI_ADDRESS_TEXT_MAX];
	enum step_verdict unusable_verdict;
	char unusable[RESULT_TEXT_MAX];
};

/* What the doctor predicts for a provider and an initiator. */
struct prediction {
	uint32_t map_type;		/* enum p2prig_map_type; UNKNOWN: none */
	/*
	 * For a BUS_ADDR pair: whether the kernel's rule would refuse its
	 * traffic through the host bridge (the "-host" methods' route), and why.
	 */
	bool host_route_unaccepted;
	char host_route_text[RESULT_TEXT_MAX];
	char reason[RESULT_TEXT_MAX];
};

struct step_env;
struct node_peer;
typedef void (*predict_fn)(const struct step_env *env, size_t provider, size_t initiator,
			   struct prediction *out);

struct step_env {
	const char *rig;			/* "vlab" in the virtual lab */
	const char *skip_all;		/* a reason that skips every step, or "" */
	const struct rigdev *dev;
	const struct p2prig_info *info;
	const struct scenario *sc;
	const struct provider_state *providers;		/* as sc->providers */
	const struct initiator_state *initiators;	/* as sc->initiators */
	const struct storage_state *storages;		/* as sc->storages */
	const char *out_dir;			/* the results folder: fio keeps its JSON there */
	predict_fn predict;				/* NULL: no doctor */
	void *predict_data;
	/* A two-node run: the link to the other runner; NULL in one guest. */
	struct node_peer *peer;
	/*
	 * Turns the step's dma trace off for good (NULL: nothing traced): a
	 * transfer step calls it after its own mapping, before the timed pairs.
	 */
	void (*trace_off)(void *data);
	void *trace_data;
	/* The host filled the BAR's backing with this seed's pattern (--oracle-seed). */
	bool has_oracle;
	uint64_t oracle_seed;
};

/*
 * Runs one step and fills out (zeroed, name and action already set):
 * verdict, reason and whatever was measured. Appends a short account of
 * what happened to progress, for the live progress line.
 */
typedef void (*step_run_fn)(const struct step_env *env, const struct scenario_step *step,
			    struct step_report *out, char *progress, size_t progress_size);

struct step_runner {
	enum step_action action;
	step_run_fn run;
};

const struct step_runner *step_runner_find(enum step_action action);

void step_transfer_run(const struct step_env *env, const struct scenario_step *step,
		       struct step_report *out, char *progress, size_t progress_size);
void step_rdma_run(const struct step_env *env, const struct scenario_step *step,
		   struct step_report *out, char *progress, size_t progress_size);
void step_fio_run(const struct step_env *env, const struct scenario_step *step,
		  struct step_report *out, char *progress, size_t progress_size);
void step_copy_run(const struct step_env *env, const struct scenario_step *step,
		   struct step_report *out, char *progress, size_t progress_size);
void step_map_cost_run(const struct step_env *env, const struct scenario_step *step,
		       struct step_report *out, char *progress, size_t progress_size);

/* Helpers shared by actions. */
__attribute__((format(printf, 3, 4)))
void step_set_reason(struct step_report *out, enum step_verdict verdict, const char *fmt, ...);
/* Appends "; text" (or text) to the reason. */
__attribute__((format(printf, 2, 3)))
void step_add_reason(struct step_report *out, const char *fmt, ...);
/* An ioctl's error: EOPNOTSUPP skips the step, anything else fails it. */
void step_ioctl_failed(struct step_report *out, int rc, const char *who, const char *call);
__attribute__((format(printf, 3, 4)))
void step_progress(char *progress, size_t size, const char *fmt, ...);

#endif
