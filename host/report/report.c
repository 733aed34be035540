/* SPDX-License-Identifier: MIT */
/*
 * Results: guest events move a small state machine over the plan (suite -> test -> result ->
 * suite end) and stream KTAP version 1 (docs/results.md: nested suites indented by two spaces).
 * Out-of-order events are protocol violations, returned (-EPROTO + reason) for session.c to
 * report. Diagnostics and metrics: report_log.c.
 */
#include "report.h"
#include "report_ktap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void report_init(struct report *r, enum report_format fmt, FILE *out, const char *junit_path,
		 const char *image)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->fmt = r->hello_fmt = fmt;
	r->out = out;
	r->junit_path = junit_path;
	r->image = image;
	r->cur_suite = r->cur_test = -1;
	r->start_ns = now_ns();
}

void report_free(struct report *r)
{
	plan_free(&r->plan);
	free(r->metrics);
	free(r->crash_summary);
	pthread_mutex_destroy(&r->lock);
}

int report_plan(struct report *r, struct plan *plan, struct reason *why)
{
	pthread_mutex_lock(&r->lock);
	if (r->have_plan) {
		pthread_mutex_unlock(&r->lock);
		return failf(why, -EPROTO, "HELLO sent twice");
	}
	r->plan = *plan;
	memset(plan, 0, sizeof(*plan));
	r->have_plan = true;
	r->fmt = r->hello_fmt;     /* a multiboot kernel that speaks the protocol gets the report */
	r->hello_ns = now_ns();
	ktap_header(r, r->plan.nselected);
	if (r->platform && ktap_on(r))
		fprintf(r->out, "# platform %s: %d known defects recorded\n", r->platform->sig,
			r->platform->nexpect);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int report_suite_begin(struct report *r, int s, struct reason *why)
{
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (!r->have_plan)
		err = failf(why, -EPROTO, "SUITE before HELLO");
	else if (r->cur_suite >= 0)
		err = failf(why, -EPROTO, "SUITE while another suite is open");
	else if (s < r->next_suite || s >= r->plan.nsuites || !r->plan.suites[s].nselected)
		err = failf(why, -EPROTO, "SUITE index out of order, out of range or not selected");
	if (!err) {
		ktap_skip_suites(r, s, "not run: the guest skipped this suite");
		r->cur_suite = s;
		r->next_suite = s + 1;
		ktap_suite_open(r, s);
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

int report_test_begin(struct report *r, int t, struct reason *why)
{
	int err = 0;
	struct plan_suite *suite;

	pthread_mutex_lock(&r->lock);
	suite = r->cur_suite >= 0 ? &r->plan.suites[r->cur_suite] : NULL;
	if (!suite)
		err = failf(why, -EPROTO, "TEST outside a suite");
	else if (r->cur_test >= 0)
		err = failf(why, -EPROTO, "TEST while another test runs");
	else if (t < 0 || t >= suite->ntests || !suite->tests[t].selected)
		err = failf(why, -EPROTO, "TEST index out of range or not selected");
	else if (suite->tests[t].outcome != OUT_NOT_RUN)
		err = failf(why, -EPROTO, "TEST started twice");
	if (!err) {
		r->cur_test = t;
		suite->tests[t].start_ns = now_ns();
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* A failure whose text (diagnostic and log) is the defect the platform's expectations record
 * is an XFAIL; any other failure stays a failure, with a line saying the recorded defect's
 * pattern did not match; a recorded defect that did not show is an unexpected pass (XPASS),
 * a failure of the run, so a fixed or a new defect stands out. */
static void apply_expectation(struct report *r, struct plan_test *test)
{
	const char *suite = r->plan.suites[r->cur_suite].name;
	const struct expectation *e = platform_lookup(r->platform, suite, test->name);
	bool failed = test->outcome == OUT_FAIL || test->outcome == OUT_ERROR || test->outcome == OUT_TIMEOUT;
	char why[640];

	if (!e || !(failed || test->outcome == OUT_PASS))
		return;
	if (failed && !platform_defect_matches(e, test->reason, test->log)) {
		snprintf(why, sizeof(why), "not the known defect: %s records /%s/ for %s, which this failure "
			 "does not print", e->file, e->pattern, r->platform->sig);
		ktap_diag(r, true, why);
		plan_test_log(test, why, strlen(why));
		return;
	}
	if (failed) {
		snprintf(why, sizeof(why), "known defect of %s (%s): %s", r->platform->sig, e->file, e->reason);
		test->outcome = OUT_XFAIL;
	} else {
		snprintf(why, sizeof(why), "unexpected pass: the defect recorded in %s for %s did not show: %s",
			 e->file, r->platform->sig, e->reason);
		test->outcome = OUT_XPASS;
		ktap_diag(r, true, why);
	}
	free(test->reason);
	test->reason = xstrdup(why);
}

static enum outcome verdict_outcome(enum pv_verdict v)
{
	switch (v) {
	case PV_PASS: return OUT_PASS;
	case PV_SKIP: return OUT_SKIP;
	case PV_XFAIL: return OUT_XFAIL;
	default: return OUT_FAIL;
	}
}

/* The running test ended: record, apply the platform's expectations, print. Lock held. */
static void end_test(struct report *r, struct plan_test *test, enum outcome o, const char *reason,
		     bool show_reason)
{
	test->outcome = o;
	test->dur_ns = now_ns() - test->start_ns;
	if (*reason)
		test->reason = xstrdup(reason);
	if (show_reason)
		ktap_diag(r, true, reason);
	if (test->log_dropped) {
		char line[128];

		snprintf(line, sizeof(line), "truncated: %llu diagnostic bytes of this test dropped (cap %u)",
			 (unsigned long long)test->log_dropped, REPORT_LOG_TEST_MAX);
		ktap_diag(r, true, line);
	}
	apply_expectation(r, test);
	r->cur_test = -1;
	if (ktap_on(r))
		ktap_test_line(r, test);
	fflush(r->out);
}

int report_result(struct report *r, enum pv_verdict v, const char *name, const char *diag,
		  struct reason *why)
{
	int err = 0;
	struct plan_test *test = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test < 0)
		err = failf(why, -EPROTO, "RESULT without a running test");
	else if (v > PV_XFAIL)
		err = failf(why, -EPROTO, "RESULT with an unknown verdict");
	else if (strcmp(name, (test = &r->plan.suites[r->cur_suite].tests[r->cur_test])->name))
		err = failf(why, -EPROTO, "RESULT names another test than the running one");
	if (!err) /* the guest usually PRINTed its failure already: show it once */
		end_test(r, test, verdict_outcome(v), diag,
			 *diag && v == PV_FAIL && !(test->log && strstr(test->log, diag)));
	pthread_mutex_unlock(&r->lock);
	return err;
}

int report_outcome(struct report *r, enum outcome o, const char *reason, struct reason *why)
{
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test < 0)
		err = failf(why, -EPROTO, "outcome without a running test");
	else
		end_test(r, &r->plan.suites[r->cur_suite].tests[r->cur_test], o, reason, false);
	pthread_mutex_unlock(&r->lock);
	return err;
}

int report_suite_end(struct report *r, int s, struct reason *why)
{
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (r->cur_suite < 0 || s != r->cur_suite)
		err = failf(why, -EPROTO, "SUITE_END for a suite that is not open");
	else if (r->cur_test >= 0)
		err = failf(why, -EPROTO, "SUITE_END while a test runs");
	if (!err) {
		ktap_close_tests(r, s, "not run: the guest did not run this test");
		ktap_suite_line(r, s, NULL);
		r->cur_suite = -1;
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

int report_done(struct report *r, int guest_status, struct reason *why)
{
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test >= 0 || r->cur_suite >= 0)
		err = failf(why, -EPROTO, "DONE while a suite or test is open");
	else if (!r->done && r->crash == OUT_NOT_RUN) {
		r->done = true;
		r->guest_status = guest_status;
		r->end_ns = now_ns();
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

bool report_ended(struct report *r)
{
	bool ended;

	pthread_mutex_lock(&r->lock);
	ended = r->done || r->crash != OUT_NOT_RUN;
	pthread_mutex_unlock(&r->lock);
	return ended;
}
