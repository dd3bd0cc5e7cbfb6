/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `p2prig junit`: one JUnit XML document (the Jenkins and GitLab flavour)
 * for one or more result.json, a <testsuite> each: a testcase per step,
 * kernel-health, one per host check ("host-NAME"), and "run-complete", an
 * error, when the run did not finish. Skips and failures carry their
 * reason as the message; the figure lines go to <system-out>.
 */
#ifndef P2PRIG_JUNIT_H
#define P2PRIG_JUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "results/result_view.h"

#define JUNIT_INCOMPLETE_TEST "run-complete"

/* Writes the runs V[0..N-1] to OUT; 0, or -1 when OUT reports a write error. */
int junit_write(FILE *out, const struct result_view *v, size_t n);

#endif
