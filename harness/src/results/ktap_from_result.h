/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `p2prig ktap`: KTAP version 1 made from a result.json alone, after the
 * fact: the tests ktap.txt has (a step each, kernel-health) with their
 * figures as diagnostics, then a "host-NAME" test per check the host made
 * after the guest ended. ktap.c's writers print every line, so both agree.
 */
#ifndef P2PRIG_KTAP_FROM_RESULT_H
#define P2PRIG_KTAP_FROM_RESULT_H

#include <stdio.h>

#include "results/result_view.h"

/* Writes V to OUT; 0, or -1 when OUT reports a write error. */
int ktap_from_result(FILE *out, const struct result_view *v);

#endif
