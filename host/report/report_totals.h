/* SPDX-License-Identifier: MIT */
/* Internal to report*.c: one count of the outcomes, shared by KTAP's "# Totals:" line, JSON's
 * "totals" and JUnit's tests/failures/errors/skipped, so every format says the same. */
#ifndef IRQLAB_HOST_REPORT_TOTALS_H
#define IRQLAB_HOST_REPORT_TOTALS_H

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

struct report_totals {
	int tests;                          /* selected tests */
	int pass, fail, xfail, xpass, skip;
	int error;                          /* crashed, timed out or never ran: KTAP's "error" */
	int timeout, not_run;               /* the parts of `error` JSON also names */
};

/* Count the selected tests of one suite into t (adding to what t holds). */
void totals_add_suite(struct report_totals *t, const struct plan_suite *s);

/* Count every selected test of the plan (t is zeroed first). */
void totals_of_plan(struct report_totals *t, const struct plan *p);

/* JUnit's words for the same numbers: failures = fail + xpass, errors = error,
 * skipped = skip + xfail (an expected failure is not a failure of the run). */
int totals_junit_failures(const struct report_totals *t);
int totals_junit_skipped(const struct report_totals *t);

/* "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N" as kselftest prints it. */
void totals_ktap_line(FILE *f, const struct report_totals *t);

/* Wall-clock time of a monotonic now_ns() instant, as ISO 8601 UTC "YYYY-MM-DDTHH:MM:SS". */
void totals_timestamp(uint64_t mono_ns, char *buf, size_t len);

#endif
