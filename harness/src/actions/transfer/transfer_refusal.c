// SPDX-License-Identifier: GPL-2.0
/*
 * A MAP the kernel refused, recorded as a refusal whether the step
 * expected it or not; only the verdict differs (transfer_refusal.h).
 */
#include "actions/transfer/transfer_refusal.h"

#include <errno.h>
#include <string.h>

#include "actions/step.h"

bool transfer_map_refused(int rc, bool expected)
{
	return rc == -EREMOTEIO || (expected && rc == -EIO);
}

bool transfer_map_failed(struct step_report *out, int rc, bool expected, const char *who)
{
	if (!transfer_map_refused(rc, expected)) {
		step_ioctl_failed(out, rc, who, "MAP");
		return false;
	}
	out->refused = true;
	out->refused_errno = -rc;
	if (expected)
		return true;
	step_set_reason(out, VERDICT_FAIL,
			"%s: MAP refused: %s (the kernel's p2pdma found no path for the pair), "
			"and the step does not expect refused", who, strerror(-rc));
	return false;
}
