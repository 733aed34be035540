/* SPDX-License-Identifier: MIT */
/* The test plan: the guest's suites and tests as read at HELLO, which ones --test selects, and
 * what became of each. Pure data and selection logic; no I/O, no KVM. */
#ifndef IRQLAB_HOST_PLAN_H
#define IRQLAB_HOST_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/pvport.h"

enum outcome {
	OUT_NOT_RUN = 0,  /* planned, never reported */
	OUT_PASS,
	OUT_FAIL,
	OUT_SKIP,
	OUT_XFAIL,
	OUT_ERROR,        /* the guest crashed, hung or broke the protocol while it ran */
	OUT_TIMEOUT,
	OUT_XPASS,        /* passed although the platform records it as a known defect: a failure */
};

struct plan_test {
	char name[PV_NAME_MAX];
	bool selected;
	enum outcome outcome;
	char *reason;       /* skip/xfail reason or failure summary (owned) */
	char *log;          /* diagnostic lines printed while it ran (owned, NUL-terminated) */
	size_t log_len, log_cap;
	uint64_t log_dropped; /* bytes past the per-test cap (report.h REPORT_LOG_TEST_MAX) */
	uint64_t start_ns, dur_ns;
};

struct plan_suite {
	char name[PV_NAME_MAX];
	uint32_t min_cpus;
	int ntests, nselected;
	struct plan_test *tests;
};

/* One METRIC, as the report keeps it (struct report: outside the plan). */
struct plan_metric {
	char suite[PV_NAME_MAX], test[PV_NAME_MAX], name[PV_NAME_MAX], unit[PV_NAME_MAX];
	int64_t value;
};

struct plan {
	int nsuites, nselected;       /* nselected: suites with at least one selected test */
	struct plan_suite *suites;
};

/* Mark the tests that match any of the comma-separated glob patterns ("suite", "suite.test",
 * "*timer*"). NULL or "" selects every suite but `check`, whose tests crash or hang the VM on
 * purpose (irqlab check isolates them). Returns the number of selected tests. */
int plan_select(struct plan *plan, const char *patterns);

/* A test's identity: the index of its suite and its own in the guest's table. */
struct plan_ref {
	int suite, test;
};

/* Select exactly the test at `ref` and nothing else: by identity, never by pattern, so a test
 * named "*" or "[a]" selects only itself. Returns 1, or 0 when `ref` is not in the table. */
int plan_select_ref(struct plan *plan, struct plan_ref ref);

/* The first test named exactly `suite`.`test` (strcmp, no patterns): 0 and *out, or -ENOENT. */
int plan_find(const struct plan *plan, const char *suite, const char *test, struct plan_ref *out);

/* True if `name` matches one pattern of the comma-separated list. */
bool plan_match(const char *patterns, const char *suite, const char *test);

/* Drop the tests plan_select() left out, and suites left empty (--list --test). */
void plan_keep_selected(struct plan *plan);

/* Add one line (`len` bytes of `text`, without its newline) to the test's log. */
void plan_test_log(struct plan_test *t, const char *text, size_t len);

void plan_free(struct plan *plan);

const char *outcome_name(enum outcome o);

#endif
