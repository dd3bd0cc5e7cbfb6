// SPDX-License-Identifier: GPL-2.0
/* Checks and records that fio and nvme-copy steps share. */
#include "actions/storage/storage_step.h"

#include <stdio.h>
#include <string.h>

#include "actions/storage/io_buffer.h"

bool step_storage_usable(const struct step_env *env, size_t storage, struct step_report *out)
{
	const struct storage_state *st = &env->storages[storage];

	if (env->skip_all[0]) {
		step_set_reason(out, VERDICT_SKIP, "%s", env->skip_all);
		return false;
	}
	if (st->unusable[0]) {
		step_set_reason(out, st->unusable_verdict, "%s", st->unusable);
		return false;
	}
	return true;
}

bool step_buffer_usable(const struct step_env *env, size_t buffer, struct step_report *out)
{
	struct io_buffer_report *b = &out->storage_io->buffer;
	char why[RESULT_TEXT_MAX];

	if (buffer == SCENARIO_NO_INDEX) {
		snprintf(b->name, sizeof(b->name), "ram");
		return true;
	}
	const struct provider_state *prov = &env->providers[buffer];
	const struct scenario_provider *p = &env->sc->providers[buffer];

	snprintf(b->name, sizeof(b->name), "%s", p->name);
	b->peer = true;
	snprintf(out->provider.name, sizeof(out->provider.name), "%s", p->name);
	snprintf(out->provider.kind, sizeof(out->provider.kind), "%s", p->kind->name);
	if (!prov->resolved) {
		step_set_reason(out, prov->unusable_verdict, "buffer %s: %s", p->name, prov->unusable);
		return false;
	}
	out->provider.resolved = true;
	snprintf(out->provider.pci, sizeof(out->provider.pci), "%s", prov->pci_text);
	snprintf(b->pci, sizeof(b->pci), "%s", prov->pci_text);
	io_buffer_p2pmem_path(prov->pci_text, b->path, sizeof(b->path));
	if (!io_buffer_p2pmem_present(prov->pci_text, why, sizeof(why))) {
		step_set_reason(out, VERDICT_SKIP, "buffer %s: %s", p->name, why);
		return false;
	}
	return true;
}

void step_storage_expectations(const struct scenario_step *step, struct step_report *out)
{
	bool copied = out->verdict != VERDICT_SKIP && out->verified;

	for (size_t i = 0; i < step->n_expects; i++) {
		struct expectation_report *r = &out->expectations[i];

		if (out->verdict == VERDICT_SKIP) {
			r->outcome = EXPECT_NOT_EVALUATED;
		} else if (step->expects[i].what == EXPECT_ORACLE) {
			/* Half an oracle: the host compares the images after the guest ends. */
			r->outcome = copied ? EXPECT_NOT_EVALUATED : EXPECT_UNMET;
			snprintf(r->detail, sizeof(r->detail), "%s",
				 copied ? "copied and verified in the guest; the namespaces' images are "
					  "the host's to compare" : "the copy did not verify in the guest");
		} else {
			r->outcome = out->verified ? EXPECT_MET : EXPECT_UNMET;
			snprintf(r->detail, sizeof(r->detail), "%s",
				 out->verified ? "every byte read back as written"
					       : "not every byte verified");
		}
		/* The parser lets only these two through for storage steps. */
		snprintf(r->expect, sizeof(r->expect), "%s",
			 step->expects[i].what == EXPECT_ORACLE ? "oracle" : "verified");
		if (step->expects[i].what == EXPECT_ORACLE)
			out->oracle.state = copied ? ORACLE_PENDING : ORACLE_NOT_REACHED;
	}
	out->n_expectations = step->n_expects;
}
