/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenario parser's internals: shared by scenario.c (the file, its
 * keywords, providers, initiators, steps and expectations), storage_lines.c
 * and scenario_agree.c, and given to each action's parse_keys and
 * check_refs hooks (actions/action.h). Not for anything else.
 */
#ifndef P2PRIG_SCENARIO_PARSER_H
#define P2PRIG_SCENARIO_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

/* What a step line named, kept until the whole file is read. */
struct pending_step {
	char provider[SCENARIO_NAME_MAX];	/* also a fio or copy step's buffer= */
	char initiator[SCENARIO_NAME_MAX];
	char storage[SCENARIO_NAME_MAX];	/* a fio step's storage=, a copy's from= */
	char to[SCENARIO_NAME_MAX];		/* a copy's to= */
	char ram[SCENARIO_NAME_MAX];		/* a map-cost step's ram= */
};

struct parser {
	struct scenario *sc;
	int line;
	char **words;		/* after the keyword */
	size_t n_words;
	const char *rest;	/* text after the keyword, trimmed */
	struct pending_step pending[SCENARIO_MAX_STEPS];
};

__attribute__((format(printf, 3, 4)))
void scenario_error_at(struct scenario *sc, int line, const char *fmt, ...);
#define ERROR(p, ...) scenario_error_at((p)->sc, (p)->line, __VA_ARGS__)

/* Words of fixed-arity lines beyond the TAKES the line takes; reports them. */
bool parser_no_more_words(struct parser *p, size_t takes, const char *usage);

/* A WHAT line needs NEEDS words after its keyword; else "incomplete WHAT line". */
bool parser_has_words(struct parser *p, size_t needs, const char *what, const char *usage);
/* "unknown WHAT 'WORD' (expected CHOICES)"; false. */
bool parser_unknown(struct parser *p, const char *what, const char *word, const char *choices);
/* The same for a kind of scenario/kinds.h, CHOICES one of its *_kind_choices(). */
bool parser_unknown_kind(struct parser *p, const char *what, const char *word,
			 const char *(*choices)(char *buf, size_t size));

/* NAME is [a-z0-9][a-z0-9-]*; what says which kind of line names it. */
bool parser_check_name(struct parser *p, const char *what, const char *name);

/*
 * The start of a line declaring `WHAT NAME KIND ...` (USAGE): at least
 * three words (false if not: nothing more can be read), no more than
 * TAKES (0: any), and NAME well formed and not one of the N declared
 * before it (DECLS, an array of structs with name and line members).
 */
#define PARSER_NEW_DECLARATION(p, what, usage, takes, decls, n)			\
	parser_new_declaration(p, what, usage, takes, (decls)[0].name, &(decls)[0].line, \
			       sizeof((decls)[0]), n)
bool parser_new_declaration(struct parser *p, const char *what, const char *usage, size_t takes,
			    const char *first_name, const int *first_line, size_t stride, size_t n);
/* Whether N declarations (of at most MAX) leave room for one more; else "too many WHAT". */
bool parser_room_for_one_more(struct parser *p, size_t n, size_t max, const char *what);
/* A declaration's NAME, kept when it fits: a bad one was reported and stays empty. */
void parser_name_declaration(char into[SCENARIO_NAME_MAX], const char *name);

/*
 * key=value words, validated against KEY_LIST: the keys as the line's usage
 * lists them, a bracketed one optional ("storage buffer [engine]").
 * values[i] is the value of the i-th key, or NULL when absent; N_KEYS is
 * how many keys KEY_LIST names. Returns false on any error.
 */
bool parser_read_keys(struct parser *p, char **words, size_t n, const char *key_list,
		      size_t n_keys, const char *needed_by, const char **values);
/* A name a step line gives (VALUE, or nothing when NULL), kept to be resolved at the end. */
void parser_keep_name(char into[SCENARIO_NAME_MAX], const char *value);
bool parser_read_size(struct parser *p, const char *key, const char *text, uint64_t *out);
/* Where a region starts: 0 or more, a multiple of 4K. */
bool parser_read_offset(struct parser *p, const char *text, uint64_t *out);
bool parser_read_number(struct parser *p, const char *key, const char *text, uint64_t *out);
/* A number in [MIN, MAX] for KEY; *OUT holds what was read even when it is out of range. */
bool parser_read_bounded(struct parser *p, const char *key, const char *text, uint64_t min,
			 uint64_t max, uint64_t *out);
/* The same into a 32-bit count, set only when the number is in range. */
bool parser_read_count(struct parser *p, const char *key, const char *text, uint32_t min,
		       uint32_t max, uint32_t *out);

/* The lines other than step lines, each read on its own (declarations.c). */
void parse_describe(struct parser *p);
void parse_config(struct parser *p);
void parse_nodes(struct parser *p);
void parse_require(struct parser *p);
void parse_provider(struct parser *p);
void parse_initiator(struct parser *p);
/*
 * End of file: the provider or initiator a step names (the first so
 * declared), or SCENARIO_NO_INDEX, after an error unless NAME is empty.
 */
size_t parser_find_provider(struct parser *p, const char *name);
size_t parser_find_initiator(struct parser *p, const char *name);
/* An expect line, about the step above it (expect.c). */
void parse_expect(struct parser *p);
/* End of file: `expect oracle` steps on host-readable providers, not written over (expect.c). */
void check_oracle_steps(struct parser *p);

/* A storage line (storage_lines.c). */
void parse_storage(struct parser *p);

/* `expect methods-agree` (scenario_agree.c): VALUE is within=N% (0 < N <= 100). */
bool parse_agree_within(struct parser *p, const char *value, double *percent);
/* End of file: each such step has an equivalent step to agree with. */
void check_methods_agree_steps(struct parser *p);

#endif
