/* SPDX-License-Identifier: MIT */
/* How a run ends: a crash (the first one wins), the end-of-run closing of open suites and
 * tests that never ran, the exit status, and the JSON/JUnit files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_ktap.h"
#include "report_totals.h"
#include "signals.h"
#include "util.h"

/* A crash before HELLO: the whole run is one test named "boot". */
static void crash_without_plan(struct report *r, enum outcome how, const char *summary)
{
	struct plan_suite *suite = xcalloc(1, sizeof(*suite));

	suite->tests = xcalloc(1, sizeof(*suite->tests));
	suite->ntests = suite->nselected = 1;
	snprintf(suite->name, sizeof(suite->name), "boot");
	snprintf(suite->tests[0].name, sizeof(suite->tests[0].name), "boot");
	suite->tests[0].selected = true;
	suite->tests[0].outcome = how;
	suite->tests[0].reason = xstrdup(summary);
	suite->tests[0].start_ns = r->start_ns;
	suite->tests[0].dur_ns = now_ns() - r->start_ns;
	r->plan.suites = suite;
	r->plan.nsuites = r->plan.nselected = 1;
	r->have_plan = true;
	ktap_header(r, 1);
	if (ktap_on(r))
		fprintf(r->out, "not ok 1 boot # %s %s\n", how == OUT_TIMEOUT ? "TIMEOUT" : "ERROR", summary);
	r->ktap_suite_no = 1;
	r->next_suite = 1;
}

void report_crash(struct report *r, enum outcome how, const char *summary, const char *details)
{
	pthread_mutex_lock(&r->lock);
	if (r->crash != OUT_NOT_RUN || r->done) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	r->crash = how;
	r->crash_summary = xstrdup(summary);
	r->end_ns = now_ns();
	if (r->fmt == FMT_NONE)
		fprintf(stderr, "irqlab: %s\n%s%s", summary, details ? details : "", details ? "\n" : "");
	if (!r->have_plan) {
		crash_without_plan(r, how, summary);
	} else if (r->cur_test >= 0) {
		struct plan_test *test = &r->plan.suites[r->cur_suite].tests[r->cur_test];

		test->outcome = how;
		test->reason = xstrdup(summary);
		test->dur_ns = now_ns() - test->start_ns;
		if (ktap_on(r))
			ktap_test_line(r, test);
		r->cur_test = -1;
	} else {
		ktap_diag(r, r->cur_suite >= 0, summary);
	}
	if (details)  /* after the result line, as the crash's own diagnostics */
		ktap_diag(r, r->cur_suite >= 0, details);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
}

void report_interrupted(struct report *r, int sig)
{
	char summary[64];
	bool first;

	pthread_mutex_lock(&r->lock);
	first = r->crash == OUT_NOT_RUN && !r->done;
	if (first)
		r->signo = sig;
	pthread_mutex_unlock(&r->lock);
	snprintf(summary, sizeof(summary), "interrupted by %s", signals_name(sig));
	if (first)  /* the vCPUs are stopped: nothing else can crash in between */
		report_crash(r, OUT_ERROR, summary, NULL);
}

static int exit_status(const struct report *r)
{
	int ran = 0, skipped = 0, failed = 0, xfailed = 0, errored = 0;

	if (r->signo)
		return 128 + r->signo;
	if (r->crash != OUT_NOT_RUN)
		return EXIT_GUEST;
	for (int s = 0; s < r->plan.nsuites; s++)
		for (int t = 0; t < r->plan.suites[s].ntests; t++) {
			const struct plan_test *test = &r->plan.suites[s].tests[t];

			if (!test->selected)
				continue;
			ran++;
			skipped += test->outcome == OUT_SKIP;
			failed += test->outcome == OUT_FAIL || test->outcome == OUT_NOT_RUN ||
				  test->outcome == OUT_XPASS;
			xfailed += test->outcome == OUT_XFAIL;
			errored += test->outcome == OUT_ERROR || test->outcome == OUT_TIMEOUT;
		}
	/* A test's own error or timeout without the run's crash: `irqlab check`, each check in a
	 * VM of its own, one of which crashed or whose worker died (docs/results.md). */
	if (errored)
		return EXIT_GUEST;
	/* The guest's DONE status counts the failures it saw, which include those the platform's
	 * expectations turned into XFAIL: it decides only when no test explains it. */
	if (failed || (r->guest_status && !xfailed))
		return EXIT_TEST_FAILED;
	return ran && skipped == ran ? EXIT_SKIP : EXIT_PASS;
}

/* Did the KTAP/JSON destination take every line? A report that was not written whole fails
 * the run (EXIT_OUTPUT), with one line that says why. Lock held. */
static int check_out(struct report *r, int status, int earlier_errno)
{
	int flushed = fflush(r->out), err = flushed ? errno : earlier_errno;

	if (!flushed && !ferror(r->out))
		return status;
	warnx("cannot write the report to %s: %s", r->out == stdout ? "stdout" : "its destination",
	      err ? strerror(err) : "a write failed");
	clearerr(r->out);  /* said once: main()'s last check of stdout stays quiet */
	return EXIT_OUTPUT;
}

int report_finish(struct report *r)
{
	char why[PV_TEXT_MAX + 32];
	struct report_totals totals;
	struct reason fail;
	int status, out_err;

	pthread_mutex_lock(&r->lock);
	if (r->crash != OUT_NOT_RUN)
		snprintf(why, sizeof(why), "not run: %s", r->crash_summary);
	else
		snprintf(why, sizeof(why), "not run: the guest ended before it");
	ktap_header(r, 0);
	if (r->cur_suite >= 0) {
		ktap_close_tests(r, r->cur_suite, why);
		ktap_suite_line(r, r->cur_suite, NULL);
		r->cur_suite = -1;
	}
	ktap_skip_suites(r, r->plan.nsuites, why);
	report_truncation_note(r);
	status = exit_status(r);
	totals_of_plan(&totals, &r->plan);
	if (ktap_on(r))
		totals_ktap_line(r->out, &totals);
	out_err = fflush(r->out) ? errno : 0;  /* KTAP is complete before JUnit (may block) starts */
	if (r->junit_path && report_write_junit(r, r->junit_path, &fail) < 0) {
		warnx("%s", fail.text);  /* the run's record is incomplete: never exit 0 */
		status = EXIT_OUTPUT;
	}
	if (r->fmt == FMT_JSON)
		report_write_json(r, r->out, status);
	status = check_out(r, status, out_err);
	pthread_mutex_unlock(&r->lock);
	return status;
}
