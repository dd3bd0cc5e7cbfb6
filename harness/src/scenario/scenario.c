// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario file parser. Each line is read on its own and every problem is
 * recorded; references between lines (a step's provider and initiator,
 * sizes against them) are checked once the whole file is read, so lines
 * may come in any order. This file reads the file, splits its lines and
 * hands each to its keyword: step lines here, whose keys are the action's
 * (actions/action.h); the others in declarations.c, expect.c,
 * storage_lines.c.
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
#include "util/read_all.h"

#define MAX_WORDS 32
#define BLANKS " \t\r\v\f"

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
	size_t size = 0;

	if (f) {
		bool read_error;
		char *text = read_all_and_close(f, &size, &read_error);

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
