/* SPDX-License-Identifier: MIT */
/*
 * The port protocol's decoder (include/abi/pvport.h): copies a message block or a test-table
 * entry out of guest RAM, validates every field and hands back a typed event. It knows guest
 * memory and the ABI only: nothing of the session, the report, the plan or the VM (the
 * session, session.c, decides what an event means). Pure functions: unit- and fuzz-testable.
 */
#ifndef IRQLAB_HOST_PV_DECODE_H
#define IRQLAB_HOST_PV_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/pvport.h"
#include "mem.h"
#include "util.h"

/* One validated message. Indices that do not fit an int are -1 (out of range for any table),
 * so 2^32 is not taken for 0. */
struct pv_event {
	enum pv_cmd cmd;
	uint32_t cpu;                     /* the sender's APIC ID */
	uint64_t gpa;                     /* where the block is: the reply goes there */
	uint64_t arg[PV_ARGS];            /* as sent; REQUEST replies are written here */
	int32_t ret;                      /* the reply's ret */
	union {
		struct { uint64_t table; int nsuites; } hello;
		int index;                    /* SUITE, TEST, SUITE_END */
		enum pv_verdict verdict;      /* RESULT */
		int64_t value;                /* METRIC (unit in text) */
		struct { uint64_t vector, error, rip, cr2, rsp; } fault;
		uint64_t line;                /* ABORT (file in name) */
		int status;                   /* DONE */
	} u;
	char name[PV_NAME_MAX + 1];       /* NUL-terminated copies */
	char text[PV_TEXT_MAX + 1];
};

/* Copy the block at `gpa` out of guest RAM and validate it. 0, or -EPROTO with `why`. On error
 * ev->cmd holds the raw command number (0 if the block was not readable) for the message. */
int pv_decode(const struct guest_mem *mem, uint32_t cpu, uint64_t gpa, struct pv_event *ev,
	      struct reason *why);

/* Write ev->ret and ev->arg[] back into the sender's block. 0 or -EFAULT. */
int pv_reply(const struct guest_mem *mem, const struct pv_event *ev);

/* Names become KTAP test names: printable ASCII, not empty, no spaces and no '#'. */
bool pv_valid_name(const char *s);

/* One entry of the guest's test table (struct pv_suite_desc), validated. */
struct pv_suite {
	char name[PV_NAME_MAX];
	uint32_t min_cpus;
	int ntests;
	uint64_t tests;                   /* gpa of its struct pv_test_desc[ntests] */
};

/* Read suite `s` of the table at `table`. 0, or -EPROTO with `why`. */
int pv_read_suite(const struct guest_mem *mem, uint64_t table, int s, struct pv_suite *out,
		  struct reason *why);

/* Read the name of test `t` of `suite`. 0, or -EPROTO with `why`. */
int pv_read_test(const struct guest_mem *mem, const struct pv_suite *suite, int t,
		 char name[PV_NAME_MAX], struct reason *why);

/* Write test `t`'s `selected` byte of suite `s`, re-reading the suite's test array address
 * (another vCPU may have changed it since pv_read_suite). Out-of-RAM entries are skipped. */
void pv_write_selected(const struct guest_mem *mem, uint64_t table, int s, int t, uint8_t selected);

#endif
