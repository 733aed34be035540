/* SPDX-License-Identifier: MIT */
/*
 * A tiny TAP producer for the unit tests (meson runs them with protocol: 'tap').
 * Header-only: each test binary includes it once. Failed checks print what was expected
 * as `# ` diagnostics; done_testing() returns the exit status (1 if anything failed).
 */
#ifndef IRQLAB_TESTS_TAP_H
#define IRQLAB_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned = -1;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Print each line of `text` as a TAP diagnostic, with a label. */
static inline void tap_diag_block(const char *label, const char *text)
{
	printf("#   %s:\n", label);
	for (const char *p = text ? text : "(null)"; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("#     |%.*s|\n", len, p);
		p += len + (nl != NULL);
	}
}

/* The description may not hold '#' (a TAP directive would start there) or line breaks. */
static inline bool tap_vok(bool cond, const char *fmt, va_list ap)
{
	char desc[512];

	tap_run++;
	if (!cond)
		tap_failed++;
	vsnprintf(desc, sizeof(desc), fmt, ap);
	for (char *p = desc; *p; p++)
		if (*p == '#' || *p == '\n' || *p == '\r')
			*p = *p == '#' ? '^' : ' ';
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_run, desc);
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 2, 3)))
static inline bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 3, 4)))
static inline bool is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#   got %lld (0x%llx), expected %lld (0x%llx)\n", got, got, want, want);
	return r;
}

/* String check: equal, or (`contains`) holding `want` as a substring. */
static inline bool tap_str(bool contains, const char *got, const char *want, const char *fmt, va_list ap)
{
	bool r = tap_vok(got && want && (contains ? strstr(got, want) != NULL : !strcmp(got, want)), fmt, ap);

	if (!r) {
		tap_diag_block("got", got);
		tap_diag_block(contains ? "expected to contain" : "expected", want);
	}
	return r;
}

__attribute__((format(printf, 3, 4)))
static inline bool is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_str(false, got, want, fmt, ap);
	va_end(ap);
	return r;
}

/* `got` contains `want` as a substring. */
__attribute__((format(printf, 3, 4)))
static inline bool like_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_str(true, got, want, fmt, ap);
	va_end(ap);
	return r;
}

/* Without a plan, print it now (TAP allows the plan last). Returns the exit status. */
static inline int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_run);
}

#endif
