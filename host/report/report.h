/* SPDX-License-Identifier: MIT */
/* The run's results: events from the guest (through session.c) and from crash handling update the
 * plan and stream KTAP version 1 to stdout; at the end JSON and JUnit are written from the plan.
 * Every function takes the report's own lock: callers may be any vCPU thread. The protocol's
 * meaning of events is the session's (session.c); the report only keeps order and prints. */
#ifndef IRQLAB_HOST_REPORT_H
#define IRQLAB_HOST_REPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "plan.h"
#include "platform.h"
#include "util.h"

/* Caps on what a guest can make the host hold (docs/protocol.md "Limits"). */
#define REPORT_LOG_TEST_MAX   (64u * 1024)        /* diagnostic bytes kept per test */
#define REPORT_LOG_TOTAL_MAX  (4u * 1024 * 1024)  /* diagnostic bytes in the whole run */
#define REPORT_METRICS_MAX    4096                /* metrics kept */

struct reason;
struct report_meta;

/* FMT_NONE: multiboot kernels own stdout; irqlab only says on stderr how a run crashed. */
enum report_format { FMT_KTAP, FMT_JSON, FMT_TAP, FMT_NONE };

struct report {
	pthread_mutex_t lock;
	enum report_format fmt;
	enum report_format hello_fmt; /* fmt from HELLO on (multiboot kernels start with FMT_NONE) */
	FILE *out;                 /* KTAP or JSON destination (stdout) */
	const char *junit_path;    /* NULL: no JUnit file */
	FILE *junit;               /* junit_path opened by the launcher before the sandbox, or NULL */
	const char *image;         /* for JSON/JUnit metadata */
	const struct report_meta *meta; /* JSON's envelope (report_meta.h); NULL: the defaults */
	const struct platform *platform; /* known defects: FAIL -> XFAIL, PASS -> unexpected */
	struct plan plan;
	struct plan_metric *metrics;  /* kept apart from the plan: a METRIC may come before HELLO */
	int nmetrics, metrics_cap;
	uint64_t log_total;           /* diagnostic bytes printed and kept so far */
	uint64_t dropped_log, dropped_metrics; /* past the caps: not printed, not kept */
	bool have_plan, done, version_printed, header_printed;
	int guest_status;
	int cur_suite, cur_test;   /* -1 when none */
	int next_suite;            /* suites below this were started or given up */
	int ktap_suite_no, ktap_test_no;
	enum outcome crash;        /* OUT_NOT_RUN, OUT_ERROR or OUT_TIMEOUT */
	int signo;                 /* the crash is "interrupted by <signal>": exit 128 + signo */
	char *crash_summary;
	uint64_t start_ns, hello_ns, end_ns; /* for --stats */
};

void report_init(struct report *r, enum report_format fmt, FILE *out, const char *junit_path,
		 const char *image);
void report_free(struct report *r);

/* The guest's HELLO: the plan is complete (names read, selection applied); it moves into the
 * report, which prints the header. 0, or -EPROTO with `why` (a second plan: it stays the
 * caller's). */
int report_plan(struct report *r, struct plan *plan, struct reason *why);

/* Guest events: 0, or -EPROTO with `why` when the event is out of order (a protocol violation,
 * for the session to report). `why` may be NULL. */
int report_suite_begin(struct report *r, int suite, struct reason *why);
int report_test_begin(struct report *r, int test, struct reason *why);
int report_result(struct report *r, enum pv_verdict v, const char *name, const char *diag,
		  struct reason *why);
int report_suite_end(struct report *r, int suite, struct reason *why);

/* The running test ended with `o` (irqlab check: crashes of isolated runs are outcomes too);
 * recorded platform defects apply to failures, errors and timeouts alike. */
int report_outcome(struct report *r, enum outcome o, const char *reason, struct reason *why);
int report_done(struct report *r, int guest_status, struct reason *why);

/* Diagnostic lines, kept in the running test's log. What the guest can make the host hold is
 * capped (REPORT_LOG_*): past a cap, text is dropped and counted, and the count is shown. */
void report_diag(struct report *r, const char *text);
void report_metric(struct report *r, const char *name, long long value, const char *unit);
/* The same without the KTAP line: kept for JSON only. */
void report_record_metric(struct report *r, const char *name, long long value, const char *unit);

/* The run ended abnormally: `how` is OUT_ERROR or OUT_TIMEOUT; `summary` one line for the
 * result's directive, `details` (may be NULL) diagnostic lines. The first crash wins. */
void report_crash(struct report *r, enum outcome how, const char *summary, const char *details);

/* A stop signal ended the run (signals.h): a crash "interrupted by SIGTERM" whose exit status
 * is 128 + sig. Nothing changes if the run had already ended. */
void report_interrupted(struct report *r, int sig);

/* True once DONE or a crash has been reported. */
bool report_ended(struct report *r);

/* With report_finish's lock held: one top-level diagnostic saying what the caps dropped. */
void report_truncation_note(struct report *r);

/* Close every open suite, mark what never ran, write JSON/JUnit; returns the exit status. */
int report_finish(struct report *r);

/* Writers of the end-of-run formats (report_json.c, report_junit.c). */
void report_write_json(const struct report *r, FILE *f, int status);
/* 0, or a negative errno with `why` filled: the file could not be opened or written whole. */
int report_write_junit(const struct report *r, const char *path, struct reason *why);

#endif
