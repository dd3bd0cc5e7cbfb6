/* SPDX-License-Identifier: GPL-2.0 */
/* The fio action's parts, as its ops struct (fio_step.c) joins them. */
#ifndef P2PRIG_FIO_H
#define P2PRIG_FIO_H

#include "actions/step.h"
#include "scenario/scenario_parser.h"

/* fio_parse.c */
bool fio_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		    struct pending_step *pending);
void fio_check_refs(struct parser *p, struct scenario_step *step,
		    const struct pending_step *pending);

#endif
