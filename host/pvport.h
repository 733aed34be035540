/* SPDX-License-Identifier: MIT */
/* The host side of the port protocol (include/abi/pvport.h): fetch the guest's message block,
 * validate every field, turn it into report events, write the reply. No KVM calls: unit-testable. */
#ifndef IRQLAB_HOST_PVPORT_H
#define IRQLAB_HOST_PVPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "mem.h"
#include "report.h"

struct vm;

struct pv_ctx {
	struct vm *vm;          /* for requests; NULL: requests answer -PV_ENOSYS */
	struct guest_mem *mem;
	struct report *report;
	const char *patterns;   /* --test, or NULL for all */
	const struct plan_ref *only; /* select exactly this test, not by patterns (irqlab check) */
	bool list;              /* --list: print the plan at HELLO and stop */
	struct plan *list_out;  /* with list: hand the plan over here instead of printing it */
	int ncpus;
	bool listed;            /* --list printed the plan */
	uint64_t request_ns;    /* time spent doing what the guest requested (--stats) */
	int usage_error;        /* set when --test selects nothing: exit 2 */
};

enum pv_action { PV_CONTINUE, PV_STOP };

/* A 32-bit `in` from PORT_PV: the detection handshake. */
uint32_t pv_port_in(void);

/* A 32-bit `out` to PORT_PV carrying `gpa` from the vCPU with APIC ID `cpu`.
 * Protocol violations are reported as a guest error and return PV_STOP. */
enum pv_action pv_port_out(struct pv_ctx *ctx, uint32_t cpu, uint64_t gpa);

/* Print a plan as --list shows it (one `suite.test` per line, or JSON). */
void pv_print_list(const struct plan *plan, bool json, FILE *out);

#endif
