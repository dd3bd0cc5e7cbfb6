// SPDX-License-Identifier: GPL-2.0
/* THE table of step actions: one line per action, its ops at the end of its folder. */
#include "actions/action.h"

#include <string.h>

#include "util/array_size.h"

/* Each defined at the end of its folder's main file. */
extern const struct step_action_ops transfer_action, rdma_action, dmabuf_action, fio_action,
	nvme_copy_action, map_cost_action;

const struct step_action_ops *const step_actions[] = {
	&transfer_action,
	&rdma_action,
	&dmabuf_action,
	&fio_action,
	&nvme_copy_action,
	&map_cost_action,
};

const size_t n_step_actions = ARRAY_SIZE(step_actions);

const struct step_action_ops *step_action_find(const char *name)
{
	for (size_t i = 0; i < n_step_actions; i++)
		if (strcmp(step_actions[i]->name, name) == 0)
			return step_actions[i];
	return NULL;
}

const struct step_action_ops *step_runner_find(enum step_action action)
{
	for (size_t i = 0; i < n_step_actions; i++)
		if (step_actions[i]->action == action)
			return step_actions[i];
	return NULL;
}

const struct step_action_ops *step_action_of(const struct scenario_step *step)
{
	return step->action_name ? step_runner_find(step->action) : NULL;
}
