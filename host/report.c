/* SPDX-License-Identifier: MIT */
/*
 * Results: guest events move a small state machine over the plan (suite -> test -> result ->
 * suite end) and stream KTAP version 1 (design.md: nested suites indented by two spaces).
 * Out-of-order events are protocol violations, returned as text for pvport.c to report.
 */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define INDENT "  "

static bool ktap(const struct report *r)
{
	return r->fmt == FMT_KTAP;
}

/* Guest text inside one KTAP line: control characters become '?'. */
static int ktap_char(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/* The version line comes first, before any diagnostic (a guest may PRINT before HELLO). */
static void print_version(struct report *r)
{
	if (r->version_printed || !ktap(r))
		return;
	r->version_printed = true;
	fputs("KTAP version 1\n", r->out);
}

/* Print one diagnostic block, each line prefixed. */
static void print_diag(struct report *r, const char *indent, const char *text)
{
	const char *p = text;

	if (*p)
		print_version(r);
	while (ktap(r) && *p) {
		fprintf(r->out, "%s# ", indent);
		for (; *p && *p != '\n'; p++)
			fputc(ktap_char(*p), r->out);
		fputc('\n', r->out);
		if (*p == '\n')
			p++;
	}
}

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

static void print_header(struct report *r, int nsuites)
{
	if (r->header_printed)
		return;
	r->header_printed = true;
	print_version(r);
	if (ktap(r))
		fprintf(r->out, "1..%d\n", nsuites);
}

void report_init(struct report *r, enum report_format fmt, FILE *out, const char *junit_path,
		 const char *image)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->fmt = fmt;
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
	r->plan = *plan;
	memset(plan, 0, sizeof(*plan));
	r->have_plan = true;
	r->hello_ns = now_ns();
	print_header(r, r->plan.nselected);
	if (r->platform && ktap(r))
		fprintf(r->out, "# platform %s: %d known defects recorded\n", r->platform->sig,
			r->platform->nexpect);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void test_line(struct report *r, const struct plan_test *t)
{
	static const char *const directive[] = {
		[OUT_SKIP] = "SKIP", [OUT_XFAIL] = "XFAIL", [OUT_ERROR] = "ERROR",
		[OUT_TIMEOUT] = "TIMEOUT", [OUT_NOT_RUN] = "SKIP",
	};
	/* kselftest prints an expected failure as "ok N name # XFAIL". */
	bool ok = t->outcome == OUT_PASS || t->outcome == OUT_SKIP || t->outcome == OUT_XFAIL;

	fprintf(r->out, INDENT "%sok %d %s", ok ? "" : "not ", ++r->ktap_test_no, t->name);
	if (t->outcome < ARRAY_SIZE(directive) && directive[t->outcome])
		fprintf(r->out, " # %s", directive[t->outcome]);
	if (t->reason && t->outcome != OUT_PASS && t->outcome != OUT_FAIL) {
		fputc(' ', r->out);
		for (const char *p = t->reason; *p; p++)  /* the reason must stay on this line */
			fputc(*p == '\n' ? ' ' : ktap_char(*p), r->out);
	}
	fputc('\n', r->out);
}

static void suite_line(struct report *r, int s, const char *directive)
{
	const struct plan_suite *suite = &r->plan.suites[s];
	bool ok = true, all_skipped = suite->nselected > 0;

	for (int t = 0; t < suite->ntests; t++) {
		const struct plan_test *test = &suite->tests[t];

		if (!test->selected)
			continue;
		ok &= test->outcome == OUT_PASS || test->outcome == OUT_SKIP || test->outcome == OUT_XFAIL;
		all_skipped &= test->outcome == OUT_SKIP;
	}
	if (!ktap(r))
		return;
	fprintf(r->out, "%sok %d %s", ok ? "" : "not ", ++r->ktap_suite_no, suite->name);
	if (directive)
		fprintf(r->out, " # %s", directive);
	else if (all_skipped)
		fprintf(r->out, " # SKIP all tests skipped");
	fputc('\n', r->out);
}

static void suite_open_lines(struct report *r, int s)
{
	const struct plan_suite *suite = &r->plan.suites[s];

	r->ktap_test_no = 0;
	if (ktap(r))
		fprintf(r->out, INDENT "KTAP version 1\n" INDENT "# Subtest: %s\n" INDENT "1..%d\n",
			suite->name, suite->nselected);
}

/* Emit every selected test of suite s that has no outcome as not run, saying why. */
static void close_tests(struct report *r, int s, const char *why)
{
	struct plan_suite *suite = &r->plan.suites[s];

	for (int t = 0; t < suite->ntests; t++) {
		struct plan_test *test = &suite->tests[t];

		if (!test->selected || test->outcome != OUT_NOT_RUN)
			continue;
		if (!test->reason)
			test->reason = xstrdup(why);
		if (ktap(r))
			test_line(r, test);
	}
}

/* Give up suites [r->next_suite, upto) that have selected tests but never started. */
static void skip_suites(struct report *r, int upto, const char *why)
{
	for (; r->next_suite < upto; r->next_suite++) {
		if (!r->plan.suites[r->next_suite].nselected)
			continue;
		suite_open_lines(r, r->next_suite);
		close_tests(r, r->next_suite, why);
		suite_line(r, r->next_suite, NULL);
	}
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
		skip_suites(r, s, "not run: the guest skipped this suite");
		r->cur_suite = s;
		r->next_suite = s + 1;
		suite_open_lines(r, s);
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
		print_diag(r, INDENT, why);
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
	if (!err) {
		test->outcome = verdict_outcome(v);
		test->dur_ns = now_ns() - test->start_ns;
		if (*diag)
			test->reason = xstrdup(diag);
		/* the guest usually PRINTed its failure already: show it once */
		if (*diag && v == PV_FAIL && !(test->log && strstr(test->log, diag)))
			print_diag(r, INDENT, diag);
		apply_expectation(r, test);
		r->cur_test = -1;
		if (ktap(r))
			test_line(r, test);
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

const char *report_outcome(struct report *r, enum outcome o, const char *reason)
{
	struct plan_test *test;

	pthread_mutex_lock(&r->lock);
	if (r->cur_test < 0) {
		pthread_mutex_unlock(&r->lock);
		return "outcome without a running test";
	}
	test = &r->plan.suites[r->cur_suite].tests[r->cur_test];
	test->outcome = o;
	test->dur_ns = now_ns() - test->start_ns;
	if (*reason)
		test->reason = xstrdup(reason);
	apply_expectation(r, test);
	r->cur_test = -1;
	if (ktap(r))
		test_line(r, test);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
	return NULL;
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
		close_tests(r, s, "not run: the guest did not run this test");
		suite_line(r, s, NULL);
		r->cur_suite = -1;
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

void report_diag(struct report *r, const char *text)
{
	pthread_mutex_lock(&r->lock);
	print_diag(r, r->cur_suite >= 0 ? INDENT : "", text);
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
		print_diag(r, r->cur_suite >= 0 ? INDENT : "", line);
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
	suite->tests[0].dur_ns = now_ns() - r->start_ns;
	r->plan.suites = suite;
	r->plan.nsuites = r->plan.nselected = 1;
	r->have_plan = true;
	print_header(r, 1);
	if (ktap(r))
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
		if (ktap(r))
			test_line(r, test);
		r->cur_test = -1;
	} else {
		print_diag(r, r->cur_suite >= 0 ? INDENT : "", summary);
	}
	if (details)  /* after the result line, as the crash's own diagnostics */
		print_diag(r, r->cur_suite >= 0 ? INDENT : "", details);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
}

static int exit_status(const struct report *r)
{
	int ran = 0, skipped = 0, failed = 0;

	if (r->crash != OUT_NOT_RUN)
		return EXIT_GUEST;
	for (int s = 0; s < r->plan.nsuites; s++)
		for (int t = 0; t < r->plan.suites[s].ntests; t++) {
			const struct plan_test *test = &r->plan.suites[s].tests[t];

			if (!test->selected)
				continue;
			ran++;
			skipped += test->outcome == OUT_SKIP;
			failed += test->outcome == OUT_FAIL || test->outcome == OUT_NOT_RUN;
		}
	if (failed || r->guest_status)
		return EXIT_TEST_FAILED;
	return ran && skipped == ran ? EXIT_SKIP : EXIT_PASS;
}

int report_finish(struct report *r)
{
	char why[PV_TEXT_MAX + 32];
	int status;

	pthread_mutex_lock(&r->lock);
	if (r->crash != OUT_NOT_RUN)
		snprintf(why, sizeof(why), "not run: %s", r->crash_summary);
	else
		snprintf(why, sizeof(why), "not run: the guest ended before it");
	print_header(r, 0);
	if (r->cur_suite >= 0) {
		close_tests(r, r->cur_suite, why);
		suite_line(r, r->cur_suite, NULL);
		r->cur_suite = -1;
	}
	skip_suites(r, r->plan.nsuites, why);
	status = exit_status(r);
	if (r->fmt == FMT_JSON)
		report_write_json(r, r->out, status);
	if (r->junit_path && report_write_junit(r, r->junit_path) < 0)
		warnx("%s: cannot write JUnit report", r->junit_path);
	fflush(r->out);
	pthread_mutex_unlock(&r->lock);
	return status;
}
