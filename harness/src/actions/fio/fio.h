/* SPDX-License-Identifier: GPL-2.0 */
/* The fio action's parts, as its ops struct (fio_step.c) joins them. */
#ifndef P2PRIG_FIO_H
#define P2PRIG_FIO_H

#include "actions/action.h"

/* fio_parse.c */
step_parse_keys_fn fio_parse_keys;
step_check_refs_fn fio_check_refs;

#endif
