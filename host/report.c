/* SPDX-License-Identifier: MIT */
/*
 * Results: guest events move a small state machine over the plan (suite -> test -> result ->
 * suite end) and stream KTAP version 1 (design.md: nested suites indented by two spaces).
 * Out-of-order events are protocol violations, returned as text for pvport.c to report.
 */
#include "report.h"
#include "report_ktap.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void append(char **buf, const char *text)
{
	size_t old = *buf ? strlen(*buf) : 0, add = strlen(text);
	char *p = realloc(*buf, old + add + 2);

	if (!p)
		die(EXIT_USAGE, "out of memory");
	memcpy(p + old, text, add);
	p[old + add] = '\n';
	p[old + add + 1] = '\0';
	*buf = p;
}

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
	free(r->crash_summary);
	pthread_mutex_destroy(&r->lock);
}

const char *report_plan(struct report *r, struct plan *plan)
{
	pthread_mutex_lock(&r->lock);
	if (r->have_plan) {
		pthread_mutex_unlock(&r->lock);
		return "HELLO sent twice";
	}
	plan->metrics = r->plan.metrics;   /* METRICs before HELLO are kept, not leaked */
	plan->nmetrics = r->plan.nmetrics;
	plan->metrics_cap = r->plan.metrics_cap;
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
	return NULL;
}

const char *report_suite_begin(struct report *r, int s)
{
	const char *err = NULL;

	pthread_mutex_lock(&r->lock);
	if (!r->have_plan)
		err = "SUITE before HELLO";
	else if (r->cur_suite >= 0)
		err = "SUITE while another suite is open";
	else if (s < r->next_suite || s >= r->plan.nsuites || !r->plan.suites[s].nselected)
		err = "SUITE index out of order, out of range or not selected";
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

const char *report_test_begin(struct report *r, int t)
{
	const char *err = NULL;
	struct plan_suite *suite;

	pthread_mutex_lock(&r->lock);
	suite = r->cur_suite >= 0 ? &r->plan.suites[r->cur_suite] : NULL;
	if (!suite)
		err = "TEST outside a suite";
	else if (r->cur_test >= 0)
		err = "TEST while another test runs";
	else if (t < 0 || t >= suite->ntests || !suite->tests[t].selected)
		err = "TEST index out of range or not selected";
	else if (suite->tests[t].outcome != OUT_NOT_RUN)
		err = "TEST started twice";
	if (!err) {
		r->cur_test = t;
		suite->tests[t].start_ns = now_ns();
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* A failure the platform's expectations record is an XFAIL; a recorded (non-flaky) defect
 * that did not show is an unexpected pass, reported as a failure so it stands out. */
static void apply_expectation(struct report *r, struct plan_test *test)
{
	const char *suite = r->plan.suites[r->cur_suite].name;
	const struct expectation *e = platform_lookup(r->platform, suite, test->name);
	char why[512];

	if (!e)
		return;
	if (test->outcome == OUT_FAIL || test->outcome == OUT_ERROR || test->outcome == OUT_TIMEOUT) {
		snprintf(why, sizeof(why), "known defect of %s (%s): %s", r->platform->sig, e->file, e->reason);
		test->outcome = OUT_XFAIL;
	} else if (test->outcome == OUT_PASS && e->kind == EXPECT_XFAIL) {
		snprintf(why, sizeof(why), "unexpected pass: the defect recorded in %s for %s did not show: %s",
			 e->file, r->platform->sig, e->reason);
		test->outcome = OUT_FAIL;
		ktap_diag(r, INDENT, why);
	} else {
		return;
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
		ktap_diag(r, INDENT, reason);
	apply_expectation(r, test);
	r->cur_test = -1;
	if (ktap_on(r))
		ktap_test_line(r, test);
	fflush(r->out);
}

const char *report_result(struct report *r, enum pv_verdict v, const char *name, const char *diag)
{
	const char *err = NULL;
	struct plan_test *test = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test < 0)
		err = "RESULT without a running test";
	else if (v > PV_XFAIL)
		err = "RESULT with an unknown verdict";
	else if (strcmp(name, (test = &r->plan.suites[r->cur_suite].tests[r->cur_test])->name))
		err = "RESULT names another test than the running one";
	if (!err) /* the guest usually PRINTed its failure already: show it once */
		end_test(r, test, verdict_outcome(v), diag,
			 *diag && v == PV_FAIL && !(test->log && strstr(test->log, diag)));
	pthread_mutex_unlock(&r->lock);
	return err;
}

const char *report_outcome(struct report *r, enum outcome o, const char *reason)
{
	const char *err = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test < 0)
		err = "outcome without a running test";
	else
		end_test(r, &r->plan.suites[r->cur_suite].tests[r->cur_test], o, reason, false);
	pthread_mutex_unlock(&r->lock);
	return err;
}

const char *report_suite_end(struct report *r, int s)
{
	const char *err = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->cur_suite < 0 || s != r->cur_suite)
		err = "SUITE_END for a suite that is not open";
	else if (r->cur_test >= 0)
		err = "SUITE_END while a test runs";
	if (!err) {
		ktap_close_tests(r, s, "not run: the guest did not run this test");
		ktap_suite_line(r, s, NULL);
		r->cur_suite = -1;
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

void report_diag(struct report *r, const char *text)
{
	pthread_mutex_lock(&r->lock);
	ktap_diag(r, r->cur_suite >= 0 ? INDENT : "", text);
	if (r->cur_test >= 0)
		append(&r->plan.suites[r->cur_suite].tests[r->cur_test].log, text);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
}

static void record_metric(struct report *r, const char *name, long long value, const char *unit,
			  bool print)
{
	struct plan_metric m = { .value = value };
	char line[3 * PV_NAME_MAX];

	pthread_mutex_lock(&r->lock);
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.unit, sizeof(m.unit), "%s", unit);
	if (r->cur_suite >= 0)
		snprintf(m.suite, sizeof(m.suite), "%s", r->plan.suites[r->cur_suite].name);
	if (r->cur_test >= 0)
		snprintf(m.test, sizeof(m.test), "%s", r->plan.suites[r->cur_suite].tests[r->cur_test].name);
	plan_add_metric(&r->plan, &m);
	snprintf(line, sizeof(line), "metric %s: %lld %s", m.name, value, m.unit);
	if (print)
		ktap_diag(r, r->cur_suite >= 0 ? INDENT : "", line);
	pthread_mutex_unlock(&r->lock);
}

void report_metric(struct report *r, const char *name, long long value, const char *unit)
{
	record_metric(r, name, value, unit, true);
}

void report_record_metric(struct report *r, const char *name, long long value, const char *unit)
{
	record_metric(r, name, value, unit, false);
}

const char *report_done(struct report *r, int guest_status)
{
	const char *err = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test >= 0 || r->cur_suite >= 0)
		err = "DONE while a suite or test is open";
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
