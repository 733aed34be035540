/* SPDX-License-Identifier: MIT */
/* The run's results: events from the guest (through pvport.c) and from crash handling update the
 * plan and stream KTAP version 1 to stdout; at the end JSON and JUnit are written from the plan.
 * Every function takes the report's own lock: callers may be any vCPU thread. */
#ifndef IRQLAB_HOST_REPORT_H
#define IRQLAB_HOST_REPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "plan.h"
#include "platform.h"

/* FMT_NONE: multiboot kernels own stdout; irqlab only says on stderr how a run crashed. */
enum report_format { FMT_KTAP, FMT_JSON, FMT_NONE };

struct report {
	pthread_mutex_t lock;
	enum report_format fmt;
	enum report_format hello_fmt; /* fmt from HELLO on (multiboot kernels start with FMT_NONE) */
	FILE *out;                 /* KTAP or JSON destination (stdout) */
	const char *junit_path;    /* NULL: no JUnit file */
	FILE *junit;               /* junit_path opened by the launcher before the sandbox, or NULL */
	const char *image;         /* for JSON/JUnit metadata */
	const struct platform *platform; /* known defects: FAIL -> XFAIL, PASS -> unexpected */
	struct plan plan;
	bool have_plan, done, version_printed, header_printed;
	int guest_status;
	int cur_suite, cur_test;   /* -1 when none */
	int next_suite;            /* suites below this were started or given up */
	int ktap_suite_no, ktap_test_no;
	enum outcome crash;        /* OUT_NOT_RUN, OUT_ERROR or OUT_TIMEOUT */
	char *crash_summary;
	uint64_t start_ns, hello_ns, end_ns; /* for --stats */
};

void report_init(struct report *r, enum report_format fmt, FILE *out, const char *junit_path,
		 const char *image);
void report_free(struct report *r);

/* The guest's HELLO: the plan is complete (names read, selection applied). Prints the header. */
/* Returns NULL, or a protocol violation (a second HELLO: the plan then stays the caller's). */
const char *report_plan(struct report *r, struct plan *plan);

/* Guest events. They return NULL, or a protocol violation described for the user. */
const char *report_suite_begin(struct report *r, int suite);
const char *report_test_begin(struct report *r, int test);
const char *report_result(struct report *r, enum pv_verdict v, const char *name, const char *diag);
const char *report_suite_end(struct report *r, int suite);

/* The running test ended with `o` (irqlab check: crashes of isolated runs are outcomes too);
 * recorded platform defects apply to failures, errors and timeouts alike. */
const char *report_outcome(struct report *r, enum outcome o, const char *reason);
const char *report_done(struct report *r, int guest_status);
void report_diag(struct report *r, const char *text);
void report_metric(struct report *r, const char *name, long long value, const char *unit);
/* The same without the KTAP line: kept for JSON only. */
void report_record_metric(struct report *r, const char *name, long long value, const char *unit);

/* The run ended abnormally: `how` is OUT_ERROR or OUT_TIMEOUT; `summary` one line for the
 * result's directive, `details` (may be NULL) diagnostic lines. The first crash wins. */
void report_crash(struct report *r, enum outcome how, const char *summary, const char *details);

/* True once DONE or a crash has been reported. */
bool report_ended(struct report *r);

/* Close every open suite, mark what never ran, write JSON/JUnit; returns the exit status. */
int report_finish(struct report *r);

/* Writers of the end-of-run formats (report_json.c, report_junit.c). */
void report_write_json(const struct report *r, FILE *f, int status);
/* One JSON string literal, escaped (also used by pvport.c's --list --format json). */
void report_json_str(FILE *f, const char *s);
int report_write_junit(const struct report *r, const char *path);

#endif
