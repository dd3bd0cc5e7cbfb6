// SPDX-License-Identifier: GPL-2.0
/*
 * The dmabuf action: a transfer step whose mapping is a dma-buf the module
 * exports from the provider's chunk and imports for the initiator
 * (method= is the export method). The transfer's code does the work, told
 * that it is a dma-buf; what is the dmabuf step's own is said there.
 */
#include "actions/action.h"
#include "actions/transfer/transfer.h"

static bool parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		       struct pending_step *pending)
{
	return transfer_parse_keys(p, words, n, step, pending, true);
}

static void check_refs(struct parser *p, struct scenario_step *step,
		       const struct pending_step *pending)
{
	transfer_check_refs(p, step, pending, true);
}

static void run(const struct step_env *env, const struct scenario_step *step,
		struct step_report *out, char *progress, size_t progress_size)
{
	transfer_run(env, step, out, progress, progress_size, true);
}

const struct step_action_ops dmabuf_action = {
	.name = "dmabuf",
	.action = STEP_DMABUF,
	.parse_keys = parse_keys,
	.check_refs = check_refs,
	.chunk_region = transfer_chunk_region,
	.seed = transfer_seed,
	.uses_chunk = transfer_uses_chunk,
	.pair = transfer_pair,
	.run = run,
	.summarise = transfer_summarise,
};
