/* SPDX-License-Identifier: MIT */
/*
 * What the guest says besides verdicts: diagnostic lines (printed as KTAP comments and kept in
 * the running test's log) and metrics (kept for JSON). What a guest can make the host hold is
 * capped (REPORT_LOG_*, REPORT_METRICS_MAX): past a cap, text and metrics are dropped and counted.
 */
#include "report.h"
#include "report_ktap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* True if `len` more bytes of diagnostics fit the caps; else counts them as dropped. Lock held. */
static bool log_budget(struct report *r, struct plan_test *t, size_t len)
{
	if (r->log_total + len + 1 <= REPORT_LOG_TOTAL_MAX &&
	    (!t || t->log_len + len + 1 <= REPORT_LOG_TEST_MAX)) {
		r->log_total += len + 1;
		return true;
	}
	r->dropped_log += len;
	if (t)
		t->log_dropped += len;
	return false;
}

void report_diag(struct report *r, const char *text)
{
	struct plan_test *t;
	size_t len = strlen(text);

	pthread_mutex_lock(&r->lock);
	t = r->cur_test >= 0 ? &r->plan.suites[r->cur_suite].tests[r->cur_test] : NULL;
	if (log_budget(r, t, len)) {
		ktap_diag(r, r->cur_suite >= 0, text);
		if (t)
			plan_test_log(t, text, len);
		fflush(r->out);
	}
	pthread_mutex_unlock(&r->lock);
}

void report_truncation_note(struct report *r)
{
	char line[256];

	if (!r->dropped_log && !r->dropped_metrics)
		return;
	snprintf(line, sizeof(line), "truncated: %llu diagnostic bytes and %llu metrics dropped "
		 "(caps: %u bytes per test, %u in all, %d metrics)", (unsigned long long)r->dropped_log,
		 (unsigned long long)r->dropped_metrics, REPORT_LOG_TEST_MAX, REPORT_LOG_TOTAL_MAX,
		 REPORT_METRICS_MAX);
	ktap_diag(r, false, line);
}

/* Keep one metric (METRIC may come before HELLO: the array is the report's, not the plan's). */
static bool keep_metric(struct report *r, const struct plan_metric *m)
{
	if (r->nmetrics >= REPORT_METRICS_MAX) {
		r->dropped_metrics++;
		return false;
	}
	if (r->nmetrics == r->metrics_cap) {
		int cap = r->metrics_cap ? 2 * r->metrics_cap : 16;
		struct plan_metric *p = realloc(r->metrics, (size_t)cap * sizeof(*p));

		if (!p)
			die(EXIT_USAGE, "out of memory");
		r->metrics = p;
		r->metrics_cap = cap;
	}
	r->metrics[r->nmetrics++] = *m;
	return true;
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
	snprintf(line, sizeof(line), "metric %s: %lld %s", m.name, value, m.unit);
	if (keep_metric(r, &m) && print)
		ktap_diag(r, r->cur_suite >= 0, line);
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
