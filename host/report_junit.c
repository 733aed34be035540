/* SPDX-License-Identifier: MIT */
/* --junit FILE: one <testsuite> per guest suite, in the shape Jenkins and GitLab read. */
#include <stdio.h>

#include "report.h"
#include "util.h"

static void xml_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		int n = c >= 0x80 ? utf8_seq_len(s) : 1;

		if (c >= 0x80) {  /* valid UTF-8 as is, any other byte as '?' */
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

static void junit_test(FILE *f, const struct plan_suite *s, const struct plan_test *t)
{
	fputs("    <testcase classname=\"", f);
	xml_str(f, s->name);
	fputs("\" name=\"", f);
	xml_str(f, t->name);
	fprintf(f, "\" time=\"%.6f\">", (double)t->dur_ns / 1e9);
	if (t->outcome == OUT_SKIP || t->outcome == OUT_NOT_RUN || t->outcome == OUT_XFAIL) {
		fputs("<skipped message=\"", f);
		xml_str(f, t->outcome == OUT_XFAIL ? "expected failure" : t->reason);
		fputs("\"/>", f);
	} else if (t->outcome != OUT_PASS) {
		fprintf(f, "<%s message=\"", t->outcome == OUT_FAIL ? "failure" : "error");
		xml_str(f, t->reason ? t->reason : outcome_name(t->outcome));
		fprintf(f, "\"/>");
	}
	if (t->log) {
		fputs("<system-out>", f);
		xml_str(f, t->log);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
}

static void count(const struct plan_suite *s, int *tests, int *fail, int *err, int *skip)
{
	*tests = *fail = *err = *skip = 0;
	for (int t = 0; t < s->ntests; t++) {
		enum outcome o = s->tests[t].outcome;

		if (!s->tests[t].selected)
			continue;
		(*tests)++;
		*fail += o == OUT_FAIL;
		*err += o == OUT_ERROR || o == OUT_TIMEOUT;
		*skip += o == OUT_SKIP || o == OUT_NOT_RUN || o == OUT_XFAIL;
	}
}

int report_write_junit(const struct report *r, const char *path)
{
	FILE *f = r->junit ? r->junit : fopen(path, "w");  /* the sandbox forbids opening files */

	if (!f)
		return -1;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"irqlab\">\n", f);
	for (int s = 0; s < r->plan.nsuites; s++) {
		const struct plan_suite *suite = &r->plan.suites[s];
		int tests, fail, err, skip;

		if (!suite->nselected)
			continue;
		count(suite, &tests, &fail, &err, &skip);
		fputs("  <testsuite name=\"", f);
		xml_str(f, suite->name);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
			tests, fail, err, skip);
		for (int t = 0; t < suite->ntests; t++)
			if (suite->tests[t].selected)
				junit_test(f, suite, &suite->tests[t]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (r->junit)             /* opened (and closed) by the launcher */
		return fflush(f) || ferror(f) ? -1 : 0;
	return fclose(f) ? -1 : 0;
}
