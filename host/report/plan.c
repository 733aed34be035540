/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool match_one(const char *pat, const char *suite, const char *test)
{
	char full[2 * PV_NAME_MAX + 1];

	snprintf(full, sizeof(full), "%s.%s", suite, test);
	return fnmatch(pat, full, 0) == 0 || fnmatch(pat, suite, 0) == 0;
}

bool plan_match(const char *patterns, const char *suite, const char *test)
{
	char *buf, *save = NULL, *pat;
	bool found = false;

	if (!patterns || !*patterns)
		return true;
	buf = xstrdup(patterns);  /* a fixed buffer would silently drop patterns past its end */
	for (pat = strtok_r(buf, ",", &save); pat && !found; pat = strtok_r(NULL, ",", &save))
		found = *pat && match_one(pat, suite, test);
	free(buf);
	return found;
}

/* Suites that crash or hang the VM on purpose run only when a pattern names them: `irqlab
 * check` runs each of their tests in a VM of its own. */
static const char *const explicit_only[] = { "check" };

static bool runs_by_default(const char *suite)
{
	for (size_t i = 0; i < ARRAY_SIZE(explicit_only); i++)
		if (!strcmp(suite, explicit_only[i]))
			return false;
	return true;
}

int plan_select(struct plan *plan, const char *patterns)
{
	int total = 0;

	plan->nselected = 0;
	for (int s = 0; s < plan->nsuites; s++) {
		struct plan_suite *suite = &plan->suites[s];

		suite->nselected = 0;
		for (int t = 0; t < suite->ntests; t++) {
			struct plan_test *test = &suite->tests[t];

			test->selected = patterns && *patterns ? plan_match(patterns, suite->name, test->name)
							       : runs_by_default(suite->name);
			suite->nselected += test->selected;
		}
		plan->nselected += suite->nselected > 0;
		total += suite->nselected;
	}
	return total;
}

int plan_select_ref(struct plan *plan, struct plan_ref ref)
{
	bool in_table = ref.suite >= 0 && ref.suite < plan->nsuites && ref.test >= 0 &&
			ref.test < plan->suites[ref.suite].ntests;

	plan->nselected = in_table;
	for (int s = 0; s < plan->nsuites; s++) {
		struct plan_suite *suite = &plan->suites[s];

		suite->nselected = in_table && s == ref.suite;
		for (int t = 0; t < suite->ntests; t++)
			suite->tests[t].selected = in_table && s == ref.suite && t == ref.test;
	}
	return in_table;
}

int plan_find(const struct plan *plan, const char *suite, const char *test, struct plan_ref *out)
{
	for (int s = 0; s < plan->nsuites; s++) {
		if (strcmp(plan->suites[s].name, suite))
			continue;
		for (int t = 0; t < plan->suites[s].ntests; t++)
			if (!strcmp(plan->suites[s].tests[t].name, test)) {
				*out = (struct plan_ref){ s, t };
				return 0;
			}
	}
	return -ENOENT;
}

void plan_keep_selected(struct plan *plan)
{
	int ns = 0;

	for (int s = 0; s < plan->nsuites; s++) {
		struct plan_suite *suite = &plan->suites[s];
		int nt = 0;

		for (int t = 0; t < suite->ntests; t++) {
			if (suite->tests[t].selected) {
				suite->tests[nt++] = suite->tests[t];
				continue;
			}
			free(suite->tests[t].reason);
			free(suite->tests[t].log);
		}
		suite->ntests = suite->nselected = nt;
		if (nt)
			plan->suites[ns++] = *suite;
		else
			free(suite->tests);
	}
	plan->nsuites = plan->nselected = ns;
}

/* Amortised linear: the length and the capacity are kept. */
void plan_test_log(struct plan_test *t, const char *text, size_t len)
{
	if (t->log_len + len + 2 > t->log_cap) {
		size_t cap = t->log_cap ? t->log_cap : 256;
		char *p;

		while (cap < t->log_len + len + 2)
			cap *= 2;
		if (!(p = realloc(t->log, cap)))
			die(EXIT_USAGE, "out of memory");
		t->log = p;
		t->log_cap = cap;
	}
	memcpy(t->log + t->log_len, text, len);
	t->log_len += len;
	t->log[t->log_len++] = '\n';
	t->log[t->log_len] = '\0';
}

void plan_free(struct plan *plan)
{
	for (int s = 0; s < plan->nsuites; s++) {
		for (int t = 0; t < plan->suites[s].ntests; t++) {
			free(plan->suites[s].tests[t].reason);
			free(plan->suites[s].tests[t].log);
		}
		free(plan->suites[s].tests);
	}
	free(plan->suites);
	memset(plan, 0, sizeof(*plan));
}

const char *outcome_name(enum outcome o)
{
	static const char *const names[] = {
		[OUT_NOT_RUN] = "not_run", [OUT_PASS] = "pass", [OUT_FAIL] = "fail",
		[OUT_SKIP] = "skip", [OUT_XFAIL] = "xfail", [OUT_ERROR] = "error",
		[OUT_TIMEOUT] = "timeout", [OUT_XPASS] = "xpass",
	};
	return o < ARRAY_SIZE(names) ? names[o] : "?";
}
