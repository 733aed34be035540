/* SPDX-License-Identifier: MIT */
/*
 * Test fixture for the port protocol and the report: a small guest RAM (mmap'd, with a
 * PROT_NONE guard page right after it so any read past RAM crashes the test), a report that
 * writes into a memory buffer, and helpers that place message blocks and test tables in RAM.
 */
#ifndef IRQLAB_TESTS_PVFIX_H
#define IRQLAB_TESTS_PVFIX_H

#include <stdint.h>
#include <stdio.h>

#include "abi/pvport.h"
#include "report.h"
#include "session.h"

#define FIX_RAM      0x100000ull  /* 1 MiB of guest RAM */
#define FIX_MSG      0x1000ull    /* the default message block */
#define FIX_TABLE    0x4000ull    /* struct pv_suite_desc[] */
#define FIX_TESTS    0x8000ull    /* struct pv_test_desc[] */
#define FIX_STRINGS  0x20000ull   /* names */
#define FIX_MAX_TESTS 8

struct fix_suite {
	const char *name;
	const char *tests[FIX_MAX_TESTS + 1];  /* NULL-terminated */
};

struct pvfix {
	struct guest_mem mem;
	struct report report;
	struct session session;
	FILE *out;
	char *buf;
	size_t len;
	uint64_t next_string, next_test;
	uint64_t suite_tests[PV_MAX_SUITES];   /* gpa of each suite's test array */
};

/* The plan most tests use: alpha {one, two}, beta {three}. */
extern const struct fix_suite fix_std[2];

void fix_init(struct pvfix *fx, enum report_format fmt);
void fix_free(struct pvfix *fx);

/* Everything the report printed so far. */
const char *fix_output(struct pvfix *fx);

/* Write a valid block at `gpa` (name/text may be NULL) and return it for tampering. */
struct pv_msg *fix_msg(struct pvfix *fx, uint64_t gpa, uint16_t cmd, uint64_t arg0,
		       const char *name, const char *text);

/* Send a block from cpu 0: the one at `gpa` as it is now, or a fresh one at FIX_MSG. */
enum pv_action fix_out(struct pvfix *fx, uint64_t gpa);
enum pv_action fix_send(struct pvfix *fx, uint16_t cmd, uint64_t arg0, const char *name,
			const char *text);

/* Copy a NUL-terminated string into guest RAM; returns its gpa. */
uint64_t fix_string(struct pvfix *fx, const char *s);

/* Lay out a test table for `suites` at FIX_TABLE (selected bytes start at 0xEE). */
uint64_t fix_table(struct pvfix *fx, const struct fix_suite *suites, int n);
enum pv_action fix_hello(struct pvfix *fx, const struct fix_suite *suites, int n);

/* The `selected` byte the host wrote into the guest's table. */
uint8_t fix_selected(struct pvfix *fx, int suite, int test);

/* fix_init, HELLO with `suites`, then SUITE 0: the first of them begins. */
void fix_start(struct pvfix *fx, enum report_format fmt, const struct fix_suite *suites, int n);

/* DONE with the guest's exit status `exit`, then report_finish(): the run's exit status. */
int fix_done(struct pvfix *fx, uint64_t exit);

/* TEST t, then RESULT for it with verdict v; returns the RESULT's action. */
enum pv_action fix_test(struct pvfix *fx, int t, const char *name, enum pv_verdict v, const char *text);

/* SUITE s, TEST+RESULT of its test t, SUITE_END s. */
void fix_suite1(struct pvfix *fx, int s, const char *suite, int t, const char *test, enum pv_verdict v,
		const char *text);

/* The standard plan run with the given verdicts for alpha.one, alpha.two, beta.three. */
void fix_run_std(struct pvfix *fx, enum pv_verdict v1, enum pv_verdict v2, enum pv_verdict v3);

/* The exact line a protocol error prints (without indentation and newline). */
const char *fix_proto_line(const char *what, uint64_t gpa, unsigned cmd);

#endif
