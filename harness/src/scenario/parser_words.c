// SPDX-License-Identifier: GPL-2.0
/*
 * What every kind of scenario line is read with: errors collected in line
 * order, names, key=value words, sizes, offsets and numbers. The actions'
 * parse hooks use these too (scenario_parser.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_parser.h"
#include "util/numparse.h"

#define NAME_SYNTAX "[a-z0-9][a-z0-9-]*"

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

bool parser_new_declaration(struct parser *p, const char *what, const char *usage, size_t takes,
			    const char *first_name, const int *first_line, size_t stride, size_t n)
{
	const char *name;

	if (!parser_has_words(p, 3, what, usage))
		return false;
	if (takes)
		parser_no_more_words(p, takes, usage);
	name = p->words[0];
	if (!parser_check_name(p, what, name))
		return true;
	for (size_t i = 0; i < n; i++) {
		const char *other = first_name + i * stride;
		const int *line = (const int *)((const char *)first_line + i * stride);

		if (strcmp(other, name) == 0)
			ERROR(p, "duplicate %s name '%s' (the first is at line %d)", what, name,
			      *line);
	}
	return true;
}

bool parser_room_for_one_more(struct parser *p, size_t n, size_t max, const char *what)
{
	if (n < max)
		return true;
	ERROR(p, "too many %s (at most %zu)", what, max);
	return false;
}

void parser_name_declaration(char into[SCENARIO_NAME_MAX], const char *name)
{
	if (strlen(name) < SCENARIO_NAME_MAX)
		snprintf(into, SCENARIO_NAME_MAX, "%s", name);
}

bool parser_has_words(struct parser *p, size_t needs, const char *what, const char *usage)
{
	if (p->n_words >= needs)
		return true;
	ERROR(p, "incomplete %s line (expected %s)", what, usage);
	return false;
}

bool parser_unknown(struct parser *p, const char *what, const char *word, const char *choices)
{
	ERROR(p, "unknown %s '%s' (expected %s)", what, word, choices);
	return false;
}

bool parser_unknown_kind(struct parser *p, const char *what, const char *word,
			 const char *(*choices)(char *buf, size_t size))
{
	char buf[128];

	return parser_unknown(p, what, word, choices(buf, sizeof(buf)));
}

/* Words of fixed-arity lines beyond what the line takes. */
bool parser_no_more_words(struct parser *p, size_t takes, const char *usage)
{
	if (p->n_words <= takes)
		return true;
	ERROR(p, "unexpected word '%s' (expected %s)", p->words[takes], usage);
	return false;
}

/* The longest key name and the most keys a line takes. */
#define KEY_NAME_MAX 32
#define KEYS_MAX 16

struct key_spec {
	char name[KEY_NAME_MAX];
	bool required;
};

/* The keys of a usage list, "a b [c]"; aborts unless there are N_KEYS (a bug, not input). */
static void split_key_list(const char *list, struct key_spec *keys, size_t n_keys)
{
	size_t count = 0;

	for (const char *s = list + strspn(list, " "); *s; s += strspn(s, " ")) {
		size_t len = strcspn(s, " ");
		bool optional = s[0] == '[' && s[len - 1] == ']';

		if (count == KEYS_MAX || len - 2 * optional >= KEY_NAME_MAX)
			abort();
		snprintf(keys[count].name, KEY_NAME_MAX, "%.*s", (int)(len - 2 * optional),
			 s + optional);
		keys[count++].required = !optional;
		s += len;
	}
	if (count != n_keys) {
		fprintf(stderr, "p2prig: key list '%s' has %zu keys, not %zu\n", list, count,
			n_keys);
		abort();
	}
}

bool parser_read_keys(struct parser *p, char **words, size_t n, const char *key_list,
		      size_t n_keys, const char *needed_by, const char **values)
{
	struct key_spec keys[KEYS_MAX];
	bool ok = true;

	split_key_list(key_list, keys, n_keys);
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

void parser_keep_name(char into[SCENARIO_NAME_MAX], const char *value)
{
	if (value)
		snprintf(into, SCENARIO_NAME_MAX, "%s", value);
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

bool parser_read_bounded(struct parser *p, const char *key, const char *text, uint64_t min,
			 uint64_t max, uint64_t *out)
{
	if (!parser_read_number(p, key, text, out))
		return false;
	if (*out < min || *out > max) {
		ERROR(p, "%s %s is out of range (expected %" PRIu64 " to %" PRIu64 ")", key, text,
		      min, max);
		return false;
	}
	return true;
}

bool parser_read_count(struct parser *p, const char *key, const char *text, uint32_t min,
		       uint32_t max, uint32_t *out)
{
	uint64_t n;

	if (!parser_read_bounded(p, key, text, min, max, &n))
		return false;
	*out = (uint32_t)n;
	return true;
}
