/* SPDX-License-Identifier: MIT */
/* Internal to report*.c: the KTAP printer (report_ktap.c). Callers hold the report's lock. */
#ifndef IRQLAB_HOST_REPORT_KTAP_H
#define IRQLAB_HOST_REPORT_KTAP_H

#include "report.h"

/* True when the report streams KTAP (or TAP: --format tap). */
bool ktap_on(const struct report *r);

/* A byte as KTAP shows it: control characters become '?'. */
int ktap_char(char c);

/* "KTAP version 1" ("TAP version 13"), once, before anything else. */
void ktap_version(struct report *r);

/* Each line of text as "# line", nested in the current suite or at the top level. */
void ktap_diag(struct report *r, bool nested, const char *text);

/* Version and plan, once. */
void ktap_header(struct report *r, int nsuites);

/* "<indent>[not ]ok N name [# DIRECTIVE reason]". */
void ktap_test_line(struct report *r, const struct plan_test *t);

/* The top-level result line of suite s (directive may be NULL). */
void ktap_suite_line(struct report *r, int s, const char *directive);

/* The nested block's version, "# Subtest:" and plan. */
void ktap_suite_open(struct report *r, int s);

/* Result lines for suite s's selected tests that never ran. */
void ktap_close_tests(struct report *r, int s, const char *why);

/* Suites [r->next_suite, upto) that never started, as not run. */
void ktap_skip_suites(struct report *r, int upto, const char *why);

#endif
