// SPDX-License-Identifier: GPL-2.0
/* Helpers step actions share: their verdict's reason and the progress line. */
#include "actions/step.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void append_v(char *buf, size_t size, const char *sep, const char *fmt, va_list ap)
{
	size_t used = strlen(buf);

	if (used && used < size)
		used += (size_t)snprintf(buf + used, size - used, "%s", sep);
	if (used < size)
		vsnprintf(buf + used, size - used, fmt, ap);
}

void step_set_reason(struct step_report *out, enum step_verdict verdict, const char *fmt, ...)
{
	va_list ap;

	out->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

void step_add_reason(struct step_report *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(out->reason, sizeof(out->reason), "; ", fmt, ap);
	va_end(ap);
}

void step_ioctl_failed(struct step_report *out, int rc, const char *who, const char *call)
{
	if (rc == -EOPNOTSUPP)
		step_set_reason(out, VERDICT_SKIP, "%s: not supported by this kernel (EOPNOTSUPP)",
				who);
	else
		step_set_reason(out, VERDICT_FAIL, "%s: %s failed: %s", who, call, strerror(-rc));
}

void step_progress(char *progress, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(progress, size, ", ", fmt, ap);
	va_end(ap);
}
