// SPDX-License-Identifier: GPL-2.0
/*
 * The dmabuf action: a transfer step whose mapping is a dma-buf the module
 * exports from the provider's chunk and imports for the initiator
 * (method= is the export method). The transfer's code does the work,
 * telling the two apart by the step's action; what is the dmabuf step's
 * own is said there.
 */
#include "actions/action.h"
#include "actions/transfer/transfer.h"

const struct step_action_ops dmabuf_action = {
	.name = "dmabuf",
	.action = STEP_DMABUF,
	.parse_keys = transfer_step_parse_keys,
	.check_refs = transfer_step_check_refs,
	.chunk_region = transfer_chunk_region,
	.seed = transfer_seed,
	.uses_chunk = transfer_uses_chunk,
	.pair = transfer_pair,
	.run = transfer_run,
	.summarise = transfer_summarise,
};
