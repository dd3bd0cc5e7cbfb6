// SPDX-License-Identifier: GPL-2.0
/*
 * `expect` lines: what a step must show, which ones apply to its action,
 * and at the end of the file the rule of `expect oracle` (the host reads
 * the region after the run, so no later step may write over it).
 */
#include <stdio.h>
#include <string.h>

#include "actions/action.h"
#include "scenario/scenario_parser.h"
#include "util/array_size.h"
#include "util/names.h"
#include "util/numparse.h"

#define EXPECT_CHOICES \
	"verified, pattern SEED, dma-address bar|iova|ram|bounced, map-type TYPE, refused, oracle " \
	"or methods-agree [within=N%%]"
#define MAP_TYPE_CHOICES "BUS_ADDR, THRU_HOST_BRIDGE, NOT_SUPPORTED or predicted"

NAMED_ENUM_NAMES(expect_dma, enum expect_dma, [EXPECT_DMA_BAR] = "bar",
		 [EXPECT_DMA_IOVA] = "iova", [EXPECT_DMA_RAM] = "ram",
		 [EXPECT_DMA_BOUNCED] = "bounced")
NAMED_ENUM_NAMES(expect_map_type, enum expect_map_type, [EXPECT_MAP_PREDICTED] = "predicted",
		 [EXPECT_MAP_NOT_SUPPORTED] = "NOT_SUPPORTED", [EXPECT_MAP_BUS_ADDR] = "BUS_ADDR",
		 [EXPECT_MAP_THRU_HOST_BRIDGE] = "THRU_HOST_BRIDGE")

/*
 * `expect WHAT VALUE` where VALUE is one of NAMES and the line's last word:
 * its index in FOUND, or false after saying what was expected.
 */
static bool read_named_value(struct parser *p, const char *what, const char *value,
			     const char *const *names, size_t n, const char *choices,
			     const char *usage, size_t *found)
{
	if (!name_find(value, names, n, found)) {
		ERROR(p, "bad value '%s' for 'expect %s' (expected %s)", value ? value : "", what,
		      choices);
		return false;
	}
	return parser_no_more_words(p, 2, usage);
}

/* Expectations about the bytes moved, which a refused mapping cannot meet. */
static bool expect_about_data(enum expect_what what)
{
	return what == EXPECT_VERIFIED || what == EXPECT_PATTERN || what == EXPECT_DMA_ADDRESS ||
	       what == EXPECT_ORACLE;
}

NAMED_ENUM(expect_what, enum expect_what, [EXPECT_VERIFIED] = "verified",
	   [EXPECT_PATTERN] = "pattern", [EXPECT_DMA_ADDRESS] = "dma-address",
	   [EXPECT_MAP_TYPE] = "map-type", [EXPECT_REFUSED] = "refused", [EXPECT_ORACLE] = "oracle",
	   [EXPECT_METHODS_AGREE] = "methods-agree")

/* The VALUE word of `expect WHAT [VALUE]` into E, by what E expects; false after an error. */
static bool read_expect_value(struct parser *p, const char *what, const char *value,
			      struct scenario_expect *e)
{
	size_t found;

	switch (e->what) {
	case EXPECT_PATTERN:
		if (!value) {
			ERROR(p, "'expect pattern' needs a SEED (decimal or 0x hex)");
			return false;
		}
		return parser_no_more_words(p, 2, "expect pattern SEED") &&
		       parser_read_number(p, "expect pattern", value, &e->seed);
	case EXPECT_DMA_ADDRESS:
		if (!read_named_value(p, what, value, expect_dma_names,
				      ARRAY_SIZE(expect_dma_names), "bar, iova, ram or bounced",
				      "expect dma-address bar|iova|ram|bounced", &found))
			return false;
		e->dma = (enum expect_dma)found;
		return true;
	case EXPECT_MAP_TYPE:
		if (!read_named_value(p, what, value, expect_map_type_names,
				      ARRAY_SIZE(expect_map_type_names), MAP_TYPE_CHOICES,
				      "expect map-type TYPE", &found))
			return false;
		e->map_type = (enum expect_map_type)found;
		return true;
	case EXPECT_METHODS_AGREE:
		e->within_percent = SCENARIO_DEFAULT_AGREE_PERCENT;
		return parser_no_more_words(p, 2, "expect methods-agree [within=N%]") &&
		       (!value || parse_agree_within(p, value, &e->within_percent));
	default:
		/* verified, refused and oracle: one bare word. */
		if (value) {
			ERROR(p, "'expect %s' takes no value, got '%s'", what, value);
			return false;
		}
		return true;
	}
}

void parse_expect(struct parser *p)
{
	struct scenario *sc = p->sc;
	struct scenario_expect e = { .line = p->line };

	if (sc->n_steps == 0) {
		ERROR(p, "'expect' before any step (an expectation belongs to the step above it)");
		return;
	}
	struct scenario_step *step = &sc->steps[sc->n_steps - 1];
	if (p->n_words == 0) {
		ERROR(p, "'expect' needs WHAT (expected " EXPECT_CHOICES ")");
		return;
	}
	const char *what = p->words[0];
	const char *value = p->n_words > 1 ? p->words[1] : NULL;
	if (!expect_what_parse(what, &e.what)) {
		ERROR(p, "unknown expectation '%s' (expected " EXPECT_CHOICES ")", what);
		return;
	}
	if (!read_expect_value(p, what, value, &e))
		return;
	/* Which expectations apply is the action's to say. */
	const struct step_action_ops *ops = step_action_of(step);
	if (e.what == EXPECT_METHODS_AGREE && ops && !ops->compares_methods) {
		ERROR(p, "'expect methods-agree' applies to transfer steps (it compares their steady "
		      "map and unmap timings), not to %s steps", step->action_name);
		return;
	}
	if (ops && ops->check_expect && !ops->check_expect(p, step, &e, expect_what_name(e.what)))
		return;
	const struct scenario_expect *before = scenario_step_expect(step, e.what);
	if (before) {
		ERROR(p, "duplicate 'expect %s' for step '%s' (the first is at line %d)",
		      expect_what_name(e.what), step->name, before->line);
		return;
	}
	/* A refused mapping moves nothing, so nothing about data can be expected. */
	bool about_data = expect_about_data(e.what);
	for (size_t i = 0; i < step->n_expects; i++) {
		enum expect_what other = step->expects[i].what;
		bool other_data = expect_about_data(other);
		if ((e.what == EXPECT_REFUSED && other_data) ||
		    (about_data && other == EXPECT_REFUSED)) {
			ERROR(p, "'expect %s' contradicts 'expect %s' at line %d (a refused mapping moves no data)",
			      expect_what_name(e.what), expect_what_name(other),
			      step->expects[i].line);
			return;
		}
	}
	if (step->n_expects == SCENARIO_MAX_EXPECTS) {
		ERROR(p, "too many expectations for step '%s' (at most %d)", step->name,
		      SCENARIO_MAX_EXPECTS);
		return;
	}
	step->expects[step->n_expects++] = e;
}

/* The part of a provider's chunk a step writes; false when it writes none. */
static bool step_region(const struct scenario_step *s, size_t *provider, uint64_t *start,
			uint64_t *end)
{
	const struct step_action_ops *ops = step_action_of(s);

	/* fio, nvme-copy and map-cost buffers are p2pmem of their own, not the chunk. */
	if (!ops || !ops->chunk_region || !ops->chunk_region(s, provider, start, end))
		return false;
	return *provider != SCENARIO_NO_INDEX && *end > *start;
}

/*
 * `expect oracle`: the host reads the region after the run, so the
 * provider must be one whose BAR it can read, and no later step may write
 * over the bytes the step leaves there.
 */
void check_oracle_steps(struct parser *p)
{
	struct scenario *sc = p->sc;

	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct scenario_expect *e = scenario_step_expect(&sc->steps[i], EXPECT_ORACLE);
		size_t prov, other;
		uint64_t start, end, o_start, o_end;

		if (!e || !step_region(&sc->steps[i], &prov, &start, &end))
			continue;
		const struct scenario_provider *pr = &sc->providers[prov];
		p->line = e->line;
		if (pr->kind && !pr->kind->host_readable) {
			ERROR(p, "'expect oracle' needs a bar provider (the host reads the BAR through "
			      "ivshmem's backing file), but provider '%s' is %s", pr->name,
			      pr->kind->name);
			continue;
		}
		for (size_t j = i + 1; j < sc->n_steps; j++) {
			if (!step_region(&sc->steps[j], &other, &o_start, &o_end) || other != prov ||
			    o_end <= start || o_start >= end)
				continue;
			char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX];
			format_size(o_start, a, sizeof(a));
			format_size(o_end, b, sizeof(b));
			p->line = sc->steps[j].line;
			ERROR(p, "step '%s' writes [%s, %s) of provider '%s', over the bytes oracle step "
			      "'%s' (line %d) leaves for the host to check (give one of them another "
			      "offset=)", sc->steps[j].name, a, b, pr->name, sc->steps[i].name,
			      sc->steps[i].line);
		}
	}
}
