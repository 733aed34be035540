/* SPDX-License-Identifier: MIT */
/* plan_match and plan_select: globs on `suite` or `suite.test`, comma lists, no match. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "report.h"
#include "tap.h"

static void test_match(void)
{
	static const struct { const char *pat, *suite, *test; bool want; } cases[] = {
		{ NULL, "apic", "ipi", true },          { "", "apic", "ipi", true },
		{ "apic", "apic", "ipi", true },        { "apic", "apicx", "ipi", false },
		{ "apic", "x2apic", "ipi", false },     { "apic.ipi", "apic", "ipi", true },
		{ "apic.ipi", "apic", "ipi2", false },  { "apic.ipi", "timer", "ipi", false },
		{ "apic.*", "apic", "anything", true }, { "apic.*", "timer", "apic", false },
		{ "*", "any", "thing", true },          { "*timer*", "lapic", "timer_oneshot", true },
		{ "*timer*", "timer", "x", true },      { "*timer*", "apic", "ipi", false },
		{ "ipi", "apic", "ipi", false },        { "x,apic.ipi", "apic", "ipi", true },
		{ "apic.ipi,x", "apic", "ipi", true },  { "x,y", "apic", "ipi", false },
		{ ",,", "apic", "ipi", false },         { "x,,apic", "apic", "ipi", true },
		{ "apic.?pi", "apic", "ipi", true },    { "[ab]pic", "apic", "ipi", true },
		{ "[!a]pic", "apic", "ipi", false },    { "APIC", "apic", "ipi", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(plan_match(cases[i].pat, cases[i].suite, cases[i].test), cases[i].want,
		       "plan_match(%s, %s.%s) is %s", cases[i].pat ? cases[i].pat : "NULL", cases[i].suite,
		       cases[i].test, cases[i].want ? "true" : "false");
}

/* A pattern list longer than any fixed buffer: the last pattern must still count. */
static void test_long_list(void)
{
	size_t n = 400;
	char *pats = malloc(n * 3 + 8);

	for (size_t i = 0; i < n; i++)
		memcpy(pats + 3 * i, "zz,", 3);
	strcpy(pats + 3 * n, "apic");
	ok(plan_match(pats, "apic", "ipi"), "pattern after 1200 bytes of others still matches");
	free(pats);
}

static struct plan make_plan(void)
{
	static const char *const names[2][3] = { { "one", "two", NULL }, { "three", NULL, NULL } };
	struct plan p = { .nsuites = 2, .suites = calloc(2, sizeof(struct plan_suite)) };

	snprintf(p.suites[0].name, PV_NAME_MAX, "alpha");
	snprintf(p.suites[1].name, PV_NAME_MAX, "beta");
	for (int s = 0; s < 2; s++) {
		p.suites[s].ntests = s ? 1 : 2;
		p.suites[s].tests = calloc((size_t)p.suites[s].ntests, sizeof(struct plan_test));
		for (int t = 0; t < p.suites[s].ntests; t++)
			snprintf(p.suites[s].tests[t].name, PV_NAME_MAX, "%s", names[s][t]);
	}
	return p;
}

static void test_select(void)
{
	struct plan p = make_plan();

	is_int(plan_select(&p, NULL), 3, "select NULL: all 3 tests");
	ok(p.nselected == 2 && p.suites[0].nselected == 2 && p.suites[1].nselected == 1, "select NULL: counts");
	is_int(plan_select(&p, "alpha.two,beta"), 2, "select alpha.two,beta: 2 tests");
	ok(!p.suites[0].tests[0].selected && p.suites[0].tests[1].selected && p.suites[1].tests[0].selected,
	   "select alpha.two,beta: the right ones");
	ok(p.nselected == 2 && p.suites[0].nselected == 1 && p.suites[1].nselected == 1,
	   "select alpha.two,beta: counts");
	is_int(plan_select(&p, "beta"), 1, "re-select beta: 1 test");
	ok(!p.suites[0].tests[1].selected && p.nselected == 1 && p.suites[0].nselected == 0,
	   "re-select clears the previous selection");
	is_int(plan_select(&p, "gamma*"), 0, "no match: 0 tests");
	ok(p.nselected == 0 && p.suites[1].nselected == 0, "no match: counts 0");
	is_int(plan_select(&p, "*"), 3, "select *: all 3 tests");
	plan_free(&p);
	ok(p.nsuites == 0 && p.suites == NULL, "plan_free resets the plan");
}

/* --list --test: only what the patterns select is kept, and suites left empty go. */
static void test_keep_selected(void)
{
	struct plan p = make_plan();

	plan_select(&p, "alpha.two");
	plan_keep_selected(&p);
	ok(p.nsuites == 1 && p.nselected == 1 && !strcmp(p.suites[0].name, "alpha"), "alpha.two: one suite left");
	ok(p.suites[0].ntests == 1 && !strcmp(p.suites[0].tests[0].name, "two") && p.suites[0].nselected == 1,
	   "... with only the test two");
	plan_free(&p);
	p = make_plan();
	plan_select(&p, "beta,alpha.one");
	plan_keep_selected(&p);
	ok(p.nsuites == 2 && p.suites[0].ntests == 1 && !strcmp(p.suites[0].tests[0].name, "one") &&
	   p.suites[1].ntests == 1 && !strcmp(p.suites[1].tests[0].name, "three"), "beta,alpha.one: table order kept");
	plan_free(&p);
	p = make_plan();
	plan_select(&p, "nothing");
	plan_keep_selected(&p);
	ok(p.nsuites == 0 && p.nselected == 0, "no match: an empty plan");
	plan_free(&p);
}

/* irqlab check selects by identity: names that are globs select only themselves. */
static void test_select_ref(void)
{
	static const char *const names[] = { "*", "[a]", "a", "?" };
	struct plan p = { .nsuites = 2, .suites = calloc(2, sizeof(struct plan_suite)) };
	struct plan_ref ref = { -1, -1 };

	snprintf(p.suites[0].name, PV_NAME_MAX, "other");
	p.suites[0].ntests = 1;
	p.suites[0].tests = calloc(1, sizeof(struct plan_test));
	snprintf(p.suites[0].tests[0].name, PV_NAME_MAX, "*");
	snprintf(p.suites[1].name, PV_NAME_MAX, "check");
	p.suites[1].ntests = 4;
	p.suites[1].tests = calloc(4, sizeof(struct plan_test));
	for (int t = 0; t < 4; t++)
		snprintf(p.suites[1].tests[t].name, PV_NAME_MAX, "%s", names[t]);
	for (int t = 0; t < 4; t++) {
		int count = 0;

		is_int(plan_find(&p, "check", names[t], &ref), 0, "plan_find(check.%s) finds it", names[t]);
		ok(ref.suite == 1 && ref.test == t, "... at its own place (%d.%d)", ref.suite, ref.test);
		is_int(plan_select_ref(&p, ref), 1, "plan_select_ref(check.%s): one test", names[t]);
		for (int s = 0; s < 2; s++)
			for (int k = 0; k < p.suites[s].ntests; k++)
				count += p.suites[s].tests[k].selected;
		ok(count == 1 && p.suites[1].tests[t].selected && p.nselected == 1 && p.suites[1].nselected == 1 &&
		   !p.suites[0].nselected, "... only check.%s is selected", names[t]);
	}
	is_int(plan_find(&p, "check", "b", &ref), -ENOENT, "plan_find: no glob matching ([a] is not a)");
	is_int(plan_find(&p, "*", "*", &ref), -ENOENT, "plan_find: the suite name is no glob either");
	is_int(plan_select_ref(&p, (struct plan_ref){ 1, 4 }), 0, "a ref past the suite selects nothing");
	ok(!p.suites[1].tests[3].selected && !p.nselected, "... and clears the selection");
	is_int(plan_select_ref(&p, (struct plan_ref){ -1, -1 }), 0, "ref -1.-1 selects nothing");
	is_int(plan_select_ref(&p, (struct plan_ref){ 2, 0 }), 0, "a suite past the table selects nothing");
	plan_free(&p);
}

static void test_metrics_and_names(void)
{
	struct report r;
	FILE *sink = fopen("/dev/null", "w");

	report_init(&r, FMT_KTAP, sink, NULL, "test.elf");  /* metrics are the report's, not the plan's */
	for (int i = 0; i < 40; i++)
		report_record_metric(&r, "lat", i, "ns");
	ok(r.nmetrics == 40 && r.metrics[0].value == 0 && r.metrics[39].value == 39, "40 metrics kept in order");
	report_free(&r);
	fclose(sink);
	is_str(outcome_name(OUT_PASS), "pass", "outcome_name(PASS)");
	is_str(outcome_name(OUT_TIMEOUT), "timeout", "outcome_name(TIMEOUT)");
	is_str(outcome_name(OUT_NOT_RUN), "not_run", "outcome_name(NOT_RUN)");
	is_str(outcome_name((enum outcome)99), "?", "outcome_name(99)");
}

int main(void)
{
	test_match();
	test_long_list();
	test_select();
	test_keep_selected();
	test_select_ref();
	test_metrics_and_names();
	return done_testing();
}
