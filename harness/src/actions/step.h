/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a step action runs with. The run prepares a step_env (the device,
 * and each provider and initiator resolved and allocated or with the
 * reason it cannot be used); an action's run hook (actions/action.h) does
 * one step and fills its report, with the helpers below.
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
