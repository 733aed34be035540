/* SPDX-License-Identifier: MIT */
/* --format json: the whole plan with outcomes, reasons, logs, durations and metrics. */
#include <stdio.h>

#include "report.h"
#include "report_meta.h"
#include "report_totals.h"
#include "signals.h"

static void json_test(FILE *f, const struct plan_test *t)
{
	fputs("{\"name\": ", f);
	report_json_str(f, t->name);
	fprintf(f, ", \"result\": \"%s\", \"duration_us\": %llu", outcome_name(t->outcome),
		(unsigned long long)(t->dur_ns / 1000));
	if (t->reason) {
		fputs(", \"reason\": ", f);
		report_json_str(f, t->reason);
	}
	if (t->log) {
		fputs(", \"log\": ", f);
		report_json_str(f, t->log);
	}
	if (t->log_dropped)
		fprintf(f, ", \"log_dropped_bytes\": %llu", (unsigned long long)t->log_dropped);
	fputc('}', f);
}

static void json_suite(FILE *f, const struct plan_suite *s)
{
	int n = 0;

	fputs("{\"name\": ", f);
	report_json_str(f, s->name);
	fputs(", \"tests\": [", f);
	for (int t = 0; t < s->ntests; t++) {
		if (!s->tests[t].selected)
			continue;
		fputs(n++ ? ",\n      " : "\n      ", f);
		json_test(f, &s->tests[t]);
	}
	fputs("]}", f);
}

static void json_metric(FILE *f, const struct plan_metric *m)
{
	fputs("{\"suite\": ", f);
	report_json_str(f, m->suite);
	fputs(", \"test\": ", f);
	report_json_str(f, m->test);
	fputs(", \"name\": ", f);
	report_json_str(f, m->name);
	fprintf(f, ", \"value\": %lld, \"unit\": ", (long long)m->value);
	report_json_str(f, m->unit);
	fputc('}', f);
}

/* The same numbers as KTAP's "# Totals:" line; error = timeout + not_run + other errors. */
static void json_totals(FILE *f, const struct report *r)
{
	struct report_totals t;

	totals_of_plan(&t, &r->plan);
	fprintf(f, "{\"tests\": %d, \"pass\": %d, \"fail\": %d, \"xfail\": %d, \"xpass\": %d, "
		"\"skip\": %d, \"error\": %d, \"timeout\": %d, \"not_run\": %d}", t.tests, t.pass, t.fail,
		t.xfail, t.xpass, t.skip, t.error, t.timeout, t.not_run);
}

void report_write_json(const struct report *r, FILE *f, int status)
{
	struct report_meta fallback;
	int n = 0;

	fputc('{', f);
	report_meta_json(f, report_meta_of(r, &fallback), NULL);
	fprintf(f, ",\n  \"exit_status\": %d, \"crash\": ", status);
	if (r->crash_summary)
		report_json_str(f, r->crash_summary);
	else
		fputs("null", f);
	fputs(", \"interrupted\": ", f);
	if (r->signo)
		report_json_str(f, signals_name(r->signo));
	else
		fputs("null", f);
	fputs(",\n  \"suites\": [", f);
	for (int s = 0; s < r->plan.nsuites; s++) {
		if (!r->plan.suites[s].nselected)
			continue;
		fputs(n++ ? ",\n    " : "\n    ", f);
		json_suite(f, &r->plan.suites[s]);
	}
	fputs("],\n  \"totals\": ", f);
	json_totals(f, r);
	fputs(",\n  \"metrics\": [", f);
	for (int m = 0; m < r->nmetrics; m++) {
		fputs(m ? ",\n    " : "\n    ", f);
		json_metric(f, &r->metrics[m]);
	}
	fprintf(f, "],\n  \"dropped\": {\"log_bytes\": %llu, \"metrics\": %llu}}\n",
		(unsigned long long)r->dropped_log, (unsigned long long)r->dropped_metrics);
}
