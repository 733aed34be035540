/* SPDX-License-Identifier: MIT */
/* One launch of a guest image, start to finish (launch.c), for `irqlab run|boot` and for each
 * isolated check of `irqlab check`. */
#ifndef IRQLAB_HOST_LAUNCH_H
#define IRQLAB_HOST_LAUNCH_H

#include <stdint.h>

#include "cli.h"
#include "plan.h"

struct launch_result {
	int status;               /* the exit status a run would have */
	char name[2 * PV_NAME_MAX + 2]; /* suite.test found at the ref, "" if none */
	enum outcome outcome;     /* of the one selected test (or the crash) */
	char reason[1024];        /* skip/xfail reason, failure or crash summary */
	char expected[160];       /* the test's "expect: ..." line, if it printed one */
	char observed[1024];      /* what the guest saw: its first diagnostic, or the crash */
	int64_t insn_emulation;   /* vCPU 0's KVM statistic, -1 if unknown */
	uint64_t exits;           /* exits to userspace, all vCPUs */
};

/* Run the image as `o` says, print its report, return the exit status. */
int launch(const struct opts *o, uint64_t start_ns);

/* The image's whole test table (a --list run with no output, --test ignored). 0, or the exit status of a failed run. */
int launch_plan(const struct opts *o, struct plan *out);

/* Run only the test at `ref` (by identity: its name is never a pattern) in a VM of its own with
 * no output; fill `res`. A ref outside the table runs none. */
int launch_one_test(const struct opts *o, struct plan_ref ref, struct launch_result *res);

#endif
