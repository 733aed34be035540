/* SPDX-License-Identifier: MIT */
/* KTAP version 1 lines for report*.c: version and plan, diagnostics, result lines of tests and
 * suites (two-space nesting, docs/results.md), and the "not run" lines a run's end needs. With
 * --format tap the same lines as TAP version 13, each nested line a "# " comment (kselftest's
 * convention), for TAP consumers that know no nesting. */
#include <stdlib.h>
#include <string.h>

#include "report_ktap.h"
#include "util.h"

bool ktap_on(const struct report *r)
{
	return r->fmt == FMT_KTAP || r->fmt == FMT_TAP;
}

/* What a line nested in a suite starts with. */
static const char *nest(const struct report *r)
{
	return r->fmt == FMT_TAP ? "# " : "  ";
}

/* Guest text inside one KTAP line: control characters become '?'. */
int ktap_char(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/* The version line comes first, before any diagnostic (a guest may PRINT before HELLO). */
void ktap_version(struct report *r)
{
	if (r->version_printed || !ktap_on(r))
		return;
	r->version_printed = true;
	fputs(r->fmt == FMT_TAP ? "TAP version 13\n" : "KTAP version 1\n", r->out);
}

/* One character of guest text inside a KTAP line; returns the bytes it took. Unicode line
 * breaks (NEL, LS, PS) become '?' like control characters, so a line stays one line. */
static int ktap_put(FILE *f, const char *p)
{
	int n = utf8_line_break_len(p);

	fputc(n ? '?' : ktap_char(*p), f);
	return n ? n : 1;
}

/* Print one diagnostic block, each line prefixed. */
void ktap_diag(struct report *r, bool nested, const char *text)
{
	const char *p = text;

	if (*p)
		ktap_version(r);
	while (ktap_on(r) && *p) {
		fprintf(r->out, "%s# ", nested ? nest(r) : "");
		while (*p && *p != '\n')
			p += ktap_put(r->out, p);
		fputc('\n', r->out);
		if (*p == '\n')
			p++;
	}
}

void ktap_header(struct report *r, int nsuites)
{
	if (r->header_printed)
		return;
	r->header_printed = true;
	ktap_version(r);
	if (ktap_on(r))
		fprintf(r->out, "1..%d\n", nsuites);
}

void ktap_test_line(struct report *r, const struct plan_test *t)
{
	static const char *const directive[] = {
		[OUT_SKIP] = "SKIP", [OUT_XFAIL] = "XFAIL", [OUT_ERROR] = "ERROR",
		[OUT_TIMEOUT] = "TIMEOUT", [OUT_NOT_RUN] = "ERROR",
	};
	/* kselftest prints an expected failure as "ok N name # XFAIL". A test the run's end kept
	 * from running is "not ok ... # ERROR not run: why": never SKIP, which TAP consumers and
	 * dashboards count as "this environment cannot run it" (docs/results.md). */
	bool ok = t->outcome == OUT_PASS || t->outcome == OUT_SKIP || t->outcome == OUT_XFAIL;
	bool has_directive = t->outcome < ARRAY_SIZE(directive) && directive[t->outcome];

	fprintf(r->out, "%s%sok %d %s", nest(r), ok ? "" : "not ", ++r->ktap_test_no, t->name);
	if (has_directive)
		fprintf(r->out, " # %s", directive[t->outcome]);
	if (t->reason && has_directive) {  /* a failure's reason is its diagnostic, printed before */
		fputc(' ', r->out);
		for (const char *p = t->reason; *p;)  /* the reason must stay on this line */
			p += *p == '\n' ? (fputc(' ', r->out), 1) : ktap_put(r->out, p);
	}
	fputc('\n', r->out);
}

void ktap_suite_line(struct report *r, int s, const char *directive)
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
	if (!ktap_on(r))
		return;
	fprintf(r->out, "%sok %d %s", ok ? "" : "not ", ++r->ktap_suite_no, suite->name);
	if (directive)
		fprintf(r->out, " # %s", directive);
	else if (all_skipped)
		fprintf(r->out, " # SKIP all tests skipped");
	fputc('\n', r->out);
}

void ktap_suite_open(struct report *r, int s)
{
	const struct plan_suite *suite = &r->plan.suites[s];

	r->ktap_test_no = 0;
	if (ktap_on(r))
		fprintf(r->out, "%sKTAP version 1\n%s# Subtest: %s\n%s1..%d\n", nest(r), nest(r),
			suite->name, nest(r), suite->nselected);
}

/* Emit every selected test of suite s that has no outcome as not run, saying why. */
void ktap_close_tests(struct report *r, int s, const char *why)
{
	struct plan_suite *suite = &r->plan.suites[s];

	for (int t = 0; t < suite->ntests; t++) {
		struct plan_test *test = &suite->tests[t];

		if (!test->selected || test->outcome != OUT_NOT_RUN)
			continue;
		if (!test->reason)
			test->reason = xstrdup(why);
		if (ktap_on(r))
			ktap_test_line(r, test);
	}
}

/* Give up suites [r->next_suite, upto) that have selected tests but never started. */
void ktap_skip_suites(struct report *r, int upto, const char *why)
{
	for (; r->next_suite < upto; r->next_suite++) {
		if (!r->plan.suites[r->next_suite].nselected)
			continue;
		ktap_suite_open(r, r->next_suite);
		ktap_close_tests(r, r->next_suite, why);
		ktap_suite_line(r, r->next_suite, NULL);
	}
}
