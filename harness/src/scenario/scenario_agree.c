// SPDX-License-Identifier: GPL-2.0
/* `expect methods-agree [within=N%]` in a scenario file, and its partners. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/methods_agree.h"
#include "scenario/scenario_parser.h"

bool parse_agree_within(struct parser *p, const char *value, double *percent)
{
	static const char key[] = "within=";
	const char *number = value + strlen(key);
	char *end;
	double n;

	if (strncmp(value, key, strlen(key)) != 0) {
		ERROR(p, "bad value '%s' for 'expect methods-agree' (expected within=N%%)", value);
		return false;
	}
	n = strtod(number, &end);
	if (end == number || strcmp(end, "%") != 0 || !(n > 0.0 && n <= 100.0)) {
		ERROR(p, "bad tolerance '%s' for 'expect methods-agree' (expected within=N%% with "
		      "N above 0 and at most 100, such as within=3%%)", number);
		return false;
	}
	*percent = n;
	return true;
}

/* A stated agreement needs a method that can agree and a step to agree with. */
void check_methods_agree_steps(struct parser *p)
{
	struct scenario *sc = p->sc;

	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct scenario_step *step = &sc->steps[i];
		const struct scenario_expect *e = scenario_step_expect(step, EXPECT_METHODS_AGREE);
		bool partnered = false;

		/* An unknown provider or initiator was reported where it was named. */
		if (!e || !step->action_name || step->action != STEP_TRANSFER ||
		    !step->transfer.method || step->transfer.provider == SCENARIO_NO_INDEX ||
		    step->transfer.initiator == SCENARIO_NO_INDEX)
			continue;
		p->line = e->line;
		/* mmio and resource, or mmio-host and resource-host: methods_agree.c */
		if (!step->transfer.method->mmio_like) {
			ERROR(p, "'expect methods-agree' compares mmio and resource mappings, but step "
			      "'%s' maps by %s", step->name, step->transfer.method->name);
			continue;
		}
		for (size_t j = 0; j < sc->n_steps && !partnered; j++)
			partnered = methods_agree_partners(step, &sc->steps[j]);
		if (!partnered)
			ERROR(p, "'expect methods-agree': no other transfer step maps provider '%s' for "
			      "the same initiator and size by mmio or resource (step '%s' has nothing "
			      "to agree with)", sc->providers[step->transfer.provider].name, step->name);
	}
}
