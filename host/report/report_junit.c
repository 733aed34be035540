/* SPDX-License-Identifier: MIT */
/* --junit FILE: one <testsuite> per guest suite, in the shape Jenkins and GitLab read, with the
 * totals every format shares (report_totals.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_totals.h"
#include "util.h"

static void xml_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		int n = c >= 0x80 ? utf8_seq_len(s) : 1;

		if (c >= 0x80) {  /* valid UTF-8 as is, any other byte as '?' */
			if (n == 3 && c == 0xEF && (unsigned char)s[1] == 0xBF && (unsigned char)s[2] >= 0xBE)
				n = 0;  /* U+FFFE, U+FFFF: not XML 1.0 characters ('Char' production) */
			fwrite(n ? s : "?", 1, n ? (size_t)n : 1, f);
			s += n ? n - 1 : 0;
			continue;
		}
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(c < 0x20 && c != '\n' && c != '\t' ? '?' : c, f); break;
		}
	}
}

/* One <testcase>: a failure (fail, unexpected pass) is <failure>, an end that kept it from
 * finishing (crash, timeout, not run, interrupted) <error>, skip and xfail <skipped> with the
 * reason (docs/results.md). `type` names irqlab's outcome. */
static void junit_test(FILE *f, const struct plan_suite *s, const struct plan_test *t)
{
	enum outcome o = t->outcome;
	const char *tag = o == OUT_FAIL || o == OUT_XPASS ? "failure" :
			  o == OUT_SKIP || o == OUT_XFAIL ? "skipped" : o == OUT_PASS ? NULL : "error";

	fputs("    <testcase classname=\"", f);
	xml_str(f, s->name);
	fputs("\" name=\"", f);
	xml_str(f, t->name);
	fprintf(f, "\" time=\"%.6f\">", (double)t->dur_ns / 1e9);
	if (tag) {
		fprintf(f, "<%s", tag);
		if (*tag != 's')  /* the schema gives <skipped> a message only */
			fprintf(f, " type=\"%s\"", outcome_name(o));
		fputs(" message=\"", f);
		if (o == OUT_XFAIL)
			fputs("expected failure: ", f);
		xml_str(f, t->reason ? t->reason : outcome_name(o));
		fputs("\"/>", f);
	}
	if (t->log) {
		fputs("<system-out>", f);
		xml_str(f, t->log);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
}

/* A suite's time: from its first test's start to its last test's end (0 if none ran). */
static void suite_span(const struct plan_suite *s, uint64_t *start, uint64_t *dur)
{
	uint64_t end = 0;

	*start = 0;
	for (int i = 0; i < s->ntests; i++) {
		const struct plan_test *t = &s->tests[i];

		if (!t->selected || !t->start_ns)
			continue;
		if (!*start || t->start_ns < *start)
			*start = t->start_ns;
		if (t->start_ns + t->dur_ns > end)
			end = t->start_ns + t->dur_ns;
	}
	*dur = *start ? end - *start : 0;
}

static void junit_suite(FILE *f, const struct report *r, const struct plan_suite *suite)
{
	struct report_totals t = { 0 };
	uint64_t start, dur;
	char when[32];

	totals_add_suite(&t, suite);
	suite_span(suite, &start, &dur);
	totals_timestamp(start ? start : r->start_ns, when, sizeof(when));
	fputs("  <testsuite name=\"", f);
	xml_str(f, suite->name);
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\" "
		"timestamp=\"%s\">\n", t.tests, totals_junit_failures(&t), t.error, totals_junit_skipped(&t),
		(double)dur / 1e9, when);
	for (int i = 0; i < suite->ntests; i++)
		if (suite->tests[i].selected)
			junit_test(f, suite, &suite->tests[i]);
	fputs("  </testsuite>\n", f);
}

int report_write_junit(const struct report *r, const char *path, struct reason *why)
{
	FILE *f = r->junit ? r->junit : fopen(path, "w");  /* the sandbox forbids opening files */
	struct report_totals t;
	uint64_t end = r->end_ns ? r->end_ns : now_ns();
	int err;

	if (!f)
		return failf(why, -errno, "%s: cannot write the JUnit report: %s", path, strerror(errno));
	totals_of_plan(&t, &r->plan);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"irqlab\" tests=\"%d\" "
		"failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\">\n", t.tests,
		totals_junit_failures(&t), t.error, totals_junit_skipped(&t), (double)(end - r->start_ns) / 1e9);
	for (int s = 0; s < r->plan.nsuites; s++)
		if (r->plan.suites[s].nselected)
			junit_suite(f, r, &r->plan.suites[s]);
	fputs("</testsuites>\n", f);
	err = fflush(f) || ferror(f) ? EIO : 0;
	if (!r->junit && fclose(f) && !err)       /* the launcher closes what it opened */
		err = errno;
	return err ? failf(why, -err, "%s: cannot write the JUnit report: %s", path, strerror(err)) : 0;
}
