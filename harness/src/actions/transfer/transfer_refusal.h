/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A MAP the kernel refused. The kernel's p2pdma refuses a pair it finds
 * no path for (NOT_SUPPORTED) and MAP then returns -EREMOTEIO; the runner
 * records every such refusal in the step's report (refused,
 * refused_errno), whether or not the step expected it, so a reader of
 * result.json needs no error text to tell a refusal from a failure.
 */
#ifndef P2PRIG_TRANSFER_REFUSAL_H
#define P2PRIG_TRANSFER_REFUSAL_H

#include <stdbool.h>

#include "results/result.h"

/*
 * Whether MAP's error RC is a refusal of the pair: -EREMOTEIO always,
 * -EIO too when the step expects one (`expect refused`: a method that
 * turns the refusal into -EIO still meets it).
 */
bool transfer_map_refused(int rc, bool expected);

/*
 * Records MAP's error RC into OUT (WHO: "method mmio" and the like). A
 * refusal sets refused and refused_errno; one the step expects is no
 * failure: true, the step goes on to its expectations. Anything else
 * decides the verdict (a fail, a skip for EOPNOTSUPP) and gives false.
 */
bool transfer_map_failed(struct step_report *out, int rc, bool expected, const char *who);

#endif
