// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario file parser. Each line is read on its own and every problem is
 * recorded; references between lines (a step's provider and initiator,
 * sizes against them) are checked once the whole file is read, so lines
 * may come in any order.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"
#include "actions/action.h"
#include "scenario/scenario_parser.h"
#include "uapi/p2prig.h"
#include "util/array_size.h"

#define MAX_WORDS 32
#define BLANKS " \t\r\v\f"
#define NAME_SYNTAX "[a-z0-9][a-z0-9-]*"
#define EXPECT_CHOICES \
	"verified, pattern SEED, dma-address bar|iova|ram|bounced, map-type TYPE, refused, oracle " \
	"or methods-agree [within=N%%]"
#define MAP_TYPE_CHOICES "BUS_ADDR, THRU_HOST_BRIDGE, NOT_SUPPORTED or predicted"

void scenario_error_at(struct scenario *sc, int line, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	struct scenario_error *grown = realloc(sc->errors, (sc->n_errors + 1) * sizeof(*grown));
	if (!grown)
		abort();
	sc->errors = grown;

	/* Keep line order: end-of-file checks come last but may name earlier lines. */
	size_t at = sc->n_errors;
	while (at > 0 && sc->errors[at - 1].line > line)
		at--;
	memmove(&sc->errors[at + 1], &sc->errors[at], (sc->n_errors - at) * sizeof(*grown));

	char *text;
	int n = line > 0 ? asprintf(&text, "%s:%d: %s", sc->file, line, message)
			 : asprintf(&text, "%s: %s", sc->file, message);
	if (n < 0)
		abort();
	sc->errors[at] = (struct scenario_error){ .line = line, .text = text };
	sc->n_errors++;
}

bool parser_check_name(struct parser *p, const char *what, const char *name)
{
	bool ok = (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9');

	for (const char *c = name + 1; ok && *c; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
	if (!ok) {
		ERROR(p, "bad %s name '%s' (expected " NAME_SYNTAX ")", what, name);
		return false;
	}
	if (strlen(name) >= SCENARIO_NAME_MAX) {
		ERROR(p, "%s name '%s' is too long (at most %d characters)", what, name,
		      SCENARIO_NAME_MAX - 1);
		return false;
	}
	return true;
}

/* Words of fixed-arity lines beyond what the line takes. */
static bool check_no_more_words(struct parser *p, size_t takes, const char *usage)
{
	if (p->n_words <= takes)
		return true;
	ERROR(p, "unexpected word '%s' (expected %s)", p->words[takes], usage);
	return false;
}

bool parser_read_keys(struct parser *p, char **words, size_t n, const struct key_spec *keys,
		      size_t n_keys, const char *needed_by, const char **values)
{
	bool ok = true;

	for (size_t k = 0; k < n_keys; k++)
		values[k] = NULL;
	for (size_t w = 0; w < n; w++) {
		char *eq = strchr(words[w], '=');
		if (!eq || eq == words[w]) {
			ERROR(p, "expected key=value, got '%s'", words[w]);
			ok = false;
			continue;
		}
		*eq = '\0';
		size_t k = 0;
		while (k < n_keys && strcmp(keys[k].name, words[w]) != 0)
			k++;
		if (k == n_keys) {
			char choices[256] = "";
			for (size_t i = 0; i < n_keys; i++)
				choices_append(choices, sizeof(choices), i, n_keys, keys[i].name);
			ERROR(p, "unknown key '%s' (expected %s)", words[w], choices);
			ok = false;
		} else if (values[k]) {
			ERROR(p, "duplicate key '%s'", words[w]);
			ok = false;
		} else {
			values[k] = eq + 1;
		}
		*eq = '=';
	}
	for (size_t k = 0; k < n_keys; k++) {
		if (keys[k].required && !values[k]) {
			ERROR(p, "missing key '%s=' (required by %s)", keys[k].name, needed_by);
			ok = false;
		}
	}
	return ok;
}

bool parser_read_size(struct parser *p, const char *key, const char *text, uint64_t *out)
{
	if (parse_size(text, out) && *out > 0)
		return true;
	ERROR(p, "bad size '%s' for %s (expected a number > 0 with an optional K, M or G suffix)",
	      text, key);
	return false;
}

/* As mappings start: on a page. */
bool parser_read_offset(struct parser *p, const char *text, uint64_t *out)
{
	if (!parse_size(text, out)) {
		ERROR(p, "bad offset '%s' (expected a number with an optional K, M or G suffix)",
		      text);
		return false;
	}
	if (*out % SCENARIO_PAGE_SIZE) {
		ERROR(p, "offset %s is not a multiple of 4K (a mapping starts on a page)", text);
		return false;
	}
	return true;
}

bool parser_read_number(struct parser *p, const char *key, const char *text, uint64_t *out)
{
	if (parse_number(text, out))
		return true;
	ERROR(p, "bad number '%s' for %s (expected decimal or 0x hex)", text, key);
	return false;
}

static void check_selector(struct parser *p, const char *text, struct selector *out)
{
	const char *libpci_says;

	if (selector_parse(text, out, &libpci_says))
		return;
	if (libpci_says)
		ERROR(p, "bad selector '%s' (libpci: %s; expected %s)", text, libpci_says,
		      SELECTOR_SYNTAX);
	else
		ERROR(p, "bad selector '%s' (expected %s)", text, SELECTOR_SYNTAX);
}

static void parse_describe(struct parser *p)
{
	struct scenario *sc = p->sc;

	if (sc->description) {
		ERROR(p, "duplicate 'describe' (the first is at line %d)", sc->describe_line);
		return;
	}
	if (!*p->rest) {
		ERROR(p, "'describe' needs one sentence saying what the scenario shows");
		return;
	}
	sc->description = strdup(p->rest);
	sc->describe_line = p->line;
}

/* The rig configuration (configs/NAME_defconfig) the scenario is written for. */
static void parse_config(struct parser *p)
{
	struct scenario *sc = p->sc;

	if (sc->config_line) {
		ERROR(p, "duplicate 'config' (the first is at line %d)", sc->config_line);
		return;
	}
	if (p->n_words != 1) {
		ERROR(p, "'config' needs one NAME (a configs/NAME_defconfig)");
		return;
	}
	if (!parser_check_name(p, "config", p->words[0]))
		return;
	snprintf(sc->config, sizeof(sc->config), "%s", p->words[0]);
	sc->config_line = p->line;
}

/* How many guests run the scenario: one, or a server and a client joined by a link. */
static void parse_nodes(struct parser *p)
{
	struct scenario *sc = p->sc;
	uint64_t n;

	if (sc->nodes_line) {
		ERROR(p, "duplicate 'nodes' (the first is at line %d)", sc->nodes_line);
		return;
	}
	if (p->n_words != 1) {
		ERROR(p, "'nodes' needs one number N (1, or 2: a server and a client guest)");
		return;
	}
	if (!parse_number(p->words[0], &n) || n < 1 || n > SCENARIO_MAX_NODES) {
		ERROR(p, "bad node count '%s' (expected 1, or 2: a server and a client guest)",
		      p->words[0]);
		return;
	}
	sc->nodes = (unsigned int)n;
	sc->nodes_line = p->line;
}

static void parse_require(struct parser *p)
{
	static const char usage[] = "require kernel VERSION";
	struct scenario *sc = p->sc;

	if (p->n_words == 0 || strcmp(p->words[0], "kernel") != 0) {
		ERROR(p, "unknown requirement '%s' (expected %s)",
		      p->n_words ? p->words[0] : "", usage);
		return;
	}
	if (p->n_words < 2) {
		ERROR(p, "'require kernel' needs a VERSION (e.g. 6.18)");
		return;
	}
	if (!check_no_more_words(p, 2, usage))
		return;
	struct kversion v;
	if (!kversion_parse(p->words[1], &v) || strlen(p->words[1]) >= sizeof(sc->min_kernel_text)) {
		ERROR(p, "bad kernel version '%s' (expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 6.18)",
		      p->words[1]);
		return;
	}
	if (sc->requires_kernel) {
		ERROR(p, "duplicate 'require kernel'");
		return;
	}
	sc->requires_kernel = true;
	sc->min_kernel = v;
	snprintf(sc->min_kernel_text, sizeof(sc->min_kernel_text), "%s", p->words[1]);
}

static void parse_provider(struct parser *p)
{
	static const char usage[] = "provider NAME KIND SELECTOR size=SIZE (RAM: provider NAME ram size=SIZE)";
	static const struct key_spec keys[] = { { "size", true } };
	struct scenario *sc = p->sc;
	struct scenario_provider prov = { .line = p->line };

	if (p->n_words < 3) {
		ERROR(p, "incomplete provider line (expected %s)", usage);
		return;
	}
	const char *name = p->words[0];
	if (parser_check_name(p, "provider", name)) {
		for (size_t i = 0; i < sc->n_providers; i++)
			if (strcmp(sc->providers[i].name, name) == 0)
				ERROR(p, "duplicate provider name '%s' (the first is at line %d)",
				      name, sc->providers[i].line);
	}
	prov.kind = provider_kind_find(p->words[1]);
	if (!prov.kind) {
		char choices[128];
		ERROR(p, "unknown provider kind '%s' (expected %s)", p->words[1],
		      provider_kind_choices(choices, sizeof(choices)));
	}
	/* System RAM has no device to select. */
	size_t keys_at = 3;
	if (prov.kind && !prov.kind->peer) {
		keys_at = 2;
		const char *w = p->words[2];
		if (!strchr(w, '=') || strncmp(w, "id=", 3) == 0 || strncmp(w, "slot=", 5) == 0) {
			ERROR(p, "provider kind %s is system RAM and takes no SELECTOR, got '%s'",
			      prov.kind->name, w);
			keys_at = 3;
		}
	} else {
		check_selector(p, p->words[2], &prov.selector);
	}
	uint64_t max_size = prov.kind ? prov.kind->max_size : P2PRIG_MAX_CHUNK_SIZE;

	const char *values[ARRAY_SIZE(keys)];
	if (parser_read_keys(p, p->words + keys_at, p->n_words - keys_at, keys, ARRAY_SIZE(keys),
		      "provider lines", values) &&
	    parser_read_size(p, "size", values[0], &prov.size)) {
		char limit[SIZE_TEXT_MAX], size[SIZE_TEXT_MAX];
		format_size(max_size, limit, sizeof(limit));
		format_size(prov.size, size, sizeof(size));
		/* A size the module would refuse is left 0: steps then skip the size check. */
		if (prov.size % SCENARIO_PAGE_SIZE) {
			ERROR(p, "provider size %s is not a multiple of 4K (peer memory comes in pages)",
			      size);
			prov.size = 0;
		} else if (prov.size > max_size) {
			ERROR(p, "provider size %s is larger than the module lends for %s (%s)", size,
			      prov.kind ? prov.kind->name : "any kind", limit);
			prov.size = 0;
		}
	}

	if (sc->n_providers == SCENARIO_MAX_PROVIDERS) {
		ERROR(p, "too many providers (at most %d)", SCENARIO_MAX_PROVIDERS);
		return;
	}
	/* A bad provider is still recorded so steps naming it report nothing more. */
	if (strlen(name) < SCENARIO_NAME_MAX)
		snprintf(prov.name, sizeof(prov.name), "%s", name);
	sc->providers[sc->n_providers++] = prov;
}

static void parse_initiator(struct parser *p)
{
	static const char usage[] = "initiator NAME KIND SELECTOR";
	struct scenario *sc = p->sc;
	struct scenario_initiator init = { .line = p->line };

	if (p->n_words < 3) {
		ERROR(p, "incomplete initiator line (expected %s)", usage);
		return;
	}
	check_no_more_words(p, 3, usage);
	const char *name = p->words[0];
	if (parser_check_name(p, "initiator", name)) {
		for (size_t i = 0; i < sc->n_initiators; i++)
			if (strcmp(sc->initiators[i].name, name) == 0)
				ERROR(p, "duplicate initiator name '%s' (the first is at line %d)",
				      name, sc->initiators[i].line);
	}
	init.kind = initiator_kind_find(p->words[1]);
	if (!init.kind) {
		char choices[128];
		ERROR(p, "unknown initiator kind '%s' (expected %s)", p->words[1],
		      initiator_kind_choices(choices, sizeof(choices)));
	}
	check_selector(p, p->words[2], &init.selector);

	if (sc->n_initiators == SCENARIO_MAX_INITIATORS) {
		ERROR(p, "too many initiators (at most %d)", SCENARIO_MAX_INITIATORS);
		return;
	}
	if (strlen(name) < SCENARIO_NAME_MAX)
		snprintf(init.name, sizeof(init.name), "%s", name);
	sc->initiators[sc->n_initiators++] = init;
}

static void parse_step(struct parser *p)
{
	struct scenario *sc = p->sc;
	struct scenario_step step = { .line = p->line };
	struct pending_step pending = { 0 };

	if (p->n_words < 2) {
		ERROR(p, "incomplete step line (expected step NAME ACTION key=value...)");
		/* Still a step, so its expect lines are not reported as orphans. */
	}
	if (p->n_words >= 1 && parser_check_name(p, "step", p->words[0])) {
		snprintf(step.name, sizeof(step.name), "%s", p->words[0]);
		for (size_t i = 0; i < sc->n_steps; i++)
			if (strcmp(sc->steps[i].name, step.name) == 0)
				ERROR(p, "duplicate step name '%s' (the first is at line %d)",
				      step.name, sc->steps[i].line);
	}
	if (p->n_words >= 2) {
		const struct step_action_ops *a = step_action_find(p->words[1]);
		if (!a) {
			char choices[128] = "";
			for (size_t i = 0; i < n_step_actions; i++)
				choices_append(choices, sizeof(choices), i, n_step_actions,
					       step_actions[i]->name);
			ERROR(p, "unknown step action '%s' (expected %s)", p->words[1], choices);
		} else {
			step.action = a->action;
			step.action_name = a->name;
			a->parse_keys(p, p->words + 2, p->n_words - 2, &step, &pending);
		}
	}

	if (sc->n_steps == SCENARIO_MAX_STEPS) {
		ERROR(p, "too many steps (at most %d)", SCENARIO_MAX_STEPS);
		return;
	}
	p->pending[sc->n_steps] = pending;
	sc->steps[sc->n_steps++] = step;
}

static const char *const expect_dma_names[] = {
	[EXPECT_DMA_BAR] = "bar",
	[EXPECT_DMA_IOVA] = "iova",
	[EXPECT_DMA_RAM] = "ram",
	[EXPECT_DMA_BOUNCED] = "bounced",
};

static const char *const expect_map_type_names[] = {
	[EXPECT_MAP_PREDICTED] = "predicted",
	[EXPECT_MAP_NOT_SUPPORTED] = "NOT_SUPPORTED",
	[EXPECT_MAP_BUS_ADDR] = "BUS_ADDR",
	[EXPECT_MAP_THRU_HOST_BRIDGE] = "THRU_HOST_BRIDGE",
};

const char *expect_dma_name(enum expect_dma dma)
{
	return (size_t)dma < ARRAY_SIZE(expect_dma_names) ? expect_dma_names[dma] : "?";
}

const char *expect_map_type_name(enum expect_map_type type)
{
	return (size_t)type < ARRAY_SIZE(expect_map_type_names) ? expect_map_type_names[type] : "?";
}

/* Index of VALUE in NAMES; false when VALUE is NULL or not there. */
static bool lookup_name(const char *value, const char *const *names, size_t n, size_t *found)
{
	for (size_t i = 0; value && i < n; i++) {
		if (names[i] && strcmp(names[i], value) == 0) {
			*found = i;
			return true;
		}
	}
	return false;
}

/* Expectations about the bytes moved, which a refused mapping cannot meet. */
static bool expect_about_data(enum expect_what what)
{
	return what == EXPECT_VERIFIED || what == EXPECT_PATTERN || what == EXPECT_DMA_ADDRESS ||
	       what == EXPECT_ORACLE;
}

static void parse_expect(struct parser *p)
{
	size_t found;
	struct scenario *sc = p->sc;
	struct scenario_expect e = { .line = p->line };
	static const char *const names[] = {
		[EXPECT_VERIFIED] = "verified",
		[EXPECT_PATTERN] = "pattern",
		[EXPECT_DMA_ADDRESS] = "dma-address",
		[EXPECT_MAP_TYPE] = "map-type",
		[EXPECT_REFUSED] = "refused",
		[EXPECT_ORACLE] = "oracle",
		[EXPECT_METHODS_AGREE] = "methods-agree",
	};

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
	if (strcmp(what, "verified") == 0) {
		e.what = EXPECT_VERIFIED;
		if (value) {
			ERROR(p, "'expect verified' takes no value, got '%s'", value);
			return;
		}
	} else if (strcmp(what, "pattern") == 0) {
		e.what = EXPECT_PATTERN;
		if (!value) {
			ERROR(p, "'expect pattern' needs a SEED (decimal or 0x hex)");
			return;
		}
		if (!check_no_more_words(p, 2, "expect pattern SEED") ||
		    !parser_read_number(p, "expect pattern", value, &e.seed))
			return;
	} else if (strcmp(what, "dma-address") == 0) {
		e.what = EXPECT_DMA_ADDRESS;
		if (!lookup_name(value, expect_dma_names, ARRAY_SIZE(expect_dma_names), &found)) {
			ERROR(p, "bad value '%s' for 'expect dma-address' (expected bar, iova, ram or bounced)",
			      value ? value : "");
			return;
		}
		if (!check_no_more_words(p, 2, "expect dma-address bar|iova|ram|bounced"))
			return;
		e.dma = (enum expect_dma)found;
	} else if (strcmp(what, "map-type") == 0) {
		e.what = EXPECT_MAP_TYPE;
		if (!lookup_name(value, expect_map_type_names, ARRAY_SIZE(expect_map_type_names),
				 &found) || !expect_map_type_names[found]) {
			ERROR(p, "bad value '%s' for 'expect map-type' (expected " MAP_TYPE_CHOICES ")",
			      value ? value : "");
			return;
		}
		if (!check_no_more_words(p, 2, "expect map-type TYPE"))
			return;
		e.map_type = (enum expect_map_type)found;
	} else if (strcmp(what, "refused") == 0) {
		e.what = EXPECT_REFUSED;
		if (value) {
			ERROR(p, "'expect refused' takes no value, got '%s'", value);
			return;
		}
	} else if (strcmp(what, "oracle") == 0) {
		e.what = EXPECT_ORACLE;
		if (value) {
			ERROR(p, "'expect oracle' takes no value, got '%s'", value);
			return;
		}
	} else if (strcmp(what, "methods-agree") == 0) {
		e.what = EXPECT_METHODS_AGREE;
		e.within_percent = SCENARIO_DEFAULT_AGREE_PERCENT;
		if (!check_no_more_words(p, 2, "expect methods-agree [within=N%]") ||
		    (value && !parse_agree_within(p, value, &e.within_percent)))
			return;
	} else {
		ERROR(p, "unknown expectation '%s' (expected " EXPECT_CHOICES ")", what);
		return;
	}
	/* Which expectations apply is the action's to say. */
	const struct step_action_ops *ops = step_action_of(step);
	if (e.what == EXPECT_METHODS_AGREE && ops && !ops->compares_methods) {
		ERROR(p, "'expect methods-agree' applies to transfer steps (it compares their steady "
		      "map and unmap timings), not to %s steps", step->action_name);
		return;
	}
	if (ops && ops->check_expect && !ops->check_expect(p, step, &e, names[e.what]))
		return;
	const struct scenario_expect *before = scenario_step_expect(step, e.what);
	if (before) {
		ERROR(p, "duplicate 'expect %s' for step '%s' (the first is at line %d)",
		      names[e.what], step->name, before->line);
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
			      names[e.what], names[other], step->expects[i].line);
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

static void parse_allow_dmesg(struct parser *p)
{
	struct scenario *sc = p->sc;
	struct scenario_allow *a = &sc->allows[sc->n_allows];

	if (!*p->rest) {
		ERROR(p, "'allow-dmesg' needs a REGEX (POSIX extended)");
		return;
	}
	if (sc->n_allows == SCENARIO_MAX_ALLOWS) {
		ERROR(p, "too many allow-dmesg lines (at most %d)", SCENARIO_MAX_ALLOWS);
		return;
	}
	int rc = regcomp(&a->regex, p->rest, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];
		regerror(rc, &a->regex, why, sizeof(why));
		ERROR(p, "invalid allow-dmesg regex '%s' (%s)", p->rest, why);
		return;
	}
	a->text = strdup(p->rest);
	a->line = p->line;
	sc->n_allows++;
}

static const struct keyword {
	const char *name;
	void (*parse)(struct parser *);
} keywords[] = {
	{ "describe", parse_describe },
	{ "config", parse_config },
	{ "nodes", parse_nodes },
	{ "require", parse_require },
	{ "provider", parse_provider },
	{ "initiator", parse_initiator },
	{ "storage", parse_storage },
	{ "step", parse_step },
	{ "expect", parse_expect },
	{ "allow-dmesg", parse_allow_dmesg },
};

/* '#' starts a comment at the start of a word, so a regex may still hold one. */
static void strip_comment(char *line)
{
	for (char *c = line; *c; c++) {
		if (*c == '#' && (c == line || strchr(BLANKS, c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

static void trim(char **s)
{
	char *end;

	*s += strspn(*s, BLANKS);
	end = *s + strlen(*s);
	while (end > *s && strchr(BLANKS, end[-1]))
		*--end = '\0';
}

/*
 * A scenario is text: a control byte means the wrong file (binary, or
 * another encoding), and printing the line back would garble the terminal.
 */
static bool line_is_text(struct parser *p, const char *line)
{
	for (const char *c = line; *c; c++) {
		unsigned char b = (unsigned char)*c;

		if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) {
			ERROR(p, "not text: byte 0x%02x at column %td (a scenario is a plain text file)",
			      b, c - line + 1);
			return false;
		}
	}
	return true;
}

static void parse_line(struct parser *p, char *line)
{
	char *words_buf = NULL, *save = NULL, *words[MAX_WORDS];
	size_t n = 0;

	if (!line_is_text(p, line))
		return;
	strip_comment(line);
	trim(&line);
	if (!*line)
		return;
	words_buf = strdup(line);
	for (char *w = strtok_r(words_buf, BLANKS, &save); w; w = strtok_r(NULL, BLANKS, &save)) {
		if (n == MAX_WORDS) {
			ERROR(p, "too many words (at most %d)", MAX_WORDS);
			free(words_buf);
			return;
		}
		words[n++] = w;
	}

	const struct keyword *kw = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strcmp(keywords[i].name, words[0]) == 0)
			kw = &keywords[i];
	if (!kw) {
		char choices[256] = "";
		for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
			choices_append(choices, sizeof(choices), i, ARRAY_SIZE(keywords),
				       keywords[i].name);
		ERROR(p, "unknown keyword '%s' (expected %s)", words[0], choices);
		free(words_buf);
		return;
	}

	char *rest = line + strlen(words[0]);
	trim(&rest);
	p->words = words + 1;
	p->n_words = n - 1;
	p->rest = rest;
	kw->parse(p);
	free(words_buf);
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
static void check_oracle_steps(struct parser *p)
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

static void check_whole_file(struct parser *p, int last_line)
{
	struct scenario *sc = p->sc;

	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct step_action_ops *ops = step_action_of(&sc->steps[i]);

		p->line = sc->steps[i].line;
		if (ops && ops->check_refs)
			ops->check_refs(p, &sc->steps[i], &p->pending[i]);
	}
	check_oracle_steps(p);
	check_methods_agree_steps(p);

	p->line = last_line;
	if (!sc->description)
		ERROR(p, "missing 'describe' line (one sentence saying what the scenario shows)");
	if (sc->n_steps == 0)
		ERROR(p, "no steps (a scenario needs at least one 'step' line)");
}

size_t scenario_parse_text(const char *file, const char *text, struct scenario *sc)
{
	struct parser *p = calloc(1, sizeof(*p));
	int line_no = 0;

	memset(sc, 0, sizeof(*sc));
	sc->file = strdup(file);
	const char *slash = strrchr(file, '/');
	sc->name = strdup(slash ? slash + 1 : file);
	if (!p || !sc->file || !sc->name)
		abort();
	p->sc = sc;
	sc->nodes = 1;

	for (const char *at = text; *at;) {
		size_t len = strcspn(at, "\n");
		char *line = strndup(at, len);
		if (!line)
			abort();
		p->line = ++line_no;
		parse_line(p, line);
		free(line);
		at += len;
		if (*at == '\n')
			at++;
	}
	check_whole_file(p, line_no > 0 ? line_no : 1);
	free(p);
	return sc->n_errors;
}

/* A file not parsed at all: one error, WHY, at LINE (0: the file as a whole). */
static size_t refuse_file(const char *path, struct scenario *sc, int line, const char *why)
{
	memset(sc, 0, sizeof(*sc));
	sc->file = strdup(path);
	sc->name = strdup(path);
	if (line)
		scenario_error_at(sc, line, "%s", why);
	else
		scenario_error_at(sc, 0, "cannot read the scenario (%s)", why);
	return sc->n_errors;
}

size_t scenario_parse_file(const char *path, struct scenario *sc)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;

	if (f) {
		FILE *mem = open_memstream(&text, &size);
		char chunk[4096];
		size_t n;
		if (!mem)
			abort();
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, mem);
		int read_error = ferror(f);
		fclose(f);
		fclose(mem);
		if (!read_error) {
			const char *nul = memchr(text, '\0', size);

			if (nul) {
				int line = 1;

				for (const char *c = text; c < nul; c++)
					line += *c == '\n';
				free(text);
				return refuse_file(path, sc, line, "not text: a NUL byte (a scenario "
						   "is a plain text file)");
			}
			size_t errors = scenario_parse_text(path, text, sc);
			free(text);
			return errors;
		}
		free(text);
		errno = EIO;
	}
	return refuse_file(path, sc, 0, strerror(errno));
}

void scenario_print_errors(const struct scenario *sc, FILE *to)
{
	for (size_t i = 0; i < sc->n_errors; i++)
		fprintf(to, "%s\n", sc->errors[i].text);
}

void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_allows; i++) {
		regfree(&sc->allows[i].regex);
		free(sc->allows[i].text);
	}
	for (size_t i = 0; i < sc->n_errors; i++)
		free(sc->errors[i].text);
	free(sc->errors);
	free(sc->description);
	free(sc->file);
	free(sc->name);
	memset(sc, 0, sizeof(*sc));
}

const struct scenario_expect *scenario_step_expect(const struct scenario_step *step,
						   enum expect_what what)
{
	for (size_t i = 0; i < step->n_expects; i++)
		if (step->expects[i].what == what)
			return &step->expects[i];
	return NULL;
}

uint64_t scenario_step_check_seed(const struct scenario_step *step)
{
	const struct scenario_expect *e = scenario_step_expect(step, EXPECT_PATTERN);

	const struct step_action_ops *ops = step_action_of(step);

	if (e)
		return e->seed;
	return ops && ops->seed ? ops->seed(step) : 0;
}
