/* SPDX-License-Identifier: MIT */
/* Outcome counts and times for every format (report_totals.h). */
#include "report_totals.h"

#include <string.h>
#include <time.h>

#include "util.h"

void totals_add_suite(struct report_totals *t, const struct plan_suite *s)
{
	for (int i = 0; i < s->ntests; i++) {
		enum outcome o = s->tests[i].outcome;

		if (!s->tests[i].selected)
			continue;
		t->tests++;
		t->pass += o == OUT_PASS;
		t->fail += o == OUT_FAIL;
		t->xfail += o == OUT_XFAIL;
		t->xpass += o == OUT_XPASS;
		t->skip += o == OUT_SKIP;
		t->error += o == OUT_ERROR || o == OUT_TIMEOUT || o == OUT_NOT_RUN;
		t->timeout += o == OUT_TIMEOUT;
		t->not_run += o == OUT_NOT_RUN;
	}
}

void totals_of_plan(struct report_totals *t, const struct plan *p)
{
	memset(t, 0, sizeof(*t));
	for (int s = 0; s < p->nsuites; s++)
		totals_add_suite(t, &p->suites[s]);
}

int totals_junit_failures(const struct report_totals *t)
{
	return t->fail + t->xpass;
}

int totals_junit_skipped(const struct report_totals *t)
{
	return t->skip + t->xfail;
}

void totals_ktap_line(FILE *f, const struct report_totals *t)
{
	fprintf(f, "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n", t->pass, t->fail,
		t->xfail, t->xpass, t->skip, t->error);
}

void totals_timestamp(uint64_t mono_ns, char *buf, size_t len)
{
	struct timespec now;
	time_t when;
	struct tm tm;
	uint64_t now_mono = now_ns(), ago = mono_ns && mono_ns < now_mono ? now_mono - mono_ns : 0;

	clock_gettime(CLOCK_REALTIME, &now);
	when = now.tv_sec - (time_t)(ago / 1000000000ull);
	gmtime_r(&when, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
}
