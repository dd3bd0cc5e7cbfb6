/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A step action as a plug-in: one ops struct per action, at the end of its
 * folder's main file (actions/ACTION/), listed in actions.c's table. The
 * scenario parser reads `step NAME ACTION key=value...` and hands the words
 * to the action; the run calls the action for everything about it. To add
 * an action: its folder with its ops struct, and one line in actions.c.
 * Every hook but name, action, parse_keys and run may be NULL (false).
 */
#ifndef P2PRIG_ACTION_H
#define P2PRIG_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

struct json_object;
struct parser;
struct pending_step;
struct step_env;
struct step_report;

/* The hooks' types, so an action's header declares each in one line. */
typedef bool step_parse_keys_fn(struct parser *p, char **words, size_t n,
				struct scenario_step *step, struct pending_step *pending);
typedef void step_check_refs_fn(struct parser *p, struct scenario_step *step,
				const struct pending_step *pending);
typedef bool step_check_expect_fn(struct parser *p, const struct scenario_step *step,
				  const struct scenario_expect *e, const char *what);
typedef void step_run_fn(const struct step_env *env, const struct scenario_step *step,
			 struct step_report *out, char *progress, size_t progress_size);
typedef void step_summarise_fn(struct json_object *steps);

struct step_action_ops {
	const char *name;		/* the ACTION of a step line */
	enum step_action action;
	/* The step line's key=value words; names are resolved at the end of the file. */
	step_parse_keys_fn *parse_keys;
	/* End of file (p->line is the step's): names resolved, sizes checked against them. */
	step_check_refs_fn *check_refs;
	/* Whether `expect WHAT` applies to the step; says why not. NULL: every one does. */
	step_check_expect_fn *check_expect;
	/* `expect methods-agree` compares such steps' steady map/unmap timings. */
	bool compares_methods;
	/* The part of a provider's chunk the step writes (for `expect oracle`); false: none. */
	bool (*chunk_region)(const struct scenario_step *step, size_t *provider, uint64_t *start,
			     uint64_t *end);
	/* The seed of the pattern its read-back is checked against, without `expect pattern`. */
	uint64_t (*seed)(const struct scenario_step *step);
	/* Whether the step maps or exports PROVIDER's chunk through the module. */
	bool (*uses_chunk)(const struct scenario_step *step, size_t provider);
	/* The provider and initiator the step pairs, for the doctor to predict. */
	bool (*pair)(const struct scenario_step *step, size_t *provider, size_t *initiator);
	/* The run traces the dma events around the step. */
	bool traced;
	/*
	 * Runs one step and fills out (zeroed, name and action already set):
	 * verdict, reason and whatever was measured. Appends a short account of
	 * what happened to progress, for the live progress line.
	 */
	step_run_fn *run;
	/* Its figures into the step's object of result.json. */
	void (*write_json)(const struct step_report *report, struct json_object *step);
	/*
	 * `p2prig summary`: its section, from result.json's steps. Actions that
	 * share a section share the hook; the summary prints each one once.
	 */
	step_summarise_fn *summarise;
};

/* The table, in the order the summary prints its sections. */
extern const struct step_action_ops *const step_actions[];
extern const size_t n_step_actions;

/* By the ACTION word of a step line, or NULL. */
const struct step_action_ops *step_action_find(const char *name);
/* By a parsed step's action; never NULL for a step that parsed. */
const struct step_action_ops *step_runner_find(enum step_action action);
/* The step's ops, NULL when its action word was unknown. */
const struct step_action_ops *step_action_of(const struct scenario_step *step);

#endif
